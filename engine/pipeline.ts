// The engine's main loop. Messages are taken in batches; each batch is decoded (bad input to the
// dead-letter subject with its reason), quality-gated, evaluated, handed to the sinks, committed
// to the store in one transaction together with the rule states and the source position, and only
// then acknowledged. A crash anywhere before the commit redelivers the batch; after it, the
// checkpoint skips it: nothing lost, nothing doubled.
import { asyncScheduler, bufferTime, concatMap, filter, type Observable, type SchedulerLike } from 'rxjs';
import type { Inbound, Publisher, Source } from './bus.ts';
import { decodeObservation } from './codec.ts';
import { Evaluator } from './evaluator.ts';
import { isUsable, type Observation } from './observation.ts';
import type { Rule } from '../rules/rule.ts';
import type { WarningSink } from './sinks/sink.ts';
import type { Station } from './station.ts';
import type { DeadLetter, Store } from './store/store.ts';
import type { WarningEvent } from './warning.ts';

export const DLQ_SUBJECT = 'dlq.obs';

export interface BatchReport {
  received: number;
  stored: number;
  /** Readings flagged unreliable or missing: stored, never evaluated. */
  unusable: number;
  late: number;
  deadLetters: DeadLetter[];
  events: WarningEvent[];
  /** Source position committed with this batch. */
  seq?: number;
}

export interface EngineOptions {
  store: Store;
  /** Where dead letters are published (the bus). */
  publisher: Publisher;
  sinks: WarningSink[];
  batch?: { maxSize?: number; maxWaitMs?: number };
  scheduler?: SchedulerLike;
  /** Where to start when the store has no checkpoint for this source (default: the beginning). */
  startAfterSeq?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function payloadText(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch {
    return `base64:${Buffer.from(data).toString('base64')}`;
  }
}

async function processBatch(batch: Inbound[], evaluator: Evaluator, consumer: string, opts: EngineOptions): Promise<BatchReport> {
  const observations: Observation[] = [];
  const events: WarningEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  const now = (opts.scheduler ?? asyncScheduler).now();
  let unusable = 0;
  let late = 0;
  for (const m of batch) {
    const decoded = decodeObservation(m.subject, m.data);
    if (!decoded.ok) {
      deadLetters.push({ subject: m.subject, reason: decoded.reason, payload: payloadText(m.data), at: now });
      continue;
    }
    const obs = decoded.obs;
    observations.push(obs);
    if (!isUsable(obs)) {
      unusable++;
      continue;
    }
    const result = evaluator.step(obs);
    events.push(...result.events);
    if (result.late) {
      late++;
      deadLetters.push({ subject: m.subject, reason: result.late, payload: payloadText(m.data), at: now });
    }
  }
  await Promise.all([
    ...opts.sinks.map((s) => s.write(events)),
    ...deadLetters.map((d) => opts.publisher.publish(DLQ_SUBJECT, encoder.encode(JSON.stringify(d)))),
  ]);
  const seq = batch[batch.length - 1]!.seq;
  await opts.store.commit({
    observations,
    events,
    deadLetters,
    checkpoint: { consumer, seq: seq ?? 0, states: evaluator.takeDirty() },
  });
  batch[batch.length - 1]!.ack();
  return { received: batch.length, stored: observations.length, unusable, late, deadLetters, events, ...(seq !== undefined && { seq }) };
}

/**
 * Run the engine over a source, resuming from the store's checkpoint for that source.
 * Emits one report per committed batch; errors (a store failure) end the stream unacknowledged.
 */
export async function startEngine(
  source: Source,
  rules: readonly Rule[],
  stations: ReadonlyMap<string, Station>,
  opts: EngineOptions,
): Promise<{ reports: Observable<BatchReport>; evaluator: Evaluator }> {
  const checkpoint = await opts.store.loadCheckpoint(source.name);
  const evaluator = new Evaluator(rules, stations, checkpoint?.states ?? [], checkpoint?.lastTimes);
  const { maxSize = 5000, maxWaitMs = 50 } = opts.batch ?? {};
  const reports = source.messages(checkpoint?.seq || opts.startAfterSeq).pipe(
    bufferTime(maxWaitMs, null, maxSize, opts.scheduler ?? asyncScheduler),
    filter((b) => b.length > 0),
    concatMap((batch) => processBatch(batch, evaluator, source.name, opts)),
  );
  return { reports, evaluator };
}
