// The worker side of worker-source.ts: its own connection and durable consumer, every message
// decoded here and passed to the engine in chunks; the engine's acks come back by seq.
import { parentPort, workerData } from 'node:worker_threads';
import { HeldAcks } from './held-acks.ts';
import { openJetStream } from './jetstream-source.ts';
import { ChunkWriter } from './decoded-chunk.ts';
import type { FromWorker, ToWorker, WorkerSourceData } from './worker-source.ts';

/** Messages per chunk at most; a chunk also goes once the messages at hand are decoded. */
const CHUNK = 1_000;

const port = parentPort!;
const { url, connection, durable, options, afterSeq } = workerData as WorkerSourceData;
const post = (msg: FromWorker): void => port.postMessage(msg);

const bus = await openJetStream(url, connection);
/** Acks of the messages passed on, until the engine has committed them. */
const held = new HeldAcks(bus.nc);
const chunk = new ChunkWriter(CHUNK);
let scheduled = false;

const flush = (): void => {
  scheduled = false;
  if (chunk.length === 0) return;
  const { chunk: taken, transfer } = chunk.take();
  port.postMessage({ type: 'messages', chunk: taken } satisfies FromWorker, transfer);
};

const subscription = bus
  .source(durable, options)
  .messages(afterSeq)
  .subscribe({
    next: (m) => {
      held.hold(m);
      chunk.add(m.seq!, m.subject, m.data);
      if (chunk.full) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    error: (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    complete: () => {
      flush();
      post({ type: 'complete' });
    },
  });

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'ack') held.ack(msg.seq);
  else subscription.unsubscribe();
  // Draining sends the acks already taken; then nothing keeps the worker alive and it exits.
  if (msg.type === 'close') void bus.close().finally(() => port.close());
});
