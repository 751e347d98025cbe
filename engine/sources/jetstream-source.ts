// The bus over NATS JetStream: observations from a durable pull consumer, warnings published with dedupe.
import type { Worker } from 'node:worker_threads';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { ClosedConnectionError, DrainingConnectionError, connect, nanos, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import type { Inbound, PublishOptions, Publisher, Source } from '../bus.ts';
import { JetStreamAcks, msgIdHeaders } from './jetstream-acks.ts';
import { streamSequence } from './stream-sequence.ts';
import { closeWorkers, workerMessages } from './worker-source.ts';

/** The streams Seed uses; warnings dedupe on msgId within the window. */
const STREAMS: { name: string; subjects: string[]; duplicateWindowMs?: number }[] = [
  { name: 'OBS', subjects: ['obs.>'] },
  { name: 'DLQ', subjects: ['dlq.>'] },
  { name: 'WARN', subjects: ['warn.>'], duplicateWindowMs: 120_000 },
];

export interface SourceOptions {
  /** How long the server waits for an ack before redelivering (default 30 s). */
  ackWaitMs?: number;
  /** Messages delivered but not yet acked before the server pauses delivery (default 50,000). */
  maxAckPending?: number;
  /** Messages the client keeps requested and buffered (default 1,000). */
  batch?: number;
  /**
   * Consume and decode in a worker thread with a connection of its own (worker-source.ts), so the
   * engine's thread only evaluates. Connection options must then be plain data.
   */
  worker?: boolean;
}

export interface JetStreamPublisher extends Publisher {
  /** Wait until buffered core publishes (obs, dlq) have reached the server. */
  flush(): Promise<void>;
}

export interface JetStreamBus {
  nc: NatsConnection;
  /** Create the OBS, DLQ and WARN streams; streams that exist are left as they are. */
  ensureStreams(): Promise<void>;
  /**
   * Observations through the durable pull consumer `durable` on OBS (created if absent).
   * One subscriber per durable at a time: opening it may recreate the consumer (see openConsumer).
   */
  source(durable: string, options?: SourceOptions): Source;
  publisher: JetStreamPublisher;
  /** The stream's last sequence now (0 when empty): how far a source must get to have seen everything. */
  lastSeq(stream?: string): Promise<number>;
  /** Drain: deliver pending publishes and acks, then close. */
  close(): Promise<void>;
}

export async function openJetStream(url: string, options: Omit<NodeConnectionOptions, 'servers'> = {}): Promise<JetStreamBus> {
  const nc = await connect({ ...options, servers: url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  let closing = false;
  const acks = new JetStreamAcks(nc);
  /** Decoding workers of this bus's sources, closed with it. */
  const workers = new Set<Worker>();

  const publisher: JetStreamPublisher = {
    async publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<void> {
      if (subject.startsWith('warn.')) {
        // Awaited with msgID: the server acks once stored and drops a repeat within the window.
        await acks.publish(subject, data, opts?.msgId);
        return;
      }
      // Fire and forget for throughput; the stream captures it. The header still lets JetStream dedupe.
      nc.publish(subject, data, opts?.msgId ? { headers: msgIdHeaders(opts.msgId) } : undefined);
    },
    flush: () => nc.flush(),
  };

  return {
    nc,
    ensureStreams: () => ensureStreams(jsm),
    source: (durable, opts = {}) => ({
      name: durable,
      messages: (afterSeq) =>
        opts.worker
          ? workerMessages(url, options, durable, { ...opts, worker: false }, afterSeq, workers)
          : consumeDurable({ nc, js, jsm, closing: () => closing }, durable, opts, afterSeq),
    }),
    publisher,
    lastSeq: async (stream = 'OBS') => (await jsm.streams.info(stream)).state.last_seq,
    async close(): Promise<void> {
      await closeWorkers(workers);
      if (nc.isClosed()) return;
      closing = true;
      await nc.drain();
      acks.close();
    },
  };
}

/** A message as the engine sees it; a class, so no closure is made per message. */
export class JetStreamInbound implements Inbound {
  readonly subject: string;
  readonly data: Uint8Array;
  constructor(
    private readonly m: JsMsg,
    readonly seq: number,
    /** The subject an ack of this message goes to (what held-acks.ts keeps), if the client shows it. */
    readonly reply: string | undefined,
  ) {
    this.subject = m.subject;
    this.data = m.data;
  }

  ack(): void {
    ackQuietly(() => this.m.ack());
  }
}

// The reply subject is kept by the client's message but not in its type.
const replyOf = (m: JsMsg): string | undefined => {
  const reply = (m as { reply?: unknown }).reply;
  return typeof reply === 'string' && reply !== '' ? reply : undefined;
};

/** An ack that cannot be sent because the connection is closing is only a later redelivery, which afterSeq skips. */
export function ackQuietly(ack: () => void): void {
  try {
    ack();
  } catch (err) {
    if (!(err instanceof ClosedConnectionError || err instanceof DrainingConnectionError)) throw err;
  }
}

const isApiError = (err: unknown, code: number): boolean => err instanceof JetStreamApiError && err.code === code;

async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  for (const s of STREAMS) {
    try {
      await jsm.streams.info(s.name);
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
      const cfg: Partial<StreamConfig> & { name: string } = { name: s.name, subjects: s.subjects, storage: StorageType.File };
      if (s.duplicateWindowMs) cfg.duplicate_window = nanos(s.duplicateWindowMs);
      await jsm.streams.add(cfg);
    }
  }
}

/**
 * The durable's info, (re)creating it when needed. A durable that has delivered messages nobody acked
 * (the engine stopped mid-batch) would send new messages first and the unacked ones only after ack_wait,
 * out of order, and a later ack-all would then ack them unseen. So such a durable is recreated to start
 * right after the last committed message; a clean one resumes after its ack floor as is.
 */
async function openConsumer(jsm: JetStreamManager, durable: string, opts: SourceOptions, afterSeq = 0): Promise<ConsumerInfo> {
  let start = afterSeq;
  try {
    const info = await jsm.consumers.info('OBS', durable);
    if (info.num_ack_pending === 0) return info;
    start = Math.max(afterSeq, info.ack_floor.stream_seq);
    await jsm.consumers.delete('OBS', durable);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
  }
  return jsm.consumers.add('OBS', {
    durable_name: durable,
    ack_policy: AckPolicy.All, // the engine acks once per committed batch
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    max_ack_pending: opts.maxAckPending ?? 50_000,
    ...(start > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start + 1 } : { deliver_policy: DeliverPolicy.All }),
  });
}

interface Connection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** True once `close()` was called: the connection ending then is no error. */
  closing(): boolean;
}

/** Cold: each subscription runs its own consume loop, stopped by unsubscribing. */
function consumeDurable(conn: Connection, durable: string, opts: SourceOptions, afterSeq: number | undefined): Observable<Inbound> {
  const { nc, js, jsm } = conn;
  return new Observable<Inbound>((sub) => {
    let messages: ConsumerMessages | undefined;
    const run = async (): Promise<void> => {
      const info = await openConsumer(jsm, durable, opts, afterSeq);
      if (sub.closed) return;
      let last = 0;
      // A callback, not an async iterator: one call per message instead of a promise per message.
      const deliver = (m: JsMsg): void => {
        if (sub.closed) return; // messages buffered before the unsubscribe
        // Should a client version drop the reply subject, or the server send one ours cannot read, the
        // client's own parser decides (and says what is wrong).
        const reply = replyOf(m);
        const seq = streamSequence(reply) ?? m.info.streamSequence;
        if (afterSeq !== undefined && seq <= afterSeq) {
          m.ack(); // already committed by the engine: move the ack floor past it
          return;
        }
        // A redelivery (ack_wait ran out mid-batch) of a message already passed on: the engine's ack of a
        // later message covers it, so drop it and keep seq strictly increasing.
        if (seq <= last) return;
        last = seq;
        sub.next(new JetStreamInbound(m, seq, reply));
      };
      messages = await js.consumers.getConsumerFromInfo(info).consume({ max_messages: opts.batch ?? 1_000, callback: deliver });
      if (sub.closed) {
        await messages.close();
        return;
      }
      const err = await messages.closed();
      if (sub.closed) return;
      // Closed without an unsubscribe: the consumer or the connection gave up.
      if (err) throw err;
      if (nc.isClosed() && !conn.closing()) throw (await nc.closed()) ?? new Error('NATS connection closed');
      sub.complete();
    };
    run().catch((err: unknown) => sub.error(err));
    return () => {
      void messages?.close();
    };
  });
}
