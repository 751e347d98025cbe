// Warm start, on every store: the engine is stopped and started again twice, in the middle of a
// rainstorm (24-hour rain sums, river trends, a gauge falling silent) during a dry spell (the fire
// index carries yesterday's codes), and the warnings must equal those of an uninterrupted run.
// The clock is the simulated one, ticked once per simulated hour, so both runs see the same ticks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRules } from '../rules/loader.ts';
import { DRY_SEASON, simulateDrySeason } from '../simulators/fire-weather.ts';
import { DEFAULT_STORM_SEED, simulateStorm } from '../simulators/hydrology.ts';
import { FireIndex } from '../stations/fire/fire-index.ts';
import { loadRegistry } from '../stations/registry.ts';
import { encodeObservation } from './codec.ts';
import { observationSubject, type Observation } from './observation.ts';
import { startEngine } from './pipeline.ts';
import { startInfluxd, type InfluxServer } from './servers/influxd-server.ts';
import { MemoryBus } from './sources/memory-bus.ts';
import { openDuckDbStore } from './store/duckdb-store.ts';
import { openInfluxStore } from './store/influx-store.ts';
import type { FreshStore } from './store/store-conformance.ts';
import type { Store } from './store/store.ts';
import type { WarningEvent } from './warning.ts';

const HOUR = 3_600_000;
const stations = loadRegistry('stations/demo-county.yaml').stations;
const rules = loadRules('rules/packs');
const SEASON_START = DRY_SEASON.start;
const STORM_START = SEASON_START + 6 * 24 * HOUR + 2 * HOUR; // day 6 of the dry spell, 02:00 local
const readings: Observation[] = [
  ...simulateDrySeason({ ...DRY_SEASON, days: 8, drySpell: { fromDay: 3, toDay: 7 }, rainDays: [0], stations: [...stations.values()] }),
  ...simulateStorm({ seed: DEFAULT_STORM_SEED, start: STORM_START, hours: 30, stations: [...stations.values()] }),
].sort((a, b) => a.ts - b.ts);
/** Hour by hour, as a replay publishes them; each hour ends with a tick at its end. */
const hours = new Map<number, Observation[]>();
for (const o of readings) {
  const hour = Math.floor(o.ts / HOUR) * HOUR;
  hours.set(hour, [...(hours.get(hour) ?? []), o]);
}

/** Run the engine over the hours in [from, to) on a store opened for it, and close it again. */
async function segment(place: { open(): Promise<Store> }, from: number, to: number): Promise<WarningEvent[]> {
  const store = await place.open();
  const bus = new MemoryBus();
  const events: WarningEvent[] = [];
  let now = from;
  const { reports, control } = await startEngine(bus.source(), rules, stations, {
    store, publisher: bus, tickMs: 0, clock: () => now, batch: { maxWaitMs: 1, maxSize: 100_000 },
    sinks: [{ write: (e) => Promise.resolve(void events.push(...e)) }],
    samplers: [new FireIndex(stations.values())],
  });
  // How many messages the engine has processed: each hour's tick waits until its readings are in.
  // (One subscription: each one would run the engine.)
  let processed = 0;
  let waiting: { count: number; resume: () => void } | undefined;
  const done = lastValueFrom(
    reports.pipe(
      tap((r) => {
        processed += r.received;
        if (waiting && processed >= waiting.count) waiting.resume();
      }),
      toArray(),
    ),
  );
  let published = 0;
  for (const [hour, group] of hours) {
    if (hour < from || hour >= to) continue;
    now = hour;
    for (const o of group) await bus.publish(observationSubject(o), encodeObservation(o));
    published += group.length;
    if (processed < published) await new Promise<void>((resume) => (waiting = { count: published, resume }));
    now = hour + HOUR;
    await control.tick();
  }
  bus.close();
  await done;
  await store.close();
  return events;
}

function warmStart(name: string, fresh: FreshStore): void {
  void it(`${name}: warnings after two restarts equal those of an uninterrupted run`, async () => {
    const first = Math.min(...hours.keys());
    const end = Math.max(...hours.keys()) + HOUR;
    const whole = await segment(await fresh(), first, end);
    const place = await fresh();
    const restarts = [STORM_START + 9 * HOUR, STORM_START + 20 * HOUR]; // 11:00 and 22:00 local, storm rising and receding
    const pieces = [first, ...restarts, end];
    const resumed: WarningEvent[] = [];
    for (let i = 0; i + 1 < pieces.length; i++) resumed.push(...(await segment(place, pieces[i]!, pieces[i + 1]!)));

    const kinds = new Set(whole.map((e) => e.rule.id));
    for (const rule of ['rainstorm', 'river-rise', 'fire-danger']) assert.ok([...kinds].some((k) => k.startsWith(rule)), `the scenario exercises ${rule}: ${[...kinds].join(', ')}`);
    assert.deepEqual(resumed.map((e) => `${e.rule.id} ${e.entity} ${e.kind} ${e.tier}`), whole.map((e) => `${e.rule.id} ${e.entity} ${e.kind} ${e.tier}`));
    assert.deepEqual(resumed, whole);
  });
}

let dir = '';
let influxd: InfluxServer;
let n = 0;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seed-warm-'));
  influxd = await startInfluxd();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await influxd?.stop();
});

void describe('warm start', () => {
  warmStart('duckdb', () => {
    const file = join(dir, `warm-${++n}.duckdb`);
    return Promise.resolve({ open: () => openDuckDbStore(file) });
  });
  warmStart('influxdb', () => {
    const database = `seed_warm_${++n}`;
    return Promise.resolve({ open: () => openInfluxStore({ url: influxd.url, api: 'v1', database }) });
  });
});
