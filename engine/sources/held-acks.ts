// Acks of messages passed on and not yet committed, held by seq and reply subject only. Holding the
// messages themselves until their commit (a tenth of a second and more at full speed) kept each
// alive through two young collections, so each was promoted and had to be collected again by a
// full one: about a quarter of the decoding thread's time.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Inbound } from '../bus.ts';
import { ackQuietly, JetStreamInbound } from './jetstream-source.ts';

const ACK = new TextEncoder().encode('+ACK');

export class HeldAcks {
  /** In seq order, with the reply subject each message is acked on. */
  private seqs: number[] = [];
  private replies: string[] = [];

  constructor(private readonly nc: NatsConnection) {}

  /** Holds the ack of a message of this connection's JetStream source. */
  hold(m: Inbound): void {
    const reply = m instanceof JetStreamInbound ? m.reply : undefined;
    if (reply === undefined) throw new TypeError('only a JetStream message whose reply subject the client shows can be acked by it later');
    this.seqs.push(m.seq!);
    this.replies.push(reply);
  }

  /** Acks the newest message held at or before `seq`, and so (ack policy all) every one before it. */
  ack(seq: number): void {
    let i = 0;
    while (i < this.seqs.length && this.seqs[i]! <= seq) i++;
    if (i === 0) return;
    const reply = this.replies[i - 1]!;
    ackQuietly(() => this.nc.publish(reply, ACK));
    this.seqs = this.seqs.slice(i);
    this.replies = this.replies.slice(i);
  }
}
