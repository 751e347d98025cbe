// The in-process bus of the embedded default: publishers and the engine in one process, no server.
import { Subject, filter, map, takeUntil, type Observable } from 'rxjs';
import { subjectMatcher, type Inbound, type Publisher, type Source } from '../bus.ts';

interface Message {
  subject: string;
  data: Uint8Array;
}

const noAck = (): void => undefined;

export class MemoryBus implements Publisher {
  private readonly subject = new Subject<Message>();
  private readonly closed = new Subject<void>();

  publish(subject: string, data: Uint8Array): Promise<void> {
    this.subject.next({ subject, data });
    return Promise.resolve();
  }

  /** Messages on subjects matching `pattern`, from now on. */
  subscribe(pattern: string): Observable<Message> {
    const matches = subjectMatcher(pattern);
    return this.subject.pipe(filter((m) => matches(m.subject)));
  }

  /** No more observations will come: sources complete, so the engine drains and stops. */
  close(): void {
    this.closed.next();
    this.closed.complete();
  }

  /** A source over `obs.>`; it cannot replay, so acks are no-ops. */
  source(name = 'memory'): Source {
    return {
      name,
      messages: () =>
        this.subscribe('obs.>').pipe(
          takeUntil(this.closed),
          map((m): Inbound => ({ subject: m.subject, data: m.data, ack: noAck })),
        ),
    };
  }
}
