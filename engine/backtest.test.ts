// The backtest replays the store through the same evaluator as the live engine: a storm run live
// and then backtested from the store gives the same warnings, id for id; and the report's figures
// are checked on a small hand-made history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { loadRules, parseRuleFile } from '../rules/loader.ts';
import { simulateStorm } from '../simulators/hydrology.ts';
import { loadRegistry } from '../stations/registry.ts';
import { backtest } from './backtest.ts';
import { observationSubject, type Observation } from './observation.ts';
import { startEngine } from './pipeline.ts';
import { MemoryBus } from './sources/memory-bus.ts';
import type { Station } from './station.ts';
import { openDuckDbStore } from './store/duckdb-store.ts';
import type { WarningEvent } from './warning.ts';

const encoder = new TextEncoder();
const byTime = (a: WarningEvent, b: WarningEvent) => a.at - b.at || a.id.localeCompare(b.id);

test('same data, same warnings: a live run and its backtest agree event for event', async () => {
  const registry = loadRegistry('stations/demo-county.yaml');
  // Every series kind, compound-free pack; stale rules read the wall clock live, so they are left to their own tests.
  const pack = loadRules('rules/packs');
  const book = { ...pack, rules: pack.rules.filter((r) => r.kind !== 'stale') };
  const start = Date.parse('2023-07-27T12:00:00+08:00');
  const storm = simulateStorm({ seed: 20230728, start, hours: 36, stations: [...registry.stations.values()] });
  const store = await openDuckDbStore(':memory:');
  const bus = new MemoryBus();
  let clock = start;
  const { reports } = await startEngine(bus.source(), book, registry.stations, { store, publisher: bus, sinks: [], tickMs: 0, clock: () => clock, batch: { maxWaitMs: 1, maxSize: 500 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  for (const o of storm) {
    clock = o.ts;
    await bus.publish(observationSubject(o), encoder.encode(JSON.stringify(o)));
  }
  bus.close();
  const unusable = (await done).reduce((n, r) => n + r.unusable, 0);
  const live = (await store.warnings()).sort(byTime);
  assert.ok(live.length > 20, `the storm raises warnings (${live.length})`);
  assert.ok(new Set(live.map((e) => e.rule.id)).size >= 4, 'of several rule kinds');

  const result = await backtest(store, book, registry.stations, { from: start, to: start + 37 * 3_600_000 });
  // Readings the quality gates flagged unreliable are stored, never evaluated, live or replayed.
  assert.equal(result.observations, storm.length - unusable);
  assert.deepEqual(result.events.sort(byTime), live);
  await store.close();
});

const T0 = Date.parse('2026-07-01T00:00:00Z');
const MIN = 60_000;
const H1: Station = { id: 'H1', name: 'H1', domain: 'hydrology', lon: 0, lat: 0, tags: [], params: {} };

test('the report: entries per tier, time in tier, first crossings, flaps and lead times', async () => {
  const store = await openDuckDbStore(':memory:');
  const stage = (minute: number, value: number): Observation => ({ domain: 'hydrology', station: 'H1', metric: 'stage', ts: T0 + minute * MIN, value, quality: 'reliable' });
  // Yellow at 10, Red at 20, back to Yellow at 30, lifted at 40, Yellow again at 60 (a flap: 20 minutes after it left), to the end at 120.
  const values: [number, number][] = [[0, 1], [10, 5], [20, 8], [30, 5], [40, 1], [60, 5], [90, 5]];
  await store.commit({ observations: values.map(([m, v]) => stage(m, v)), events: [], deadLetters: [] });
  const book = parseRuleFile('r.yaml', 'id: high\ntitle: High\ndomain: hydrology\nmatch: { metric: stage }\ntiers: { yellow: { above: 4 }, red: { above: 7 } }\n');
  const result = await backtest(store, book, new Map([['H1', H1]]), {
    from: T0,
    to: T0 + 120 * MIN,
    references: [
      { at: T0 + 50 * MIN, entity: 'H1', tier: 'red', label: 'flood at H1' },
      { at: T0 + 5 * MIN, label: 'too early to warn' },
    ],
  });
  assert.deepEqual(result.events.map((e) => [e.kind, e.tier, (e.at - T0) / MIN]), [
    ['issued', 'yellow', 10],
    ['upgraded', 'red', 20],
    ['downgraded', 'yellow', 30],
    ['lifted', null, 40],
    ['issued', 'yellow', 60],
  ]);
  const [r] = result.rules;
  assert.deepEqual(r, {
    rule: 'high',
    entered: { blue: 0, yellow: 3, orange: 0, red: 1 },
    timeIn: { blue: 0, yellow: 80 * MIN, orange: 0, red: 10 * MIN },
    first: { yellow: { at: T0 + 10 * MIN, entity: 'H1' }, red: { at: T0 + 20 * MIN, entity: 'H1' } },
    flaps: 1,
    entities: 1,
  });
  assert.deepEqual(result.leadTimes.map((l) => [l.reference.label, l.warning?.tier, l.leadMs && l.leadMs / MIN]), [
    ['flood at H1', 'red', 30],
    ['too early to warn', undefined, undefined],
  ]);
  await store.close();
});
