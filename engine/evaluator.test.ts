import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleFile } from '../rules/loader.ts';
import { Evaluator } from './evaluator.ts';
import type { Observation } from './observation.ts';
import type { Station } from './station.ts';
import type { WarningEvent } from './warning.ts';

const rules = parseRuleFile(
  'river.yaml',
  `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage, tags: [river] }
tiers:
  yellow: { above: station.warning_stage, for: 10m }
  orange: { above: station.guaranteed_stage, for: 10m }
  red:    { above: station.historical_max }
clear: { hysteresis: 0.1, for: 20m }
`,
).rules;
const H01: Station = { id: 'H01', name: 'Qingshi Bridge', domain: 'hydrology', lon: 119.3, lat: 26.1, region: '350121', tags: ['river'], params: { warning_stage: 5, guaranteed_stage: 6, historical_max: 7 } };
const H02: Station = { ...H01, id: 'H02', name: 'No max', params: { warning_stage: 5, guaranteed_stage: 6 } };
const R01: Station = { ...H01, id: 'R01', tags: ['rain'] };
const stations = new Map([H01, H02, R01].map((s) => [s.id, s]));
const T0 = Date.parse('2026-07-01T00:00:00Z');
const MIN = 60_000;

const obs = (station: string, minute: number, value: number): Observation => ({ domain: 'hydrology', station, metric: 'stage', ts: T0 + minute * MIN, value, unit: 'm', quality: 'reliable' });

function feed(ev: Evaluator, station: string, series: Array<[number, number]>): WarningEvent[] {
  return series.flatMap(([m, v]) => ev.step(obs(station, m, v)).events);
}

const storm: Array<[number, number]> = [[0, 5.1], [5, 5.3], [10, 5.6], [15, 6.1], [20, 6.3], [25, 6.4], [30, 5.95], [35, 5.8], [40, 5.7], [45, 5.6], [50, 5.5], [55, 4.8], [60, 4.7], [65, 4.6], [70, 4.5], [75, 4.5]];

test('an episode climbs and falls back, each event with the evidence that decided it', () => {
  const ev = new Evaluator(rules, stations);
  const events = feed(ev, 'H01', storm);
  assert.deepEqual(events.map((e) => [e.kind, e.previousTier, e.tier, (e.at - T0) / MIN]), [
    ['issued', null, 'yellow', 10],
    ['upgraded', 'yellow', 'orange', 25],
    ['downgraded', 'orange', 'yellow', 55],
    ['lifted', 'yellow', null, 75],
  ]);
  const [issued, upgraded, downgraded, lifted] = events;
  assert.deepEqual(upgraded!.evidence, {
    metric: 'stage',
    unit: 'm',
    condition: 'stage ≥ 6 m (orange: station.guaranteed_stage) for 10m',
    threshold: 6,
    thresholds: { yellow: 5, orange: 6, red: 7 },
    readings: [{ ts: T0 + 15 * MIN, value: 6.1 }, { ts: T0 + 25 * MIN, value: 6.4 }],
  });
  assert.equal(downgraded!.evidence.threshold, 5.9);
  assert.equal(downgraded!.evidence.condition, 'stage < 5.9 m (orange clear: station.guaranteed_stage - 0.1) for 20m');
  assert.deepEqual(downgraded!.evidence.readings.map((r) => r.value), [5.8, 4.8]);
  assert.equal(lifted!.evidence.condition, 'stage < 4.9 m (yellow clear: station.warning_stage - 0.1) for 20m');
  for (const e of events) {
    assert.equal(e.issuedAt, issued!.at);
    assert.deepEqual(e.rule, { id: 'river-stage', title: 'River stage', hash: rules[0]!.hash });
    assert.deepEqual(e.station, { id: 'H01', name: 'Qingshi Bridge', lon: 119.3, lat: 26.1, region: '350121' });
  }
  assert.equal(upgraded!.summary, 'Yellow III → Orange II upgraded: River stage at Qingshi Bridge (H01, 350121): stage ≥ 6 m (orange: station.guaranteed_stage) for 10m; readings 6.1 → 6.4 m (07-01 08:15 → 08:25)');
  assert.equal(new Set(events.map((e) => e.id)).size, 4);
});

test('event ids are deterministic, so a replay gives the same ids', () => {
  const a = feed(new Evaluator(rules, stations), 'H01', storm).map((e) => e.id);
  const b = feed(new Evaluator(rules, stations), 'H01', storm).map((e) => e.id);
  assert.deepEqual(a, b);
});

test('stations bind by tags and parameters: a missing parameter drops only that tier', () => {
  const ev = new Evaluator(rules, stations);
  assert.deepEqual(feed(ev, 'R01', [[0, 9], [10, 9]]), []);
  assert.deepEqual(feed(ev, 'H02', [[0, 9], [10, 9]]).map((e) => e.tier), ['orange']);
  assert.deepEqual(Object.keys(feed(new Evaluator(rules, stations), 'H01', [[0, 9], [10, 9]])[0]!.evidence.thresholds ?? {}), ['yellow', 'orange', 'red']);
});

test('state restored from a checkpoint continues the episode without re-issuing', () => {
  const first = new Evaluator(rules, stations);
  const before = feed(first, 'H01', storm.slice(0, 7));
  const saved = first.takeDirty();
  assert.deepEqual(first.takeDirty(), []);
  const resumed = new Evaluator(rules, stations, { restored: JSON.parse(JSON.stringify(saved)) as typeof saved });
  const after = feed(resumed, 'H01', storm.slice(7));
  const whole = feed(new Evaluator(rules, stations), 'H01', storm);
  assert.deepEqual([...before, ...after], whole);
  assert.deepEqual(resumed.active(), []);
});

test('a changed rule does not inherit the old rule state', () => {
  const first = new Evaluator(rules, stations);
  feed(first, 'H01', storm.slice(0, 7));
  const saved = first.takeDirty().map((r) => ({ ...r, ruleHash: 'different' }));
  const resumed = new Evaluator(rules, stations, { restored: saved });
  assert.deepEqual(feed(resumed, 'H01', [[40, 6.5], [50, 6.5]]).map((e) => [e.kind, e.tier]), [['issued', 'orange']]);
});

test('a reading later than the allowed lateness is reported and not evaluated; one within it is not late', () => {
  const ev = new Evaluator(rules, stations);
  feed(ev, 'H01', [[0, 5.5], [20, 5.5]]);
  assert.deepEqual(ev.step(obs('H01', 12, 3.0)), { obs: obs('H01', 12, 3.0), events: [], derived: [] });
  const r = ev.step(obs('H01', 5, 3.0));
  assert.deepEqual(r.events, []);
  assert.equal(r.late, "late: hydrology.H01.stage reading at 2026-07-01T00:05:00.000Z is 15m older than the newest, beyond rule river-stage's lateness of 10m; stored, not evaluated");
  assert.deepEqual(ev.active().map((a) => [a.rule, a.entity, a.tier]), [['river-stage', 'H01', 'yellow']]);
});

test('only changes in substance are checkpointed, and lastTimes restores how far a series got', () => {
  const ev = new Evaluator(rules, stations);
  feed(ev, 'H01', [[0, 3], [5, 3.1]]);
  assert.deepEqual(ev.takeDirty(), [], 'readings far below every level change nothing worth saving');
  feed(ev, 'H01', [[10, 5.2]]);
  assert.equal(ev.takeDirty().length, 1, 'the start of a run towards yellow is saved');
  feed(ev, 'H01', [[15, 5.1]]);
  assert.deepEqual(ev.takeDirty(), [], 'a lower reading in the same run changes nothing');
  assert.deepEqual(feed(ev, 'H01', [[20, 5.3]]).map((e) => [e.kind, e.tier, e.evidence.readings[0]!.ts]), [['issued', 'yellow', T0 + 10 * MIN]]);
  const saved = ev.takeDirty();
  feed(ev, 'H01', [[25, 5.2]]);
  assert.deepEqual(ev.takeDirty(), []);
  // Restarted from the checkpoint taken at 20 min, with the store saying H01 was evaluated up to 25 min.
  const resumed = new Evaluator(rules, stations, { restored: saved, lastTimes: new Map([['hydrology.H01.stage', T0 + 25 * MIN]]) });
  assert.match(resumed.step(obs('H01', 10, 9)).late ?? '', /^late: /);
  assert.deepEqual(feed(resumed, 'H01', [[30, 4.0], [50, 4.0]]).map((e) => [e.kind, e.previousTier]), [['lifted', 'yellow']]);
});
