// A JetStream source whose consuming and decoding run in a worker thread with its own NATS
// connection (decode-worker.ts). Parsing the protocol and the JSON costs about as much as the
// rules do; off the engine's thread the two run side by side on a machine with two cores.
import { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import type { Inbound } from '../bus.ts';
import type { Decoded } from '../codec.ts';
import { observationSubject } from '../observation.ts';
import { ChunkReader, type Chunk, type ReadChunk } from './decoded-chunk.ts';
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

export type FromWorker = { type: 'messages'; chunk: Chunk } | { type: 'error'; message: string } | { type: 'complete' };

/** `stop`: stop consuming, but keep the connection for the acks of commits still under way; `close`: drain it and exit. */
export type ToWorker = { type: 'ack'; seq: number } | { type: 'stop' } | { type: 'close' };

/** A message of a chunk; it holds only where it is, and is decoded when the engine asks. */
class WorkerInbound implements Inbound {
  constructor(
    private readonly chunk: ReadChunk,
    private readonly index: number,
    private readonly worker: Worker,
  ) {}

  get seq(): number {
    return this.chunk.seq(this.index);
  }

  get decoded(): Decoded {
    return this.chunk.item(this.index).decoded;
  }

  get subject(): string {
    const item = this.chunk.item(this.index);
    return item.subject ?? (item.decoded.ok ? observationSubject(item.decoded.obs) : '');
  }

  /** The bytes as received (a dead letter's payload); a view, made only when asked for. */
  get data(): Uint8Array {
    return this.chunk.bytes(this.index);
  }

  ack(): void {
    this.worker.postMessage({ type: 'ack', seq: this.seq } satisfies ToWorker);
  }
}

const STOP_WITHIN_MS = 5_000;
const BOOT = new URL('../worker-boot.mjs', import.meta.url);
const MODULE = new URL('./decode-worker.ts', import.meta.url).href;

/**
 * Cold, like the direct source: each subscription starts its own worker. Unsubscribing stops its
 * consuming; the worker keeps its connection for acks still to come until `closeWorkers`.
 */
export function workerMessages(
  url: string,
  connection: Record<string, unknown>,
  durable: string,
  options: SourceOptions,
  afterSeq: number | undefined,
  workers: Set<Worker>,
): Observable<Inbound> {
  return new Observable<Inbound>((sub) => {
    const data: WorkerSourceData = { module: MODULE, url, connection, durable, options, afterSeq };
    const worker = new Worker(BOOT, { workerData: data });
    workers.add(worker);
    let stopping = false;
    const reader = new ChunkReader();
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'messages') {
        const chunk = reader.read(msg.chunk);
        for (let i = 0; i < chunk.count; i++) sub.next(new WorkerInbound(chunk, i, worker));
      } else if (msg.type === 'error') sub.error(new Error(msg.message));
      else sub.complete();
    });
    worker.on('error', (err) => sub.error(err));
    worker.on('exit', (code) => {
      workers.delete(worker);
      if (!stopping) sub.error(new Error(`the decoding worker exited (code ${code})`));
    });
    return () => {
      stopping = true;
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
      // A stopped worker does not keep the process alive; closeWorkers still waits for it.
      worker.unref();
    };
  });
}

/** Drain and end every worker: acks already posted are sent first. One that hangs is ended. */
export async function closeWorkers(workers: Set<Worker>): Promise<void> {
  await Promise.all(
    [...workers].map(
      (worker) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => void worker.terminate(), STOP_WITHIN_MS);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.postMessage({ type: 'close' } satisfies ToWorker);
        }),
    ),
  );
}
