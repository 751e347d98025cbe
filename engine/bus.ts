// The message bus as the engine uses it: subjects and bytes, the same over NATS or in process.
import type { Observable } from 'rxjs';
import type { Decoded } from './codec.ts';

/** One message taken from a source. `ack` confirms it and every earlier message of the source. */
export interface Inbound {
  subject: string;
  data: Uint8Array;
  /** Position in the source (JetStream stream sequence); absent for sources that cannot replay. */
  seq?: number;
  /** The message already decoded by the source (in a worker thread); absent, the engine decodes `data`. */
  decoded?: Decoded;
  ack(): void;
}

export interface PublishOptions {
  /** Idempotency key: a store that dedupes (JetStream) keeps one copy per id. */
  msgId?: string;
}

export interface Publisher {
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<void>;
}

/** A source of inbound messages: the JetStream durable consumer or the in-process bus. */
export interface Source {
  /** Consumer name that checkpoints are kept under. */
  readonly name: string;
  /** Messages from just after `afterSeq` (when the source can replay). */
  messages(afterSeq?: number): Observable<Inbound>;
}

/**
 * NATS subject matching, compiled once per pattern: `*` matches one token, `>` matches the rest.
 * A pattern of plain tokens and a final `>` (the usual `obs.>`) is a prefix test.
 */
export function subjectMatcher(pattern: string): (subject: string) => boolean {
  const p = pattern.split('.');
  if (!p.includes('*') && p.indexOf('>') === p.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (subject) => subject.length > prefix.length && subject.startsWith(prefix);
  }
  return (subject) => {
    const s = subject.split('.');
    for (let i = 0; i < p.length; i++) {
      if (p[i] === '>') return s.length > i;
      if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
    }
    return p.length === s.length;
  };
}
