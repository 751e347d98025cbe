// Derived series through the evaluator: a village's areal rain from its linked gauges, and the
// storm-surge series (surge, forecast) from a tide gauge's level and the station's harmonics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleFile } from '../rules/loader.ts';
import { parseRegistry } from '../stations/registry.ts';
import { tideModel } from '../stations/tide.ts';
import { Evaluator } from './evaluator.ts';
import type { Observation } from './observation.ts';
import type { Station } from './station.ts';
import type { WarningEvent } from './warning.ts';
import { formatError } from './yaml-file.ts';

const T0 = Date.parse('2026-07-28T00:00:00+08:00');
const MIN = 60_000;

const registry = parseRegistry(
  'stations.yaml',
  `stations:
  - { id: R01, name: a, domain: hydrology, lon: 119.4, lat: 26.3, tags: [rain] }
  - { id: R02, name: b, domain: hydrology, lon: 119.5, lat: 26.3, tags: [rain] }
  - { id: V01, name: village, domain: hydrology, lon: 119.45, lat: 26.3, tags: [village], links: { R01: 3, R02: 2 }, params: { prepare_1h: 20, evacuate_1h: 40 } }
  - { id: V02, name: other, domain: hydrology, lon: 119.4, lat: 26.2, tags: [village], links: [R01], params: { prepare_1h: 20, evacuate_1h: 40 } }
`,
);

const village = parseRuleFile(
  'village.yaml',
  `id: flash-flood-village
title: Flash-flood village
domain: hydrology
kind: accumulation
match:
  metric: areal_rain
  tags: [village]
  derive: { function: areal, inputs: { x: rain } }
windows: [1h]
tiers:
  orange: { above: { 1h: station.prepare_1h } }
  red: { above: { 1h: station.evacuate_1h } }
`,
);

const rain = (station: string, minute: number, value: number): Observation => ({
  domain: 'hydrology',
  station,
  metric: 'rain',
  ts: T0 + minute * MIN,
  value,
  unit: 'mm',
  quality: 'reliable',
});

test('links: a list weighs its stations equally, a map is normalised; a bad link or a kind without what it needs is an error at its place', () => {
  assert.deepEqual(registry.errors, []);
  assert.deepEqual(registry.stations.get('V01')!.links, { R01: 0.6, R02: 0.4 });
  assert.deepEqual(registry.stations.get('V02')!.links, { R01: 1 });
  const bad = parseRegistry('s.yaml', 'stations:\n  - { id: V1, name: v, domain: hydrology, lon: 119, lat: 26, links: [R9] }\n');
  assert.deepEqual(bad.errors.map(formatError), ['s.yaml:2:70: stations.0.links: linked station "R9" is not in the registry']);
  const more = parseRegistry(
    's.yaml',
    `stations:
  - { id: R1, name: r, domain: hydrology, lon: 119, lat: 26 }
  - { id: T1, name: t, domain: tide, kind: tide, lon: 119, lat: 26 }
  - { id: V1, name: v, domain: hydrology, kind: village, lon: 119, lat: 26, links: [R1, R1, T1] }
  - { id: V2, name: w, domain: hydrology, kind: village, lon: 119, lat: 26 }
`,
  );
  assert.deepEqual(more.errors.map(formatError), [
    's.yaml:3:44: stations.1: a tide station needs harmonics (datum_offset, constituents)',
    's.yaml:4:89: stations.2.links: "R1" is linked twice',
    's.yaml:4:93: stations.2.links: linked station "T1" is in domain tide, not hydrology',
    's.yaml:5:49: stations.3: a village needs links to its rain gauges',
  ]);
});

test('areal rain: each gauge report counts at its weight, so window sums are the weighted areal total', () => {
  assert.deepEqual(village.errors.map(formatError), []);
  const ev = new Evaluator(village, registry.stations);
  const events: WarningEvent[] = [];
  const derived: Observation[] = [];
  // 10 mm every 5 minutes at R01 and 5 mm at R02: V01 gets 0.6·10 + 0.4·5 = 8 mm a step, V02 10 mm.
  for (let m = 5; m <= 60; m += 5) {
    for (const o of [rain('R01', m, 10), rain('R02', m, 5)]) {
      const r = ev.step(o);
      events.push(...r.events);
      derived.push(...r.derived);
    }
  }
  // The same report again (a redelivery) adds nothing.
  assert.deepEqual(ev.step(rain('R01', 60, 10)).derived, []);
  const v01 = derived.filter((o) => o.station === 'V01');
  assert.equal(v01.length, 24);
  assert.ok(v01.every((o) => o.metric === 'areal_rain' && /^derived:areal:R0[12]$/.test(o.source!) && o.unit === 'mm'));
  assert.equal(Math.round(v01.reduce((s, o) => s + o.value!, 0) * 1e6) / 1e6, 96);
  const first = (id: string, tier: string) => events.find((e) => e.entity === id && e.tier === tier);
  // V02 reaches 20 mm at minute 10 and 40 mm at minute 20; V01 8 mm a step: 24 at 15, 40 at 25.
  assert.equal((first('V02', 'orange')!.at - T0) / MIN, 10);
  assert.equal((first('V02', 'red')!.at - T0) / MIN, 20);
  assert.equal((first('V01', 'orange')!.at - T0) / MIN, 15);
  assert.equal((first('V01', 'red')!.at - T0) / MIN, 25);
  assert.deepEqual(first('V01', 'red')!.evidence.readings.at(-1), { ts: T0 + 25 * MIN, value: 40 });
});

test('another rule on the areal series sees the whole of each ts, not its first part', () => {
  const both = parseRuleFile(
    'both.yaml',
    `rules:
  - id: flash-flood-village
    title: Flash-flood village
    domain: hydrology
    kind: accumulation
    match: { metric: areal_rain, tags: [village], derive: { function: areal, inputs: { x: rain } } }
    windows: [1h]
    tiers: { orange: { above: { 1h: station.prepare_1h } } }
  - id: areal-watch
    title: Areal rain watch
    domain: hydrology
    kind: accumulation
    match: { metric: areal_rain, tags: [village] }
    windows: [1h]
    tiers: { blue: { above: { 1h: 20 } } }
`,
  );
  assert.deepEqual(both.errors.map(formatError), []);
  const ev = new Evaluator(both, registry.stations);
  const events: WarningEvent[] = [];
  for (let m = 5; m <= 30; m += 5) for (const o of [rain('R01', m, 10), rain('R02', m, 5)]) events.push(...ev.step(o).events);
  // 8 mm a step at V01: 24 mm by minute 15 for both rules.
  assert.deepEqual(
    events.filter((e) => e.entity === 'V01').map((e) => [e.rule.id, (e.at - T0) / MIN]),
    [['flash-flood-village', 15], ['areal-watch', 15]],
  );
});

test('an unreliable gauge report is not part of the areal rain', () => {
  const ev = new Evaluator(village, registry.stations);
  const r = ev.step({ ...rain('R01', 5, 80), quality: 'unreliable' });
  assert.deepEqual(r.derived, []);
});

const tideRegistry = parseRegistry(
  'tide.yaml',
  `stations:
  - id: T01
    name: tide
    domain: tide
    lon: 119.57
    lat: 26.12
    tags: [tide]
    params: { tide_blue: 2.8, tide_orange: 3.4 }
    harmonics:
      datum_offset: 0.2
      constituents:
        - { name: M2, amplitude: 2.0, phase: 318 }
        - { name: S2, amplitude: 0.6, phase: 240 }
`,
);

test('surge and forecast: derived from the level and the harmonics, stored as their own series', () => {
  assert.deepEqual(tideRegistry.errors, []);
  const rules = parseRuleFile(
    'surge.yaml',
    `rules:
  - id: surge
    title: Surge
    domain: tide
    match: { metric: surge, tags: [tide], derive: { function: surge, inputs: { level: level } } }
    tiers: { blue: { above: 0.5 } }
  - id: forecast
    title: Forecast
    domain: tide
    match: { metric: forecast_6h, tags: [tide], derive: { function: tide_forecast, inputs: { level: level }, params: { hours: 6 } } }
    tiers: { blue: { above: station.tide_blue } }
`,
  );
  assert.deepEqual(rules.errors.map(formatError), []);
  const station: Station = tideRegistry.stations.get('T01')!;
  const model = tideModel(station.harmonics!);
  const ts = T0 + 3 * 60 * MIN;
  const ev = new Evaluator(rules, tideRegistry.stations);
  const level = model.level(ts) + 1.5;
  const r = ev.step({ domain: 'tide', station: 'T01', metric: 'level', ts, value: level, unit: 'm', quality: 'reliable' });
  const byMetric = Object.fromEntries(r.derived.map((o) => [o.metric, o.value!]));
  assert.ok(Math.abs(byMetric.surge! - 1.5) < 1e-9);
  // The forecast peak is the next high water within 6 h (the library's extremes search) plus the surge.
  const [high] = model.highWaters(ts, ts + 6 * 60 * MIN);
  assert.ok(high, 'a high water within 6 h');
  assert.ok(Math.abs(byMetric.forecast_6h! - (high.level + 1.5)) < 0.002, `forecast ${byMetric.forecast_6h} vs ${high.level + 1.5}`);
  assert.deepEqual(
    r.events.map((e) => [e.rule.id, e.tier]),
    [['surge', 'blue'], ['forecast', 'blue']],
  );
});
