import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../engine/observation.ts';
import { OnlineRate } from './online-rate.ts';
import { parseFleet } from './vessels.ts';

const fleet = parseFleet(
  'fleet.yaml',
  `vessels:
  - { id: A1, name: 甲1, class: trawler, home_port: P01, terminal: BD1, mmsi: "412000001", ais: A }
  - { id: A2, name: 甲2, class: trawler, home_port: P01, terminal: BD2 }
  - { id: B1, name: 乙1, class: small, home_port: P02, terminal: BD3 }
  - { id: B2, name: 乙2, class: small, home_port: P02, terminal: BD4 }
`,
);

const T0 = Date.parse('2026-09-10T00:00:00Z');
const heard = (vessel: string, source: string, minute: number): Observation => ({
  domain: 'vessel', station: vessel, metric: 'position', ts: T0 + minute * 60_000, position: { lon: 122, lat: 29 }, quality: 'reliable', source,
});

const rates = (obs: Observation[]) => Object.fromEntries(obs.map((o) => [o.station, o.value]));

test('the share of terminals heard within twice their interval, per home port and overall, once per period', () => {
  assert.deepEqual(fleet.errors, []);
  const r = new OnlineRate(fleet);
  // Watching began 20 minutes before: no rate until then (before, "not heard" means "not yet listened").
  assert.deepEqual(r.sample(T0 - 20 * 60_000), []);
  assert.deepEqual(r.sample(T0 - 60_000), []);
  for (const o of [heard('A1', 'beidou:BD1', 0), heard('A1', 'ais:412000001', 8), heard('A2', 'beidou:BD2', 2), heard('B1', 'beidou:BD3', 5), heard('B2', 'beidou:BD4', -30)]) r.hear(o);
  // At 00:10: 5 terminals; BD4 last heard 40 min ago (> 2 × 10 min) is offline.
  assert.deepEqual(rates(r.sample(T0 + 10 * 60_000)), { all: 80, P01: 100, P02: 50 });
  assert.deepEqual(r.sample(T0 + 15 * 60_000), [], 'once per 10-minute period');
  // At 00:20: the AIS transponder (3 min interval) heard 12 min ago is offline; Beidou ones 18–20 min ago are online.
  assert.deepEqual(rates(r.sample(T0 + 20 * 60_000)), { all: 60, P01: 66.667, P02: 50 });
  r.hear(heard('X9', 'beidou:BD999', 21)); // an unregistered terminal does not count
  assert.equal(rates(r.sample(T0 + 30 * 60_000)).all, 0);
});
