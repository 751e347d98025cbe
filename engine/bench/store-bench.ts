// Store adapters side by side: write throughput (commits of 5,000 observations, as the engine
// batches them) and the latency of a 24-hour range and of a 24-hour hourly aggregate of one series,
// on the same data in the same run. The baseline is encoding the batches only, no I/O: what a store
// adds on top of the engine's own work.
import type { Observation } from '../observation.ts';
import { commitLines, Stamps } from '../store/influx-lines.ts';
import type { Store } from '../store/store.ts';
import { percentile } from './table.ts';

export const STORE_POINTS = 300_000;
const SERIES = 100;
const BATCH = 5000;
const QUERIES = 50;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 6, 1);

/** One reading a minute per series: 3,000 minutes (a little over two days) for 100 series. */
function* points(): Generator<Observation[]> {
  let batch: Observation[] = [];
  for (let k = 0; k < STORE_POINTS; k++) {
    const s = k % SERIES;
    batch.push({ domain: 'hydrology', station: `H${String(s).padStart(3, '0')}`, metric: 'stage', ts: T0 + Math.floor(k / SERIES) * 60_000, value: 2 + ((k * 7919) % 1000) / 250, unit: 'm', quality: 'reliable' });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Encoding alone: the batches as line protocol, no I/O. */
export function benchEncode(): number {
  const started = performance.now();
  const stamps = new Stamps();
  for (const observations of points()) commitLines({ observations, events: [], deadLetters: [] }, stamps);
  return performance.now() - started;
}

export interface StoreResult {
  writeMs: number;
  /** Sorted latencies, ms. */
  range: number[];
  aggregate: number[];
  rangeRows: number;
}

export async function benchStore(store: Store): Promise<StoreResult> {
  const started = performance.now();
  for (const observations of points()) await store.commit({ observations, events: [], deadLetters: [] });
  const writeMs = performance.now() - started;
  const range: number[] = [];
  const aggregate: number[] = [];
  let rangeRows = 0;
  for (let q = 0; q < QUERIES; q++) {
    const series = `hydrology.H${String((q * 37) % SERIES).padStart(3, '0')}.stage`;
    const from = T0 + (q % 10) * 60 * 60_000;
    let t = performance.now();
    rangeRows = (await store.range(series, from, from + DAY)).length;
    range.push(performance.now() - t);
    t = performance.now();
    await store.aggregate(series, from, from + DAY, 3_600_000);
    aggregate.push(performance.now() - t);
  }
  const sorted = (a: number[]) => a.sort((x, y) => x - y);
  return { writeMs, range: sorted(range), aggregate: sorted(aggregate), rangeRows };
}

export const latencyCell = (sorted: number[]): string => `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.99).toFixed(1)}`;
