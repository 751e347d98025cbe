// Loader errors of the newer rule kinds and options, each at file:line:column. Every case starts
// from a valid file and breaks one thing, so each error is known to come from that one change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from '../engine/yaml-file.ts';
import { parseRuleFile } from './loader.ts';

const errorsOf = (text: string): string[] => parseRuleFile('kinds.yaml', text).errors.map(formatError);

/** The valid text has no errors; the broken one (one replacement) has exactly these. */
function breaks(valid: string, from: string, to: string, expected: string[]): void {
  assert.deepEqual(errorsOf(valid), [], 'the unbroken file is valid');
  assert.ok(valid.includes(from), `"${from}" is in the file`);
  assert.deepEqual(errorsOf(valid.replace(from, to)), expected);
}

test('an unknown kind names the kinds there are', () => {
  const valid = `id: x
title: X
domain: hydrology
kind: threshold
match: { metric: stage }
tiers:
  red: { above: 1 }
`;
  breaks(valid, 'kind: threshold', 'kind: threshhold', ['kinds.yaml:4:7: unknown kind "threshhold"; one of threshold, trend, stat, accumulation, stale, compound, geofence, quality, silence']);
});

const accumulation = `id: flash
title: Flash flood rain
domain: hydrology
kind: accumulation
match: { metric: rain }
windows: [1h, 3h]
tiers:
  blue: { above: { 1h: 35, 3h: 55 } }
  red: { above: { 60m: 80 } }
`;

test('accumulation: an error in a tier\'s own clear hysteresis is found there', () => {
  breaks(accumulation, 'blue: { above: { 1h: 35, 3h: 55 } }', 'blue: { above: { 1h: 35, 3h: 55 }, clear: { hysteresis: "5 +" } }', ['kinds.yaml:8:63: expected a number or station.<parameter> at the end']);
});

test('accumulation: a tier key that is not among the windows (60m is 1h and is fine)', () => {
  breaks(accumulation, '3h: 55', '6h: 70', ['kinds.yaml:8:32: "6h" is not one of the rule\'s windows (1h, 3h)']);
  breaks(accumulation, '3h: 55', 'three: 70', ['kinds.yaml:8:35: "three" is not one of the rule\'s windows (1h, 3h)']);
  const [rule] = parseRuleFile('kinds.yaml', accumulation).rules;
  assert.ok(rule?.kind === 'accumulation');
  assert.deepEqual(rule.variants.normal.conditions.map((c) => [c.tier, c.component]), [['blue', 0], ['blue', 1], ['red', 0]]);
});

test('stale: "missed" without "interval", and "after" and "missed" together', () => {
  const valid = `id: quiet
title: Gauge quiet
domain: hydrology
kind: stale
match: { metric: stage }
interval: 10m
tiers:
  blue: { missed: 3 }
  yellow: { after: 2h }
`;
  breaks(valid, 'interval: 10m\n', '', ['kinds.yaml:7:3: "missed" counts reporting intervals: give "interval", the one assumed until it is learned from the data']);
  breaks(valid, '{ missed: 3 }', '{ missed: 3, after: 1h }', ['kinds.yaml:8:9: tiers.blue: give exactly one of "after" (a duration) or "missed" (how many reports)']);
});

const compound = `rules:
  - id: both
    title: River and rain
    domain: hydrology
    kind: compound
    when:
      all:
        - { rule: river-stage, at_least: yellow }
        - { rule: rain-1h }
    tier: max
  - id: river-stage
    title: River stage
    domain: hydrology
    match: { metric: stage }
    tiers:
      red: { above: 7 }
  - id: rain-1h
    title: Heavy rain
    domain: hydrology
    match: { metric: rain_1h }
    tiers:
      red: { above: 80 }
`;

test('compound: a condition naming a rule that does not exist', () => {
  breaks(compound, '{ rule: rain-1h }', '{ rule: rain-1hr }', ['kinds.yaml:9:19: no rule with id "rain-1hr"']);
});

test('compound: rules that depend on themselves, through another compound rule', () => {
  const valid = `rules:
  - id: a
    title: A
    domain: hydrology
    kind: compound
    when: { rule: b }
    tier: max
  - id: b
    title: B
    domain: hydrology
    kind: compound
    tiers:
      red: { when: { any: [ { rule: c }, { rule: c, at_least: orange } ] } }
  - id: c
    title: C
    domain: hydrology
    match: { metric: stage }
    tiers:
      red: { above: 7 }
`;
  breaks(valid, '{ rule: c, at_least: orange }', '{ rule: a, at_least: orange }', ['kinds.yaml:13:50: compound rules depend on themselves: a → b → a']);
  breaks(valid, 'when: { rule: b }', 'when: { rule: a }', ['kinds.yaml:6:19: compound rules depend on themselves: a → a']);
});

test('inhibits: two rules inhibiting each other (both places are named), and an unknown target', () => {
  const valid = `rules:
  - id: stage
    title: Stage
    domain: hydrology
    match: { metric: stage }
    inhibits: [rise]
    tiers:
      red: { above: 7 }
  - id: rise
    title: Rise
    domain: hydrology
    kind: trend
    window: 1h
    match: { metric: stage }
    tiers:
      red: { above: 1 }
`;
  breaks(valid, '    tiers:\n      red: { above: 1 }', '    inhibits: [stage]\n    tiers:\n      red: { above: 1 }', [
    'kinds.yaml:6:16: "stage" and "rise" inhibit each other',
    'kinds.yaml:15:16: "rise" and "stage" inhibit each other',
  ]);
  breaks(valid, 'inhibits: [rise]', 'inhibits: [rise, rain]', ['kinds.yaml:6:22: no rule with id "rain"']);
});

test('derived series: an unknown function lists the known ones; wrong inputs and missing params are named', () => {
  const valid = `id: level-85
title: Level on the 85 datum
domain: hydrology
match:
  metric: level85
  derive: { function: linear, inputs: { x: level }, params: { scale: 1, offset: station.datum_offset } }
tiers:
  yellow: { above: 8 }
`;
  breaks(valid, 'function: linear', 'function: lineal', ['kinds.yaml:6:23: unknown function "lineal"; known: areal, difference, linear, sum, surge, tide_forecast, tide_predicted']);
  breaks(valid, '{ x: level }', '{ y: level }', ['kinds.yaml:6:39: linear takes inputs x; missing x; unknown y']);
  breaks(valid, 'scale: 1, ', '', ['kinds.yaml:6:11: linear needs params scale']);
  breaks(valid, 'scale: 1, ', 'scale: 1, skew: 2, ', ['kinds.yaml:6:79: linear has no param "skew"; it takes scale, offset']);
  breaks(valid, 'function: linear, inputs: { x: level }, params: { scale: 1, offset: station.datum_offset }', 'function: areal, inputs: { x: rain }', [
    'kinds.yaml:6:23: areal gives weighted parts whose sums are the areal value; use it in an accumulation rule',
  ]);
});

test('modes: an error inside the emergency block is located there, one in a shared field only once', () => {
  const valid = `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
tiers:
  yellow: { above: station.warning_stage }
clear: { hysteresis: 0.1 }
modes:
  emergency:
    tiers:
      yellow: { above: station.warning_stage - 0.5 }
`;
  breaks(valid, 'station.warning_stage - 0.5', 'station.warning_stage -', ['kinds.yaml:11:47: expected a number or station.<parameter> at the end']);
  breaks(valid, '{ above: station.warning_stage - 0.5 }', '{ abov: 4.5 }', [
    'kinds.yaml:11:15: modes.emergency.tiers.yellow: give exactly one of "above" or "below"',
    'kinds.yaml:11:17: unknown field "abov"',
  ]);
  // `clear` is compiled for both modes (the emergency block does not replace it): one error.
  breaks(valid, 'hysteresis: 0.1', 'hysteresis: 0.1 +', ['kinds.yaml:7:27: expected a number or station.<parameter> at the end']);
  breaks(valid, '  emergency:\n', '  emergncy:\n', ['kinds.yaml:9:3: unknown field "emergncy"']);
});

test('quality gates and silences: their own fields are checked', () => {
  const valid = `rules:
  - id: stage-gate
    kind: quality
    domain: hydrology
    match: { metric: stage }
    hard: { min: 0, max: station.historical_max + 5 }
    flatline: { for: 6h }
  - id: works
    kind: silence
    match: { entity: H01 }
    from: 2026-07-01T00:00:00+08:00
    until: 2026-07-01T06:00:00+08:00
    author: Lin
    reason: gauge maintenance
`;
  breaks(valid, 'station.historical_max + 5', 'station.historical_max +', ['kinds.yaml:6:50: expected a number or station.<parameter> at the end']);
  breaks(valid, 'until: 2026-07-01T06:00:00+08:00', 'until: 2026-06-30T06:00:00+08:00', ['kinds.yaml:12:12: must be after "from"']);
  breaks(valid, 'match: { entity: H01 }', 'match: {}', ['kinds.yaml:10:12: match: give at least one of rule, domain, entity, region']);
  const set = parseRuleFile('kinds.yaml', valid);
  assert.deepEqual(set.gates.map((g) => [g.id, g.hard.max?.evaluate({ historical_max: 7 }), g.flatline]), [['stage-gate', 12, { forMs: 6 * 3_600_000, tolerance: 0, flag: 'doubtful' }]]);
  assert.deepEqual(set.silences.map((s) => [s.id, s.from, s.until]), [['works', Date.parse('2026-06-30T16:00:00Z'), Date.parse('2026-06-30T22:00:00Z')]]);
});

const geofence = `id: nf
title: In a no-fishing area
kind: geofence
domain: vessel
match: { metric: position }
zones: { kinds: [no-fishing] }
condition: inside
buffer: 500m
speed: { above: 1, below: 5 }
tiers:
  yellow: { for: 10m }
`;

test('geofence errors: located, in plain words', () => {
  breaks(geofence, 'buffer: 500m', 'buffer: 500 metres', ['kinds.yaml:8:9: buffer: must be a distance such as 200m, 1.5km or 2nmi (or metres as a number)']);
  breaks(geofence, 'kinds: [no-fishing]', 'kinds: [no-fish]', ['kinds.yaml:6:18: zones.kinds.0: Invalid option: expected one of "port"|"anchorage"|"no-fishing"|"restricted"|"shipping-lane"|"fishing-ground"']);
  breaks(geofence, 'zones: { kinds: [no-fishing] }', 'zones: { kinds: [no-fishing], hazard: { domain: typhoon, metric: r7 } }', ['kinds.yaml:6:8: zones: give "kinds" and/or "ids" (registry zones), or "hazard" (moving circles)']);
  breaks(geofence, 'condition: inside', 'condition: within', ['kinds.yaml:7:12: condition: Invalid option: expected one of "enter"|"exit"|"inside"|"outside"']);
  breaks(geofence, 'above: 1, below: 5', 'above: 5, below: 1', ['kinds.yaml:9:17: "above" must be below "below": the band would be empty']);
  breaks(geofence, 'buffer: 500m', 'buffer: 500m\nwhile: { rule: typhoon, at_least: orange, deadline: 6h }', ['kinds.yaml:9:16: no rule with id "typhoon"']);
});
