// The rule kinds and options end to end through the evaluator, one small YAML rule set per
// feature: trend, accumulation, stat, stale, compound, derived series, quality gates, hold,
// renotify, inhibition, silences, modes, lateness and hot swap. Every expected event is written
// out as [rule, kind, tier, minute] with the evidence that decided it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleFile, type RuleSet } from '../rules/loader.ts';
import { Evaluator } from './evaluator.ts';
import type { Observation } from './observation.ts';
import type { Station } from './station.ts';
import type { WarningEvent } from './warning.ts';
import { formatError } from './yaml-file.ts';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const MIN = 60_000;
const at = (minute: number): number => T0 + minute * MIN;

/** Parse a rule file that must be valid. */
function load(yaml: string): RuleSet {
  const set = parseRuleFile('rules.yaml', yaml);
  assert.deepEqual(set.errors.map(formatError), []);
  return set;
}

const H01: Station = {
  id: 'H01',
  name: 'Qingshi Bridge',
  domain: 'hydrology',
  lon: 119.3,
  lat: 26.1,
  region: '350121',
  tags: ['river'],
  params: { warning_stage: 5, guaranteed_stage: 6, historical_max: 7, datum_offset: 2.5 },
};
const R01: Station = { ...H01, id: 'R01', name: 'Shangyang', tags: ['rain'] };
const T01: Station = { id: 'T01', name: 'Langqi', domain: 'tides', region: '350121', lon: 119.6, lat: 26.1, tags: [], params: {} };
const registry = (...list: Station[]): Map<string, Station> => new Map(list.map((s) => [s.id, s]));

const obs = (station: string, metric: string, minute: number, value: number, unit = 'm', domain = 'hydrology'): Observation => ({
  domain,
  station,
  metric,
  ts: at(minute),
  value,
  unit,
  quality: 'reliable',
});

/** [rule, kind, tier, minute] of each event. */
const brief = (events: readonly WarningEvent[]): [string, string, string | null, number][] => events.map((e) => [e.rule.id, e.kind, e.tier, (e.at - T0) / MIN]);

/** Step readings [minute, value] of one series; returns every event. */
/** A list item many tests combine with others: Yellow at the station's warning stage. */
const riverStageYellow = `  - id: river-stage
    title: River stage
    domain: hydrology
    match: { metric: stage }
    tiers:
      yellow: { above: station.warning_stage }`;

function feed(ev: Evaluator, station: string, metric: string, series: [number, number][], unit = 'm', domain = 'hydrology'): WarningEvent[] {
  return series.flatMap(([m, v]) => ev.step(obs(station, metric, m, v, unit, domain)).events);
}

test('trend: a least-squares slope over the window crosses the level, clears with hysteresis; too few readings decide nothing', () => {
  const rule = (minReadings: number) => `id: stage-rise
title: Stage rising fast
domain: hydrology
kind: trend
match: { metric: stage, tags: [river] }
window: 1h
min_readings: ${minReadings}
tiers:
  yellow: { above: 0.3 }
clear: { hysteresis: 0.15 }
`;
  const ev = new Evaluator(load(rule(3)), registry(H01));
  // Flat, then 0.08 m every 10 minutes, then flat. Slopes (m/h) over (t - 1h, t]: 20: 0, 30: 0.144,
  // 40: 0.24, 50: 0.302, 60: 0.411, 70: 0.48, 80: 0.411, 90: 0.302, 100: 0.178, 110: 0.069.
  const ramp: [number, number][] = [[0, 5], [10, 5], [20, 5], [30, 5.08], [40, 5.16], [50, 5.24], [60, 5.32], [70, 5.4], [80, 5.4], [90, 5.4], [100, 5.4], [110, 5.4], [120, 5.4]];
  const events = feed(ev, 'H01', 'stage', ramp);
  // At 100 the slope (0.178) is below the level but not below the clear level 0.15: still in force.
  assert.deepEqual(brief(events), [
    ['stage-rise', 'issued', 'yellow', 50],
    ['stage-rise', 'lifted', null, 110],
  ]);
  const [issued, lifted] = events;
  assert.equal(issued!.evidence.condition, 'stage slope over 1h ≥ 0.3 m/h (yellow)');
  assert.equal(issued!.evidence.unit, 'm/h');
  assert.equal(issued!.summary, 'Yellow III issued: Stage rising fast at Qingshi Bridge (H01, 350121): stage slope over 1h ≥ 0.3 m/h (yellow); slopes 0.302 m/h (07-01 08:50)');
  assert.equal(lifted!.evidence.condition, 'stage slope over 1h < 0.15 m/h (yellow clear: 0.3 - 0.15)');
  assert.equal(lifted!.summary, 'Yellow III lifted: Stage rising fast at Qingshi Bridge (H01, 350121): stage slope over 1h < 0.15 m/h (yellow clear: 0.3 - 0.15); slopes 0.069 m/h (07-01 09:50)');

  // A steep rise read every 40 minutes: never three readings in an hour, so no slope at all...
  const sparse: [number, number][] = [[0, 5], [40, 6], [80, 7], [120, 8], [160, 9]];
  assert.deepEqual(feed(new Evaluator(load(rule(3)), registry(H01)), 'H01', 'stage', sparse), []);
  // ...while two readings are enough when the rule asks for two (1.5 m/h).
  assert.deepEqual(brief(feed(new Evaluator(load(rule(2)), registry(H01)), 'H01', 'stage', sparse)), [['stage-rise', 'issued', 'yellow', 40]]);
});

test('accumulation: the county flash-flood table over 1/3/6/24 h; any window crossing reaches the tier, irregular readings and a gap', () => {
  const set = load(`id: flash-flood
title: Flash flood rainfall
domain: hydrology
kind: accumulation
match: { metric: rain, tags: [rain] }
windows: [1h, 3h, 6h, 24h]
tiers:
  blue:   { above: { 1h: 35, 3h: 55, 6h: 70, 24h: 100 } }
  yellow: { above: { 1h: 45, 3h: 75, 6h: 95, 24h: 130 } }
  orange: { above: { 1h: 60, 3h: 100, 6h: 120, 24h: 160 } }
  red:    { above: { 1h: 80, 3h: 120, 6h: 150, 24h: 200 } }
clear: { hysteresis: 5 }
`);
  const ev = new Evaluator(set, registry(R01));
  // Increments (mm) at irregular times, then nothing for over four hours. Sums [1h, 3h, 6h, 24h]:
  // 115: [26, 56, 56, 56]   130: [38, 77, 77, 77]   150: [63, 102, 102, 102]
  // 400: [0.5, 0.5, 80.5, 102.5]   460: [0.5, 1, 54, 103]   1500: [0.2, 0.2, 0.2, 73.2]
  const rain: [number, number][] = [[0, 10], [25, 12], [50, 8], [70, 9], [100, 10], [115, 7], [130, 21], [150, 25], [400, 0.5], [460, 0.5], [1500, 0.2]];
  const events = feed(ev, 'R01', 'rain', rain, 'mm');
  assert.deepEqual(brief(events), [
    ['flash-flood', 'issued', 'blue', 115], // the 3 h sum alone: the 1 h sum is 26
    ['flash-flood', 'upgraded', 'yellow', 130],
    ['flash-flood', 'upgraded', 'orange', 150], // 1 h and 3 h both reach orange; the 1 h window explains it
    ['flash-flood', 'downgraded', 'blue', 400], // after the gap only the 6 h and 24 h sums are high
    ['flash-flood', 'lifted', null, 1500], // the 24 h sum held Blue until it fell below 100 - 5
  ]);
  const [blue, yellow, orange, down, lifted] = events;
  assert.equal(blue!.evidence.condition, 'rain sum over 3h ≥ 55 mm (blue)');
  assert.deepEqual(blue!.evidence.thresholds, { blue: 55, yellow: 75, orange: 100, red: 120 });
  assert.deepEqual(blue!.evidence.readings, [{ ts: at(115), value: 56 }]);
  assert.equal(blue!.summary, 'Blue IV issued: Flash flood rainfall at Shangyang (R01, 350121): rain sum over 3h ≥ 55 mm (blue); sums 56 mm (07-01 09:55)');
  assert.equal(yellow!.evidence.condition, 'rain sum over 3h ≥ 75 mm (yellow)');
  assert.equal(orange!.evidence.condition, 'rain sum over 1h ≥ 60 mm (orange)');
  assert.deepEqual(orange!.evidence.thresholds, { blue: 35, yellow: 45, orange: 60, red: 80 });
  assert.deepEqual(orange!.evidence.readings, [{ ts: at(150), value: 63 }]);
  assert.equal(down!.evidence.condition, 'rain sum over 1h < 55 mm (orange clear: 60 - 5)');
  assert.equal(lifted!.evidence.condition, 'rain sum over 1d < 95 mm (blue clear: 100 - 5)');
  assert.deepEqual(lifted!.evidence.readings, [{ ts: at(1500), value: 73.2 }]);
});

test('stat: change over 1h and mean over 30m (with rate and min), each from its own window', () => {
  const set = load(`rules:
  - id: stage-change
    title: Stage jump
    domain: hydrology
    kind: stat
    stat: change
    window: 1h
    match: { metric: stage }
    tiers:
      yellow: { above: 0.5 }
      orange: { above: 1 }
    clear: { hysteresis: 0.2 }
  - id: stage-mean
    title: Mean stage
    domain: hydrology
    kind: stat
    stat: mean
    window: 30m
    match: { metric: stage }
    tiers:
      yellow: { above: station.warning_stage }
  - id: stage-rate
    title: Stage rate
    domain: hydrology
    kind: stat
    stat: rate
    window: 30m
    match: { metric: stage }
    tiers:
      blue: { above: 0.9 }
  - id: stage-min
    title: Stage stays high
    domain: hydrology
    kind: stat
    stat: min
    window: 30m
    match: { metric: stage }
    tiers:
      blue: { above: 5.5 }
`);
  const ev = new Evaluator(set, registry(H01));
  // Every 15 minutes. change(t) = v(t) - v(t - 1h): 60: 0.62, 75: 0.85, 90: 1.06, 105: 0.95, 120: 0.70,
  // 135: 0.43, 150: 0.12. mean over (t - 30m, t]: 60: 4.985, 75: 5.26. rate over 30m: 60: 1.0, 105: 0.8.
  // min over 30m: 90: 5.40, 105: 5.68.
  const stage: [number, number][] = [[0, 4.5], [15, 4.55], [30, 4.62], [45, 4.85], [60, 5.12], [75, 5.4], [90, 5.68], [105, 5.8], [120, 5.82], [135, 5.83], [150, 5.8], [165, 5.7]];
  const events = feed(ev, 'H01', 'stage', stage);
  assert.deepEqual(brief(events), [
    ['stage-change', 'issued', 'yellow', 60],
    ['stage-rate', 'issued', 'blue', 60],
    // The reading at 60 (5.12) is above the warning stage but the 30-minute mean (4.985) is not.
    ['stage-mean', 'issued', 'yellow', 75],
    ['stage-change', 'upgraded', 'orange', 90],
    ['stage-rate', 'lifted', null, 105],
    ['stage-min', 'issued', 'blue', 105],
    ['stage-change', 'downgraded', 'yellow', 120], // 0.70 < 1 - 0.2
    ['stage-change', 'lifted', null, 150], // 0.43 at 135 is not below 0.5 - 0.2; 0.12 is
  ]);
  const byRule = (id: string) => events.filter((e) => e.rule.id === id);
  assert.equal(byRule('stage-change')[0]!.summary, 'Yellow III issued: Stage jump at Qingshi Bridge (H01, 350121): stage change over 1h ≥ 0.5 m (yellow); values 0.62 m (07-01 09:00)');
  assert.equal(byRule('stage-change')[2]!.evidence.condition, 'stage change over 1h < 0.8 m (orange clear: 1 - 0.2)');
  assert.equal(byRule('stage-mean')[0]!.summary, 'Yellow III issued: Mean stage at Qingshi Bridge (H01, 350121): stage mean over 30m ≥ 5 m (yellow: station.warning_stage); values 5.26 m (07-01 09:15)');
  assert.equal(byRule('stage-rate')[0]!.evidence.condition, 'stage rate over 30m ≥ 0.9 m/h (blue)');
  assert.equal(byRule('stage-rate')[0]!.evidence.unit, 'm/h');
  assert.deepEqual(byRule('stage-min')[0]!.evidence.readings, [{ ts: at(105), value: 5.68 }]);
});

const staleRules = `rules:
  - id: gauge-quiet
    title: Gauge quiet
    domain: hydrology
    kind: stale
    match: { metric: stage, tags: [river] }
    tiers:
      blue: { after: 2h }
  - id: gauge-missed
    title: Gauge missed reports
    domain: hydrology
    kind: stale
    match: { metric: stage, tags: [river] }
    interval: 1h
    tiers:
      yellow: { missed: 3 }
  - id: river-stage
    title: River stage
    domain: hydrology
    match: { metric: stage, tags: [river] }
    tiers:
      yellow: { above: station.warning_stage }
      red: { above: station.historical_max }
`;

test('stale: a registry station that never reported warns counted from construction; the next reading lifts it', () => {
  // Watching starts at minute 5; the rain gauge R01 is not tagged river and is not watched.
  const ev = new Evaluator(load(staleRules), registry(H01, R01), { now: at(5) });
  assert.deepEqual(ev.tick(at(124)), []);
  const blue = ev.tick(at(125));
  assert.deepEqual(brief(blue), [['gauge-quiet', 'issued', 'blue', 125]]);
  assert.equal(blue[0]!.evidence.condition, 'no reading ever of stage for 2h (blue: after 2h)');
  assert.equal(blue[0]!.summary, 'Blue IV issued: Gauge quiet at Qingshi Bridge (H01, 350121): no reading ever of stage for 2h (blue: after 2h)');
  assert.deepEqual(ev.tick(at(184)), []);
  // A late tick dates the warning when the silence was reached, not when it was noticed.
  const yellow = ev.tick(at(200));
  assert.deepEqual(brief(yellow), [['gauge-missed', 'issued', 'yellow', 185]]);
  assert.equal(yellow[0]!.evidence.condition, 'no reading ever of stage for 3h (yellow: 3 × assumed interval 1h)');
  assert.deepEqual(ev.tick(at(400)), [], 'a warning in force is not issued again');
  const back = ev.step(obs('H01', 'stage', 410, 4));
  assert.deepEqual(brief(back.events), [
    ['gauge-quiet', 'lifted', null, 410],
    ['gauge-missed', 'lifted', null, 410],
  ]);
  assert.equal(back.events[0]!.evidence.condition, 'stage reported again');
  assert.deepEqual(back.events[0]!.evidence.readings, [{ ts: at(410), value: 4 }]);
  assert.deepEqual(ev.active(), []);
});

test('stale: "missed" uses the assumed interval until three gaps are learned, then k × the learned interval', () => {
  const ev = new Evaluator(load(staleRules), registry(H01), { now: at(0) });
  feed(ev, 'H01', 'stage', [[0, 4], [10, 4], [20, 4]]);
  // Two gaps only: the assumed hourly interval still applies (3 h); the fixed 2 h of gauge-quiet too.
  assert.deepEqual(ev.tick(at(60)), []);
  feed(ev, 'H01', 'stage', [[60, 4]]); // gaps 10, 10, 40: the median is 10 minutes
  assert.deepEqual(ev.tick(at(89)), []);
  const events = ev.tick(at(90));
  assert.deepEqual(brief(events), [['gauge-missed', 'issued', 'yellow', 90]]);
  assert.equal(events[0]!.evidence.condition, 'no reading of stage for 30m (yellow: 3 × learned interval 10m)');
  assert.deepEqual(events[0]!.evidence.readings, [{ ts: at(60), value: 4 }]);
  assert.deepEqual(brief(ev.tick(at(180))), [['gauge-quiet', 'issued', 'blue', 180]]);
});

test('stale: silence never downgrades another rule\'s warning: Red stays Red while the gauge is silent', () => {
  const ev = new Evaluator(load(staleRules), registry(H01), { now: at(0) });
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[0, 7.3]])), [['river-stage', 'issued', 'red', 0]]);
  const silent = [...ev.tick(at(60)), ...ev.tick(at(180)), ...ev.tick(at(600)), ...ev.tick(at(3000))];
  assert.deepEqual(brief(silent), [
    ['gauge-quiet', 'issued', 'blue', 120],
    ['gauge-missed', 'issued', 'yellow', 180],
  ]);
  assert.deepEqual(ev.active().map((a) => [a.rule, a.tier, (a.issuedAt - T0) / MIN]), [
    ['river-stage', 'red', 0],
    ['gauge-missed', 'yellow', 180],
    ['gauge-quiet', 'blue', 120],
  ]);
  // Only a reading moves the Red: here one below the warning stage lifts everything at once.
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[3010, 4]])), [
    ['river-stage', 'lifted', null, 3010],
    ['gauge-quiet', 'lifted', null, 3010],
    ['gauge-missed', 'lifted', null, 3010],
  ]);
});

const compoundRules = `rules:
  - id: river-stage
    title: River stage
    domain: hydrology
    match: { metric: stage, tags: [river] }
    tiers:
      yellow: { above: station.warning_stage }
      orange: { above: station.guaranteed_stage }
  - id: rain-1h
    title: Heavy rain
    domain: hydrology
    match: { metric: rain_1h, tags: [rain] }
    tiers:
      blue: { above: 35 }
      yellow: { above: 45 }
  - id: river-and-rain
    title: River high in heavy rain
    domain: hydrology
    kind: compound
    when:
      all:
        - { rule: river-stage, at_least: yellow }
        - { rule: rain-1h }
    tier: max
  - id: coastal
    title: River and tide
    domain: hydrology
    kind: compound
    scope: region
    region_digits: 6
    tiers:
      blue:
        when:
          all:
            - { rule: river-stage, at_least: yellow }
            - not: { metric: tide_level, domain: tides, above: 4.5 }
      yellow:
        when:
          any:
            - { rule: river-stage, at_least: orange }
            - { metric: tide_level, domain: tides, above: 4.5 }
      orange:
        when:
          all:
            - { rule: river-stage, at_least: yellow }
            - { metric: tide_level, domain: tides, above: 4.5 }
`;
const county = registry(
  { ...H01, region: '350122', tags: ['river', 'rain'] },
  { ...H01, id: 'H02', name: 'Minqing', region: '350122', lon: 119.1, lat: 26.2 },
  { ...H01, id: 'H03', name: 'Yongtai', region: '350125', lon: 118.9, lat: 25.9 },
  { ...T01, region: '350122' },
);

test('compound, entity scope: all of two rules for the same station, at the highest of their tiers', () => {
  const ev = new Evaluator(load(compoundRules), county);
  const events = [
    ...feed(ev, 'H01', 'stage', [[0, 5.2]]),
    ...feed(ev, 'H01', 'rain_1h', [[15, 50]], 'mm'),
    ...feed(ev, 'H01', 'stage', [[20, 6.3]]),
    ...feed(ev, 'H02', 'rain_1h', [[25, 90]], 'mm'), // H02 is not tagged rain: no rain-1h there
    ...feed(ev, 'H01', 'stage', [[40, 4]]),
  ].filter((e) => e.rule.id !== 'coastal');
  assert.deepEqual(brief(events), [
    ['river-stage', 'issued', 'yellow', 0],
    ['rain-1h', 'issued', 'yellow', 15],
    ['river-and-rain', 'issued', 'yellow', 15],
    ['river-stage', 'upgraded', 'orange', 20],
    ['river-and-rain', 'upgraded', 'orange', 20],
    ['river-stage', 'lifted', null, 40],
    ['river-and-rain', 'lifted', null, 40],
  ]);
  const compound = events.filter((e) => e.rule.id === 'river-and-rain');
  assert.deepEqual(compound[1]!.evidence, {
    metric: 'compound',
    condition: 'met for orange: river-stage Orange II (needs yellow or higher) ✓; rain-1h Yellow III (needs blue or higher) ✓',
    readings: [],
    members: ['river-stage Orange II (needs yellow or higher) ✓', 'rain-1h Yellow III (needs blue or higher) ✓'],
  });
  assert.deepEqual(compound[2]!.evidence.members, ['river-stage none (needs yellow or higher) ✗', 'rain-1h Yellow III (needs blue or higher) ✓']);
  assert.equal(compound[2]!.evidence.condition.startsWith('no longer met for orange: '), true);
  assert.equal(compound[0]!.entity, 'H01');
  assert.equal(compound[0]!.station.name, 'Qingshi Bridge');
});

test('compound, region scope: an explicit tiers table over the stations of a county, with any / all / not and a tide reading', () => {
  const ev = new Evaluator(load(compoundRules), county);
  const coastal = (events: WarningEvent[]) => events.filter((e) => e.rule.id === 'coastal');
  const steps = [
    coastal(feed(ev, 'H01', 'stage', [[0, 5.2]])),
    coastal(feed(ev, 'T01', 'tide_level', [[10, 4.8]], 'm', 'tides')),
    coastal(feed(ev, 'H01', 'stage', [[20, 6.3]])),
    coastal(feed(ev, 'H02', 'stage', [[22, 5.5]])),
    coastal(feed(ev, 'H03', 'stage', [[25, 6.5]])),
    coastal(feed(ev, 'T01', 'tide_level', [[30, 4.0]], 'm', 'tides')),
    coastal(feed(ev, 'H01', 'stage', [[40, 4]])),
    coastal(feed(ev, 'H02', 'stage', [[50, 4]])),
  ];
  assert.deepEqual(steps.map((events) => events.map((e) => [e.entity, e.kind, e.tier, (e.at - T0) / MIN])), [
    [['350122', 'issued', 'blue', 0]], // river Yellow at H01 and no high tide
    [['350122', 'upgraded', 'orange', 10]], // river Yellow and the tide at T01 above 4.5
    [], // H01 Orange: still Orange
    [],
    [['350125', 'issued', 'yellow', 25]], // another county: its own entity, Yellow by river Orange alone
    [['350122', 'downgraded', 'yellow', 30]], // the tide fell: Yellow by H01 at Orange
    [['350122', 'downgraded', 'blue', 40]], // H01 lifted; H02 still Yellow, the tide low
    [['350122', 'lifted', null, 50]],
  ]);
  const [issued] = steps[0]!;
  assert.deepEqual(issued!.evidence.members, [
    'blue: river-stage at H01 Yellow III (needs yellow or higher) ✓',
    'blue: not (tide_level: no reading in scope ✗)',
    'yellow: river-stage at H01 Yellow III (needs orange or higher) ✗',
    'yellow: tide_level: no reading in scope ✗',
    'orange: river-stage at H01 Yellow III (needs yellow or higher) ✓',
    'orange: tide_level: no reading in scope ✗',
  ]);
  assert.deepEqual(issued!.station, { id: '350122', name: 'region 350122', lon: (119.3 + 119.1 + 119.6) / 3, lat: (26.1 + 26.2 + 26.1) / 3, region: '350122' });
  const [upgraded] = steps[1]!;
  assert.equal(upgraded!.evidence.condition.startsWith('met for orange: '), true);
  assert.deepEqual(upgraded!.evidence.members!.filter((m) => m.startsWith('orange: ')), [
    'orange: river-stage at H01 Yellow III (needs yellow or higher) ✓',
    'orange: tide_level at T01 4.8 ≥ 4.5 ✓',
  ]);
  // The highest-tier station of the region is the one named.
  assert.deepEqual(steps[5]![0]!.evidence.members!.filter((m) => m.startsWith('yellow: ')), [
    'yellow: river-stage at H01 Orange II (needs orange or higher) ✓',
    'yellow: tide_level at T01 4 ≥ 4.5 ✗',
  ]);
  assert.deepEqual(steps[6]![0]!.evidence.members!.slice(0, 2), [
    'blue: river-stage at H02 Yellow III (needs yellow or higher) ✓',
    'blue: not (tide_level at T01 4 ≥ 4.5 ✗)',
  ]);
  assert.deepEqual(ev.active().filter((a) => a.rule === 'coastal').map((a) => [a.entity, a.tier]), [['350125', 'yellow']]);
});

test('derived series: linear (a datum shift with a station parameter) and difference, returned and evaluated', () => {
  const set = load(`rules:
  - id: level-85
    title: Water level (85 datum)
    domain: hydrology
    match:
      metric: level85
      derive: { function: linear, inputs: { x: level }, params: { scale: 1, offset: station.datum_offset } }
    tiers:
      yellow: { above: 8 }
  - id: surge
    title: Storm surge
    domain: tides
    match:
      metric: surge
      derive: { function: difference, inputs: { a: tide_level, b: tide_predicted } }
    tiers:
      blue: { above: 0.5 }
      yellow: { above: 1 }
`);
  const ev = new Evaluator(set, registry(H01, T01));
  const first = ev.step(obs('H01', 'level', 0, 5.25));
  assert.deepEqual(first.derived, [{ domain: 'hydrology', station: 'H01', metric: 'level85', ts: at(0), value: 7.75, quality: 'reliable', source: 'derived:linear', unit: 'm' }]);
  assert.deepEqual(first.events, []);
  const second = ev.step(obs('H01', 'level', 10, 5.75));
  assert.deepEqual(second.derived.map((d) => [d.metric, (d.ts - T0) / MIN, d.value]), [['level85', 10, 8.25]]);
  assert.deepEqual(brief(second.events), [['level-85', 'issued', 'yellow', 10]]);
  assert.equal(second.events[0]!.summary, 'Yellow III issued: Water level (85 datum) at Qingshi Bridge (H01, 350121): level85 ≥ 8 m (yellow); readings 8.25 m (07-01 08:10)');

  // Surge = observed − predicted: nothing until both inputs are there, then from the latest of each.
  const tide = (metric: string, minute: number, value: number) => ev.step(obs('T01', metric, minute, value, 'm', 'tides'));
  assert.deepEqual(tide('tide_level', 0, 3.5).derived, []);
  const a = tide('tide_predicted', 0, 3);
  assert.deepEqual(a.derived.map((d) => [d.metric, d.station, (d.ts - T0) / MIN, d.value, d.source]), [['surge', 'T01', 0, 0.5, 'derived:difference']]);
  assert.deepEqual(brief(a.events), [['surge', 'issued', 'blue', 0]]);
  const b = tide('tide_level', 30, 4.25); // the prediction from 0 still counts (less than an hour apart)
  assert.deepEqual(b.derived.map((d) => [(d.ts - T0) / MIN, d.value]), [[30, 1.25]]);
  assert.deepEqual(brief(b.events), [['surge', 'upgraded', 'yellow', 30]]);
  // Inputs more than an hour apart are not combined.
  assert.deepEqual(tide('tide_level', 61, 9).derived, []);
  assert.deepEqual(ev.active().map((x) => [x.rule, x.tier, (x.issuedAt - T0) / MIN]), [['surge', 'yellow', 0], ['level-85', 'yellow', 10]]);
});

test('quality gates: hard limit and rate of rise → unreliable (never evaluated), soft → doubtful (evaluated), flatline → doubtful', () => {
  const set = load(`rules:
  - id: stage-gate
    kind: quality
    domain: hydrology
    match: { metric: stage }
    hard: { min: 0, max: 20 }
    soft: { max: station.guaranteed_stage }
    rate: { rise: 3 }
    flatline: { for: 30m }
${riverStageYellow}
      orange: { above: station.guaranteed_stage }
`);
  const ev = new Evaluator(set, registry(H01));
  const run = (minute: number, value: number) => {
    const r = ev.step(obs('H01', 'stage', minute, value));
    return [minute, r.obs.quality, r.qualityReasons ?? [], brief(r.events).map(([, kind, tier]) => `${kind} ${tier}`)];
  };
  assert.deepEqual(
    [[0, 4], [10, 25], [20, 5.2], [30, 4.9], [40, 5.3], [60, 5.9], [80, 6.4], [100, 6], [110, 5.5], [120, 5.5], [130, 5.5], [140, 5.5]].map(([m, v]) => run(m!, v!)),
    [
      [0, 'reliable', [], []],
      [10, 'unreliable', ['25 is above the hard maximum 20', '25 is above the soft maximum 6', 'rose 126/h, faster than the limit 3/h'], []],
      // 5.2 is above the warning stage, but 1.2 m in 20 minutes is 3.6 m/h: not believed.
      [20, 'unreliable', ['rose 3.6/h, faster than the limit 3/h'], []],
      [30, 'reliable', [], []],
      [40, 'reliable', [], ['issued yellow']],
      [60, 'reliable', [], []],
      // Above the soft maximum: doubtful, and still evaluated.
      [80, 'doubtful', ['6.4 is above the soft maximum 6'], ['upgraded orange']],
      [100, 'reliable', [], []],
      [110, 'reliable', [], ['downgraded yellow']],
      [120, 'reliable', [], []],
      [130, 'reliable', [], []],
      [140, 'doubtful', ['the same reading 5.5 since 2026-07-01T01:50:00.000Z'], []],
    ],
  );
  // The reading handed back carries the lowered quality; the input is left alone.
  const input = obs('H01', 'stage', 150, 30);
  const r = ev.step(input);
  assert.deepEqual(r.obs, { ...input, quality: 'unreliable' });
  assert.equal(input.quality, 'reliable');
  // A reading the source already flagged unreliable is not gated and not evaluated.
  assert.deepEqual(ev.step({ ...obs('H01', 'stage', 160, 9), quality: 'unreliable' }), { obs: { ...obs('H01', 'stage', 160, 9), quality: 'unreliable' }, events: [], derived: [] });
  assert.deepEqual(ev.active().map((a) => [a.rule, a.tier]), [['river-stage', 'yellow']]);
});

test('hold: a step down waits until the hold ends, then is dated max(first lower proposal, since + hold), at a tick or the next reading', () => {
  const rule = `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
hold: 30m
tiers:
  yellow: { above: station.warning_stage }
  orange: { above: station.guaranteed_stage }
  red: { above: station.historical_max }
`;
  const ev = new Evaluator(load(rule), registry(H01));
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[0, 7.2], [10, 6.5], [20, 6.4]])), [['river-stage', 'issued', 'red', 0]]);
  assert.deepEqual(ev.tick(at(29)), []);
  const down = ev.tick(at(35));
  assert.deepEqual(brief(down), [['river-stage', 'downgraded', 'orange', 30]]);
  assert.equal(down[0]!.evidence.condition, 'stage < 7 m (red clear: station.historical_max - 0)');
  assert.deepEqual(down[0]!.evidence.readings, [{ ts: at(10), value: 6.5 }]);
  // Orange since 30: a lift proposed at 40 waits for 60 and is applied by the next reading.
  assert.deepEqual(feed(ev, 'H01', 'stage', [[40, 4], [50, 4]]), []);
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[70, 4]])), [['river-stage', 'lifted', null, 60]]);
  // Going back up inside the hold cancels the step down.
  const again = new Evaluator(load(rule), registry(H01));
  feed(again, 'H01', 'stage', [[0, 6.5], [10, 5.5], [20, 6.6]]);
  assert.deepEqual(again.tick(at(100)), []);
  assert.deepEqual(again.active().map((a) => a.tier), ['orange']);
});

test('renotify: a warning in force is renotified by ticks at multiples of the interval from the last notice', () => {
  const ev = new Evaluator(load(`id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
renotify: 1h
tiers:
  yellow: { above: station.warning_stage }
  red: { above: station.historical_max }
`), registry(H01));
  feed(ev, 'H01', 'stage', [[0, 5.5]]);
  assert.deepEqual(ev.tick(at(59)), []);
  const first = ev.tick(at(60));
  assert.deepEqual(brief(first), [['river-stage', 'renotified', 'yellow', 60]]);
  assert.equal(first[0]!.previousTier, 'yellow');
  assert.equal(first[0]!.issuedAt, at(0));
  assert.equal(first[0]!.summary, 'Yellow III still in force: River stage at Qingshi Bridge (H01, 350121): Yellow III in force since 07-01 08:00; reminder every 1h');
  assert.deepEqual(brief(ev.tick(at(150))), [['river-stage', 'renotified', 'yellow', 120]]);
  // An upgrade is a notice: reminders count from it.
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[130, 7.5]])), [['river-stage', 'upgraded', 'red', 130]]);
  assert.deepEqual(ev.tick(at(189)), []);
  assert.deepEqual(brief(ev.tick(at(190))), [['river-stage', 'renotified', 'red', 190]]);
  feed(ev, 'H01', 'stage', [[200, 4]]);
  assert.deepEqual(ev.tick(at(1000)), []);
});

const inhibitRules = `rules:
${riverStageYellow}
      orange: { above: station.guaranteed_stage }
  - id: flow-high
    title: Flow high
    domain: hydrology
    match: { metric: flow }
    inhibits: [river-stage]
    tiers:
      blue: { above: 500 }
      orange: { above: 1000 }
`;

test('inhibits: the inhibited rule\'s events are suppressed while the inhibitor is at an equal or higher tier, and renotified on release', () => {
  const ev = new Evaluator(load(inhibitRules), registry(H01));
  const flow = (minute: number, value: number) => feed(ev, 'H01', 'flow', [[minute, value]], 'm3/s');
  const stage = (minute: number, value: number) => feed(ev, 'H01', 'stage', [[minute, value]]);
  const show = (events: WarningEvent[]) => events.map((e) => [...brief([e])[0]!, e.suppressed?.by ?? null]);
  const events = [flow(0, 1500), stage(5, 5.5), stage(10, 6.5), flow(20, 700), flow(30, 1200), stage(35, 5.5), flow(40, 300), stage(45, 5.5)];
  assert.deepEqual(events.map(show), [
    [['flow-high', 'issued', 'orange', 0, null]],
    [['river-stage', 'issued', 'yellow', 5, 'inhibition']],
    [['river-stage', 'upgraded', 'orange', 10, 'inhibition']], // equal tier: still inhibited
    [
      ['flow-high', 'downgraded', 'blue', 20, null],
      ['river-stage', 'renotified', 'orange', 20, null], // released: Orange is above the inhibitor's Blue
    ],
    [['flow-high', 'upgraded', 'orange', 30, null]],
    [['river-stage', 'downgraded', 'yellow', 35, 'inhibition']],
    [
      ['flow-high', 'lifted', null, 40, null],
      ['river-stage', 'renotified', 'yellow', 40, null],
    ],
    [],
  ]);
  const suppressed = events[1]![0]!;
  assert.deepEqual(suppressed.suppressed, { by: 'inhibition', id: 'flow-high', reason: 'Flow high is at Orange II for H01' });
  const released = events[3]![1]!;
  assert.equal(released.evidence.condition, 'no longer inhibited by flow-high');
  assert.equal(released.issuedAt, at(5));
});

test('silences: matching events inside the window are suppressed with who and why; never a Red', () => {
  const set = load(`rules:
${riverStageYellow}
      orange: { above: station.guaranteed_stage }
      red: { above: station.historical_max }
  - id: gauge-work
    kind: silence
    match: { rule: river-stage, entity: H01 }
    from: 2026-07-01T00:00:00Z
    until: 2026-07-01T01:00:00Z
    author: duty officer Lin
    reason: gauge maintenance
`);
  assert.deepEqual(set.silences.map((s) => [s.id, s.from, s.until, s.source]), [['gauge-work', at(0), at(60), 'rules.yaml:10']]);
  const H02: Station = { ...H01, id: 'H02', name: 'Minqing' };
  const ev = new Evaluator(set, registry(H01, H02));
  const show = (events: WarningEvent[]) => events.map((e) => [e.entity, e.kind, e.tier, (e.at - T0) / MIN, e.suppressed?.by ?? null]);
  const events = [
    ...feed(ev, 'H01', 'stage', [[0, 5.5], [10, 6.5], [20, 7.5], [30, 6.5], [40, 5.5]]),
    ...feed(ev, 'H02', 'stage', [[45, 5.5]]), // another station: not silenced
    ...feed(ev, 'H01', 'stage', [[60, 6.5], [70, 4]]), // from `until` on, nothing is silenced
  ];
  assert.deepEqual(show(events), [
    ['H01', 'issued', 'yellow', 0, 'silence'],
    ['H01', 'upgraded', 'orange', 10, 'silence'],
    ['H01', 'upgraded', 'red', 20, null],
    ['H01', 'downgraded', 'orange', 30, null], // a step down from Red is not muted either
    ['H01', 'downgraded', 'yellow', 40, 'silence'],
    ['H02', 'issued', 'yellow', 45, null],
    ['H01', 'upgraded', 'orange', 60, null],
    ['H01', 'lifted', null, 70, null],
  ]);
  assert.deepEqual(events[0]!.suppressed, { by: 'silence', id: 'gauge-work', reason: 'silenced by duty officer Lin until 07-01 09:00: gauge maintenance' });
});

test('modes: emergency thresholds are lower; the same reading warns in emergency mode, and the event says so', () => {
  const ev = new Evaluator(load(`id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
tiers:
  yellow: { above: station.warning_stage }
  orange: { above: station.guaranteed_stage }
modes:
  emergency:
    tiers:
      blue: { above: station.warning_stage - 1 }
      yellow: { above: station.warning_stage - 0.5 }
      orange: { above: station.guaranteed_stage - 0.5 }
`), registry(H01));
  assert.deepEqual(feed(ev, 'H01', 'stage', [[0, 4.7]]), []);
  ev.setMode('emergency');
  assert.equal(ev.currentMode, 'emergency');
  const issued = feed(ev, 'H01', 'stage', [[10, 4.7]]);
  assert.deepEqual(brief(issued), [['river-stage', 'issued', 'yellow', 10]]);
  assert.equal(issued[0]!.mode, 'emergency');
  assert.equal(issued[0]!.evidence.condition, 'stage ≥ 4.5 m (yellow: station.warning_stage - 0.5)');
  assert.deepEqual(issued[0]!.evidence.thresholds, { blue: 4, yellow: 4.5, orange: 5.5 });
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[20, 5.6]])), [['river-stage', 'upgraded', 'orange', 20]]);
  // Back to normal: the latches carry over by tier and the normal levels judge the next reading.
  ev.setMode('normal');
  const back = feed(ev, 'H01', 'stage', [[30, 5.6]]);
  assert.deepEqual(brief(back), [['river-stage', 'downgraded', 'yellow', 30]]);
  assert.equal(back[0]!.mode, undefined);
  assert.equal(back[0]!.evidence.condition, 'stage < 6 m (orange clear: station.guaranteed_stage - 0)');
});

test('lateness: a reading within it amends the windows without being reported late; beyond it, a late message', () => {
  const ev = new Evaluator(load(`id: flash-1h
title: Flash flood 1h
domain: hydrology
kind: accumulation
match: { metric: rain }
windows: [1h]
lateness: 30m
tiers:
  blue: { above: { 1h: 35 } }
  yellow: { above: { 1h: 45 } }
`), registry(R01));
  assert.deepEqual(feed(ev, 'R01', 'rain', [[0, 10], [20, 10], [40, 10]], 'mm'), []);
  // 10 minutes late, within 30m: no message, no decision, but the next sums include it.
  const amended = ev.step(obs('R01', 'rain', 30, 10, 'mm'));
  assert.deepEqual(amended, { obs: obs('R01', 'rain', 30, 10, 'mm'), events: [], derived: [] });
  // Without the amendment the sum at 50 would be 40 (Blue); with it, 50.
  const fifty = ev.step(obs('R01', 'rain', 50, 10, 'mm')).events;
  assert.deepEqual(brief(fifty), [['flash-1h', 'issued', 'yellow', 50]]);
  assert.deepEqual(fifty[0]!.evidence.readings, [{ ts: at(50), value: 50 }]);
  const late = ev.step(obs('R01', 'rain', 10, 5, 'mm'));
  assert.deepEqual(late.events, []);
  assert.equal(late.late, "late: hydrology.R01.rain reading at 2026-07-01T00:10:00.000Z is 40m older than the newest, beyond rule flash-1h's lateness of 30m; stored, not evaluated");
  // The late reading did not enter the window: (0, 60] holds 10 + 10 + 10 + 10 + 1 = 41.
  const sixty = ev.step(obs('R01', 'rain', 60, 1, 'mm')).events;
  assert.deepEqual(brief(sixty), [['flash-1h', 'downgraded', 'blue', 60]]);
  assert.deepEqual(sixty[0]!.evidence.readings, [{ ts: at(60), value: 41 }]);
});

const swapRule = `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
tiers:
  yellow: { above: station.warning_stage }
`;

test('hot swap: an unchanged rule keeps its state; a changed one is lifted with the reason and judges afresh; a removed one is lifted', () => {
  const ev = new Evaluator(load(swapRule), registry(H01));
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[0, 5.5]])), [['river-stage', 'issued', 'yellow', 0]]);
  // The same rule, reformatted and commented: same hash, nothing happens, nothing is issued again.
  assert.deepEqual(ev.replace(load(`# reloaded\n${swapRule.replace('match: { metric: stage }', 'match:\n  metric: stage')}`), at(5)), []);
  assert.deepEqual(feed(ev, 'H01', 'stage', [[10, 5.6]]), []);
  assert.deepEqual(ev.active().map((a) => [a.rule, a.tier, (a.issuedAt - T0) / MIN]), [['river-stage', 'yellow', 0]]);
  // A changed threshold: the warning in force is lifted, once, with why; the new rule decides anew.
  const changed = ev.replace(load(swapRule.replace('station.warning_stage', '5.2')), at(15));
  assert.deepEqual(brief(changed), [['river-stage', 'lifted', null, 15]]);
  assert.equal(changed[0]!.evidence.condition, 'rule river-stage changed; it judges afresh from here');
  assert.equal(changed[0]!.previousTier, 'yellow');
  const fresh = feed(ev, 'H01', 'stage', [[20, 5.6]]);
  assert.deepEqual(brief(fresh), [['river-stage', 'issued', 'yellow', 20]]);
  assert.equal(fresh[0]!.evidence.condition, 'stage ≥ 5.2 m (yellow)');
  const removed = ev.replace({ rules: [] }, at(25));
  assert.deepEqual(brief(removed), [['river-stage', 'lifted', null, 25]]);
  assert.equal(removed[0]!.evidence.condition, 'rule river-stage was removed');
  assert.deepEqual(ev.active(), []);
  assert.deepEqual(feed(ev, 'H01', 'stage', [[30, 9]]), []);
});

test('hot swap: an invalid rule file gives located errors and no rules to apply', () => {
  const bad = parseRuleFile('river.yaml', swapRule.replace('above: station.warning_stage', 'above: station.warning_stage +'));
  assert.deepEqual(bad.errors.map(formatError), ['river.yaml:6:43: expected a number or station.<parameter> at the end']);
  assert.deepEqual(bad.rules, []);
});

test('hot swap: a rule changed and then changed back does not pick up the state checkpointed before', () => {
  const first = new Evaluator(load(swapRule), registry(H01));
  feed(first, 'H01', 'stage', [[0, 5.5]]);
  const saved = first.takeDirty();
  const ev = new Evaluator(load(swapRule), registry(H01), { restored: saved, lastTimes: new Map([['hydrology.H01.stage', at(0)]]) });
  assert.deepEqual(ev.active().map((a) => a.tier), ['yellow']);
  assert.deepEqual(brief(ev.replace(load(swapRule.replace('station.warning_stage', '5.2')), at(5))), [['river-stage', 'lifted', null, 5]]);
  assert.deepEqual(ev.replace(load(swapRule), at(6)), []);
  // Lifted at 5: the old rule judges afresh, so a high reading issues a new warning.
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[10, 5.5]])), [['river-stage', 'issued', 'yellow', 10]]);
});

test('hot swap: new windowed rules ask for history up to the newest reading; a new stale rule watches every registry station', () => {
  const ev = new Evaluator(load(swapRule), registry(H01, R01), { now: at(0), lastTimes: new Map([['hydrology.H01.stage', at(-30)]]) });
  assert.deepEqual(ev.history(), []);
  feed(ev, 'H01', 'stage', [[0, 4], [50, 4.5]]);
  const events = ev.replace(load(`rules:
  - id: stage-rise
    title: Stage rising fast
    domain: hydrology
    kind: trend
    match: { metric: stage }
    window: 1h
    tiers:
      yellow: { above: 0.3 }
  - id: rain-quiet
    title: Rain gauge quiet
    domain: hydrology
    kind: stale
    match: { metric: rain, tags: [rain] }
    tiers:
      blue: { after: 2h }
`), at(55));
  assert.deepEqual(events, []);
  // The trend needs its hour (and the lateness) before the newest reading, at 50, not before the start.
  assert.deepEqual(ev.history(), [{ series: 'hydrology.H01.stage', from: at(50 - 60 - 10), to: at(50) }]);
  ev.warm(obs('H01', 'stage', 0, 4));
  ev.warm(obs('H01', 'stage', 50, 4.5));
  ev.warmed();
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[55, 4.6]])), [['stage-rise', 'issued', 'yellow', 55]]);
  assert.deepEqual(brief(ev.tick(at(120))), [['rain-quiet', 'issued', 'blue', 120]]);
});

test('modes: compound rules whose emergency table has other tiers switch without losing their place', () => {
  const ev = new Evaluator(load(`rules:
${riverStageYellow}
  - id: watch
    title: River watch
    domain: hydrology
    kind: compound
    tiers:
      orange: { when: { rule: river-stage, at_least: yellow } }
    modes:
      emergency:
        tiers:
          yellow: { when: { rule: river-stage, at_least: yellow } }
          red: { when: { metric: stage, above: 6 } }
`), registry(H01));
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[0, 5.5]])), [['river-stage', 'issued', 'yellow', 0], ['watch', 'issued', 'orange', 0]]);
  ev.setMode('emergency');
  const events = feed(ev, 'H01', 'stage', [[10, 6.5]]);
  assert.deepEqual(brief(events), [['watch', 'upgraded', 'red', 10]]);
  assert.equal(events[0]!.mode, 'emergency');
  ev.setMode('normal');
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[20, 6.5]])), [['watch', 'downgraded', 'orange', 20]]);
});

test('inhibits: the same reading raising both rules is held back whatever their order in the file; a lift is never held back', () => {
  const target = `${riverStageYellow}\n`;
  const inhibitor = `  - id: river-record
    title: River near record
    domain: hydrology
    match: { metric: stage }
    inhibits: [river-stage]
    tiers:
      yellow: { above: station.warning_stage }
`;
  for (const text of [`rules:\n${target}${inhibitor}`, `rules:\n${inhibitor}${target}`]) {
    const ev = new Evaluator(load(text), registry(H01));
    const show = (events: WarningEvent[]) => events.map((e) => [...brief([e])[0]!, e.suppressed?.by ?? null]);
    assert.deepEqual(show(feed(ev, 'H01', 'stage', [[0, 5.5]])), [
      ['river-record', 'issued', 'yellow', 0, null],
      ['river-stage', 'issued', 'yellow', 0, 'inhibition'],
    ]);
    // Both lifted by the same reading: no reminder of a warning that is ending.
    assert.deepEqual(show(feed(ev, 'H01', 'stage', [[10, 4]])), [
      ['river-record', 'lifted', null, 10, null],
      ['river-stage', 'lifted', null, 10, null],
    ]);
  }
  // A warning announced before its inhibitor came up must be seen to end, even while inhibited.
  const ev = new Evaluator(load(inhibitRules), registry(H01));
  const events = [...feed(ev, 'H01', 'stage', [[0, 5.5]]), ...feed(ev, 'H01', 'flow', [[5, 1500]], 'm3/s'), ...feed(ev, 'H01', 'stage', [[10, 4]]), ...feed(ev, 'H01', 'flow', [[20, 100]], 'm3/s')];
  assert.deepEqual(events.map((e) => [...brief([e])[0]!, e.suppressed?.by ?? null]), [
    ['river-stage', 'issued', 'yellow', 0, null],
    ['flow-high', 'issued', 'orange', 5, null],
    ['river-stage', 'lifted', null, 10, null],
    ['flow-high', 'lifted', null, 20, null],
  ]);
});

test('compound: a dwell over tiers that stay put is completed by the clock, and so is the clear dwell', () => {
  const ev = new Evaluator(load(`rules:
${riverStageYellow}
  - id: rain-1h
    title: Heavy rain
    domain: hydrology
    match: { metric: rain_1h }
    tiers:
      yellow: { above: 45 }
  - id: both
    title: River and rain for half an hour
    domain: hydrology
    kind: compound
    when: { all: [ { rule: river-stage }, { rule: rain-1h } ] }
    tier: max
    for: 30m
    clear: { for: 10m }
`), registry(H01));
  feed(ev, 'H01', 'stage', [[0, 5.5]]);
  feed(ev, 'H01', 'rain_1h', [[5, 50]], 'mm'); // both Yellow from 5: the dwell starts
  // Readings that change no tier do not re-evaluate the compound; the clock does.
  assert.deepEqual(feed(ev, 'H01', 'stage', [[20, 5.6]]), []);
  assert.deepEqual(ev.tick(at(34)), []);
  const issued = ev.tick(at(35));
  assert.deepEqual(brief(issued), [['both', 'issued', 'yellow', 35]]);
  assert.deepEqual(issued[0]!.evidence.members, ['river-stage Yellow III (needs blue or higher) ✓', 'rain-1h Yellow III (needs blue or higher) ✓']);
  assert.deepEqual(brief(feed(ev, 'H01', 'stage', [[40, 4]])), [['river-stage', 'lifted', null, 40]]);
  assert.deepEqual(ev.tick(at(49)), []);
  assert.deepEqual(brief(ev.tick(at(50))), [['both', 'lifted', null, 50]]);
  assert.deepEqual(ev.tick(at(200)), []);
});
