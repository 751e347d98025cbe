// Publishes to a JetStream stream and waits for the stream's acknowledgement, like js.publish, but
// with one reply subscription and one timeout sweep for all messages in flight: js.publish makes a
// request (a reply subscription entry, a timer and two error objects with stack traces) per
// message, which cost more than a hundred microseconds a warning in the engine's benchmark.
import { createInbox, headers, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** The header JetStream dedupes a message on, within the stream's duplicate window. */
export function msgIdHeaders(msgId: string): MsgHdrs {
  const h = headers();
  h.set('Nats-Msg-Id', msgId);
  return h;
}

interface Waiting {
  subject: string;
  sentAt: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class JetStreamAcks {
  private readonly prefix = `${createInbox()}.`;
  private readonly waiting = new Map<number, Waiting>();
  private readonly subscription: Subscription;
  private sweeper: NodeJS.Timeout | undefined;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 10_000,
  ) {
    this.subscription = nc.subscribe(`${this.prefix}*`, {
      // An error on the reply subscription itself (a permissions violation) fails everything waiting.
      callback: (err, msg) => (err ? this.fail(() => true, (w) => `${w.subject}: no JetStream acknowledgement: ${err.message}`) : this.settle(msg)),
    });
  }

  /** Resolves once the stream has stored the message (or kept its first copy of `msgId`); rejects with why it did not. */
  publish(subject: string, data: Uint8Array, msgId?: string): Promise<void> {
    const n = ++this.next;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(n, { subject, sentAt: Date.now(), resolve, reject }));
    try {
      this.nc.publish(subject, data, { reply: `${this.prefix}${n}`, ...(msgId !== undefined && { headers: msgIdHeaders(msgId) }) });
    } catch (err) {
      this.waiting.delete(n);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    this.sweeper ??= setInterval(() => this.sweep(), Math.min(1_000, this.timeoutMs)).unref();
    return done;
  }

  /** Rejects what is still waiting; after the connection drained, nothing should be. */
  close(): void {
    if (!this.nc.isClosed()) this.subscription.unsubscribe();
    this.stop();
    this.fail(() => true, (w) => `no JetStream acknowledgement for ${w.subject}: connection closing`);
  }

  private settle(msg: Msg): void {
    const n = Number(msg.subject.slice(this.prefix.length));
    const w = this.waiting.get(n);
    if (!w) return; // timed out already
    this.waiting.delete(n);
    if (!this.waiting.size) this.stop();
    if (msg.headers?.hasError) {
      w.reject(new Error(`${w.subject}: ${msg.headers.code === 503 ? 'no JetStream stream takes this subject' : `${msg.headers.code} ${msg.headers.description}`}`));
      return;
    }
    const ack = pubAck(msg);
    if (ack?.error) w.reject(new Error(`${w.subject}: JetStream refused it: ${ack.error.description ?? JSON.stringify(ack.error)}`));
    else if (!ack?.stream) w.reject(new Error(`${w.subject}: not a JetStream acknowledgement: ${msg.string().slice(0, 200)}`));
    else w.resolve();
  }

  private sweep(): void {
    const before = Date.now() - this.timeoutMs;
    this.fail((w) => w.sentAt <= before, (w) => `no JetStream acknowledgement for ${w.subject} within ${this.timeoutMs} ms`);
    if (!this.waiting.size) this.stop();
  }

  private fail(which: (w: Waiting) => boolean, reason: (w: Waiting) => string): void {
    for (const [n, w] of this.waiting) {
      if (!which(w)) continue;
      this.waiting.delete(n);
      w.reject(new Error(reason(w)));
    }
  }

  private stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}

type PubAck = { stream?: string; error?: { description?: string } };

function pubAck(msg: Msg): PubAck | undefined {
  try {
    return msg.json<PubAck>();
  } catch {
    return undefined;
  }
}
