// A JetStream source whose consuming and decoding run in a worker thread with its own NATS
// connection (decode-worker.ts). Parsing the protocol and the JSON costs about as much as the
// rules do; off the engine's thread the two run side by side on a machine with two cores.
import { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import type { Inbound } from '../bus.ts';
import { encodeObservation, type Decoded } from '../codec.ts';
import { observationSubject } from '../observation.ts';
import type { SourceOptions } from './jetstream-source.ts';

/** What the worker is started with. Connection options must be plain data (no functions). */
export interface WorkerSourceData {
  module: string;
  url: string;
  connection: Record<string, unknown>;
  durable: string;
  options: SourceOptions;
  afterSeq: number | undefined;
}

/** One message as decoded in the worker; the subject and bytes travel only when decoding failed. */
export interface DecodedItem {
  seq: number;
  decoded: Decoded;
  subject?: string;
  data?: Uint8Array;
}

export type FromWorker =
  | { type: 'messages'; items: DecodedItem[] }
  | { type: 'error'; message: string }
  | { type: 'complete' };

export type ToWorker = { type: 'ack'; seq: number } | { type: 'stop' };

class WorkerInbound implements Inbound {
  constructor(
    private readonly item: DecodedItem,
    private readonly worker: Worker,
  ) {}

  get seq(): number {
    return this.item.seq;
  }

  get decoded(): Decoded {
    return this.item.decoded;
  }

  get subject(): string {
    const { item } = this;
    return item.subject ?? (item.decoded.ok ? observationSubject(item.decoded.obs) : '');
  }

  /** A decoded message's bytes are its observation re-encoded: only a late reading's dead letter reads them. */
  get data(): Uint8Array {
    const { item } = this;
    return item.data ?? (item.decoded.ok ? encodeObservation(item.decoded.obs) : new Uint8Array());
  }

  ack(): void {
    this.worker.postMessage({ type: 'ack', seq: this.item.seq } satisfies ToWorker);
  }
}

const STOP_WITHIN_MS = 5_000;
const BOOT = new URL('../worker-boot.mjs', import.meta.url);
const MODULE = new URL('./decode-worker.ts', import.meta.url).href;

/** Cold, like the direct source: each subscription starts its own worker, and unsubscribing stops it. */
export function workerMessages(url: string, connection: Record<string, unknown>, durable: string, options: SourceOptions, afterSeq: number | undefined): Observable<Inbound> {
  return new Observable<Inbound>((sub) => {
    const data: WorkerSourceData = { module: MODULE, url, connection, durable, options, afterSeq };
    const worker = new Worker(BOOT, { workerData: data });
    let stopping = false;
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'messages') for (const item of msg.items) sub.next(new WorkerInbound(item, worker));
      else if (msg.type === 'error') sub.error(new Error(msg.message));
      else sub.complete();
    });
    worker.on('error', (err) => sub.error(err));
    worker.on('exit', (code) => {
      if (!stopping) sub.error(new Error(`the decoding worker exited (code ${code})`));
    });
    return () => {
      stopping = true;
      // The worker drains its connection (sending acks already posted) and then exits by itself;
      // one that hangs is ended, its unsent acks only a redelivery the checkpoint skips.
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
      const timer = setTimeout(() => void worker.terminate(), STOP_WITHIN_MS).unref();
      worker.once('exit', () => clearTimeout(timer));
    };
  });
}
