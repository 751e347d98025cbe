// Backtest speed: a season of 50 gauges (25 river, 25 rain) at 5-minute data for 180 days, about
// 2.6 million points, replayed from DuckDB through the shipped hydrology pack; against the
// baseline of the same store scan with no rules.
import { loadRules } from '../../rules/loader.ts';
import { createRng } from '../../simulators/rng.ts';
import { backtest } from '../backtest.ts';
import type { Observation } from '../observation.ts';
import type { Station } from '../station.ts';
import { openDuckDbStore } from '../store/duckdb-store.ts';

const STEP_MS = 5 * 60_000;

function gauges(): Map<string, Station> {
  const out = new Map<string, Station>();
  for (let i = 0; i < 25; i++) {
    const river = `H${String(i).padStart(2, '0')}`;
    out.set(river, { id: river, name: river, domain: 'hydrology', lon: 119.5, lat: 26.2, region: '350122', tags: ['river'], params: { warning_stage: 5, guaranteed_stage: 6.2, historical_max: 7.1 } });
    const rain = `R${String(i).padStart(2, '0')}`;
    out.set(rain, { id: rain, name: rain, domain: 'hydrology', lon: 119.5, lat: 26.2, region: '350122', tags: ['rain'], params: {} });
  }
  return out;
}

/** A season: rain gauges mostly dry with storms every few days; rivers follow with a lag. */
function* season(start: number, days: number, stations: Map<string, Station>): Generator<Observation[]> {
  const rng = createRng(7);
  const ids = [...stations.keys()];
  const stage = new Float64Array(ids.length).fill(3);
  const wet = new Float64Array(ids.length);
  const steps = (days * 86_400_000) / STEP_MS;
  let chunk: Observation[] = [];
  for (let k = 0; k < steps; k++) {
    const ts = start + k * STEP_MS;
    const storm = Math.sin(k / 900) > 0.93;
    ids.forEach((id, i) => {
      if (id.startsWith('R')) {
        const rain = storm && rng.next() < 0.7 ? Math.round(rng.next() * 80) / 10 : 0;
        wet[i] = wet[i]! * 0.995 + rain;
        chunk.push({ domain: 'hydrology', station: id, metric: 'rain', ts, value: rain, unit: 'mm', quality: 'reliable' });
      } else {
        stage[i] = 3 + (stage[i]! - 3) * 0.995 + wet[i + 1]! * 0.0004 + (rng.next() - 0.5) * 0.02;
        chunk.push({ domain: 'hydrology', station: id, metric: 'stage', ts, value: Math.round(stage[i] * 100) / 100, unit: 'm', quality: 'reliable' });
      }
    });
    if (chunk.length >= 50_000) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

export interface BacktestBench {
  points: number;
  loadMs: number;
  scanMs: number;
  backtestMs: number;
  events: number;
}

export async function benchBacktest(path: string, days = 180): Promise<BacktestBench> {
  const stations = gauges();
  const store = await openDuckDbStore(path);
  const start = Date.parse('2026-04-01T00:00:00+08:00');
  const end = start + days * 86_400_000;
  try {
    let points = 0;
    let t = performance.now();
    for (const chunk of season(start, days, stations)) {
      await store.commit({ observations: chunk, events: [], deadLetters: [] });
      points += chunk.length;
    }
    const loadMs = performance.now() - t;
    t = performance.now();
    let scanned = 0;
    for await (const chunk of store.scan(start, end)) scanned += chunk.length;
    const scanMs = performance.now() - t;
    if (scanned !== points) throw new Error(`scan read ${scanned} of ${points}`);
    const pack = loadRules('rules/packs');
    t = performance.now();
    const result = await backtest(store, pack, stations, { from: start, to: end });
    const backtestMs = performance.now() - t;
    return { points, loadMs, scanMs, backtestMs, events: result.events.length };
  } finally {
    await store.close();
  }
}
