// The geofence rule kind through the evaluator: dwell, the boundary buffer, holes, enter vs inside,
// speed bands, moving hazard circles, and the typhoon port-return order with its deadline, in
// event time and with the clock, as the shipped vessel pack writes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRules, parseRuleFile } from '../rules/loader.ts';
import { parseZones } from '../stations/zones.ts';
import { Evaluator } from './evaluator.ts';
import type { Observation } from './observation.ts';
import type { Station } from './station.ts';
import type { WarningEvent } from './warning.ts';

const T0 = Date.parse('2026-09-10T00:00:00+08:00');
const min = (m: number) => T0 + m * 60_000;

const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const { zones, errors } = parseZones(
  'test.geojson',
  JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { id: 'P1', name: '石浦港', kind: 'port', region: '331082' }, geometry: { type: 'Polygon', coordinates: [square(122.0, 29.0, 122.02, 29.02)] } },
      {
        type: 'Feature',
        properties: { id: 'N1', name: '幼鱼保护区', kind: 'no-fishing' },
        // A hole in the middle: an island's fishing-allowed lagoon.
        geometry: { type: 'Polygon', coordinates: [square(122.2, 29.0, 122.4, 29.2), square(122.28, 29.08, 122.32, 29.12).reverse()] },
      },
    ],
  }),
);
assert.deepEqual(errors, []);

const vessel = (id: string, tags: string[]): Station => ({ id, name: `浙岭渔${id}`, domain: 'vessel', lon: 122.01, lat: 29.01, tags, params: { report_minutes: 10 } });
const stations = new Map(
  [vessel('V1', ['trawler', 'beidou']), vessel('V2', ['gillnetter', 'beidou']), vessel('V3', ['seiner', 'beidou']), vessel('V4', ['tug', 'beidou'])].map((s) => [s.id, s]),
);

const fix = (station: string, m: number, lon: number, lat: number, speed?: number): Observation => ({
  domain: 'vessel',
  station,
  metric: 'position',
  ts: min(m),
  position: { lon, lat, ...(speed !== undefined && { speed }) },
  quality: 'reliable',
  source: `beidou:BD${station}`,
});

const rules = (yaml: string) => {
  const set = parseRuleFile('test.yaml', yaml);
  assert.deepEqual(set.errors, []);
  return set;
};

/** Steps every observation and ticks the clock at each; `ticks` adds clock times with no reading. */
function run(ev: Evaluator, obs: Observation[], ticks: number[] = []): WarningEvent[] {
  const steps = [...obs.map((o) => ({ at: o.ts, o })), ...ticks.map((m) => ({ at: min(m), o: undefined }))].sort((a, b) => a.at - b.at);
  return steps.flatMap(({ at, o }) => [...(o ? ev.step(o).events : []), ...ev.tick(at)]);
}

const brief = (events: WarningEvent[], rule: string) =>
  events.filter((e) => e.rule.id === rule).map((e) => `${(e.at - T0) / 60_000} ${e.entity} ${e.kind} ${e.tier ?? '-'}`);

const insideRule = `
id: nf
title: In a no-fishing area
kind: geofence
domain: vessel
match: { metric: position }
zones: { kinds: [no-fishing] }
condition: inside
buffer: 500m
tiers: { yellow: { for: 10m } }
clear: { for: 10m }
`;

test('inside: the dwell raises, the buffer holds a vessel on the edge, the clear dwell lifts; a hole is outside', () => {
  const ev = new Evaluator(rules(insideRule), stations, { zones, now: T0 });
  const events = run(ev, [
    fix('V1', 0, 122.1, 29.05),
    fix('V1', 10, 122.25, 29.05), // inside: the run starts
    fix('V1', 20, 122.26, 29.05), // 10 minutes inside: Yellow
    fix('V1', 30, 122.197, 29.05), // ~290 m west of the edge: within the 500 m buffer, still in
    fix('V1', 40, 122.19, 29.05), // ~970 m out: the clear dwell starts
    fix('V1', 50, 122.18, 29.05), // 10 minutes out: lifted
    fix('V2', 0, 122.25, 29.1),
    fix('V2', 10, 122.3, 29.1), // in the hole, ~1.9 km from its ring: not in the area
    fix('V2', 20, 122.3, 29.1),
  ]);
  assert.deepEqual(brief(events, 'nf'), ['20 V1 issued yellow', '50 V1 lifted -']);
  const issued = events.find((e) => e.kind === 'issued')!;
  assert.equal(issued.evidence.zone?.id, 'N1');
  assert.match(issued.evidence.condition, /inside for 10m: in 幼鱼保护区 \(N1, no-fishing\) at 29\.0500°N 122\.2600°E/);
  // The warning is placed where the vessel is, not at its home port.
  assert.deepEqual([issued.station.lon, issued.station.lat], [122.26, 29.05]);
});

test('enter: a vessel first seen inside has not entered; once seen outside, coming in is an entry', () => {
  const ev = new Evaluator(rules(insideRule.replace('condition: inside', 'condition: enter')), stations, { zones, now: T0 });
  const events = run(ev, [
    fix('V1', 0, 122.25, 29.05),
    fix('V1', 10, 122.25, 29.05),
    fix('V1', 20, 122.25, 29.05),
    fix('V1', 30, 122.1, 29.05),
    fix('V1', 40, 122.25, 29.05),
    fix('V1', 50, 122.25, 29.05),
  ]);
  assert.deepEqual(brief(events, 'nf'), ['50 V1 issued yellow']);
});

test('a speed band: too fast inside a port; a fix without a speed counts at the last speed heard', () => {
  const set = loadRules('rules/packs/vessels');
  assert.deepEqual(set.errors, []);
  const ev = new Evaluator(set, stations, { zones, now: T0 });
  const events = run(ev, [
    fix('V1', 0, 122.01, 29.01, 8),
    fix('V1', 1, 122.012, 29.01), // no speed (a class B unit's N/A): 8 kn still, the dwell goes on
    fix('V1', 2, 122.014, 29.01, 7.9), // 2 minutes above 6 kn: Blue
    fix('V1', 4, 122.015, 29.01, 2),
    fix('V1', 9, 122.015, 29.01), // no speed: 2 kn still, 5 minutes slow: lifted
    fix('V2', 0, 122.01, 29.01, 8),
    fix('V2', 40, 122.012, 29.01), // the last speed is 40 minutes old: unknown, and the run is broken
    fix('V2', 41, 122.012, 29.01, 8),
    fix('V2', 42, 122.012, 29.01, 8),
  ]);
  assert.deepEqual(brief(events, 'speed-in-port'), ['2 V1 issued blue', '9 V1 lifted -']);
});

const signal = (m: number, value: number): Observation => ({ domain: 'typhoon', station: '331082', metric: 'signal', ts: min(m), value, quality: 'reliable' });

test('typhoon port return: from the Orange signal, vessels out of port at the deadline are warned, a silent one too, until in port or the order ends', () => {
  const ev = new Evaluator(loadRules('rules/packs/vessels'), stations, { zones, now: T0 });
  const events = run(
    ev,
    [
      fix('V1', 0, 122.3, 29.3, 8),
      fix('V2', 0, 122.5, 29.3, 3),
      fix('V4', 0, 122.5, 29.4, 3),
      signal(60, 3), // Orange: the order runs from here, deadline 6 h later (minute 420)
      fix('V1', 120, 122.01, 29.01, 2), // V1 is in
      fix('V2', 400, 122.2, 29.3, 6),
      fix('V2', 430, 122.1, 29.1, 7),
      fix('V2', 560, 122.015, 29.015, 3), // V2 in: lifted
      signal(600, 2), // Yellow: the order ends; V3 (never heard from) is lifted
    ],
    [300, 421, 480, 551],
  );
  assert.deepEqual(brief(events, 'typhoon-port-return'), [
    '420 V2 issued orange',
    '420 V3 issued orange',
    '540 V2 upgraded red',
    '540 V3 upgraded red',
    '560 V2 lifted -',
    '600 V3 lifted -',
  ]);
  const v3 = events.find((e) => e.rule.id === 'typhoon-port-return' && e.entity === 'V3')!;
  assert.match(v3.evidence.condition, /outside every port \/ anchorage zone \(no position heard\).*typhoon-signal at Orange II or above since .*deadline/);
  // V4 is a tug: not a class the order lists.
  assert.ok(!events.some((e) => e.rule.id === 'typhoon-port-return' && e.entity === 'V4'));
  const standing = ev.fleetStanding('typhoon-port-return')!;
  assert.equal(standing.inForce, false);
  assert.deepEqual(standing.holding.map((h) => h.vessel), ['V3']);
  assert.equal(standing.watched, 3);
});

test('the fleet standing before the deadline: who is still out, how many, and when the deadline falls', () => {
  const ev = new Evaluator(loadRules('rules/packs/vessels'), stations, { zones, now: T0 });
  run(ev, [fix('V1', 0, 122.01, 29.01, 1), fix('V2', 0, 122.5, 29.3, 3), signal(60, 4)], [120]);
  const s = ev.fleetStanding('typhoon-port-return')!;
  assert.equal(s.inForce, false);
  assert.equal(s.deadline, min(420));
  assert.deepEqual(s.holding.map((h) => [h.vessel, h.tier, h.last?.lon]), [['V2', null, 122.5], ['V3', null, undefined]]);
});

test('a moving hazard: the gale circle reaches a vessel that does not move, and leaves it; one sheltering in port is not warned', () => {
  const ev = new Evaluator(loadRules('rules/packs/vessels'), stations, { zones, now: T0 });
  const track = (m: number, lon: number, r7: number): Observation => ({ domain: 'typhoon', station: 'TY2608', metric: 'r7', ts: min(m), value: r7, position: { lon, lat: 29 }, unit: 'km', quality: 'reliable' });
  const events = run(ev, [
    fix('V1', 0, 121.98, 29.0, 0.5), // just outside the port
    fix('V2', 0, 122.01, 29.01, 0), // in the port
    track(0, 123.0, 50), // ~97 km away, radius 50: out
    track(60, 122.5, 60), // ~49 km away, radius 60: in
    track(120, 124.0, 60), // ~195 km away: out, the clear dwell starts
    track(180, 124.5, 60),
  ]);
  assert.deepEqual(brief(events, 'typhoon-gale-circle'), ['60 V1 issued orange', '180 V1 lifted -']);
});

test('an order and its warnings survive a restart from the checkpoint; a hot swap keeps the hazard circles', () => {
  const rules = loadRules('rules/packs/vessels');
  const before = new Evaluator(rules, stations, { zones, now: T0 });
  const obs = [fix('V1', 0, 122.3, 29.3, 8), fix('V2', 0, 122.01, 29.01, 1), signal(60, 3), fix('V1', 400, 122.3, 29.3, 8)];
  const first = run(before, obs, [421]);
  assert.deepEqual(brief(first, 'typhoon-port-return'), ['420 V1 issued orange', '420 V3 issued orange']);
  const rows = before.takeDirty();
  assert.ok(rows.some((r) => r.key === 'gate|typhoon-port-return'), 'the order is checkpointed');
  const lastTimes = new Map([['vessel.V1.position', min(400)], ['vessel.V2.position', min(0)], ['typhoon.331082.signal', min(60)]]);
  const after = new Evaluator(rules, stations, { zones, now: min(430), restored: rows, lastTimes });
  const standing = after.fleetStanding('typhoon-port-return')!;
  assert.deepEqual([standing.inForce, standing.since], [true, min(60)]);
  // Still at sea after the restart: still warned (not lifted), and Red comes when it is due.
  const later = run(after, [fix('V1', 440, 122.29, 29.3, 8)], [560]);
  assert.deepEqual(brief(later, 'typhoon-port-return'), ['540 V1 upgraded red', '540 V3 upgraded red']);

  const track = (m: number, lon: number): Observation => ({ domain: 'typhoon', station: 'TY2608', metric: 'r7', ts: min(m), value: 60, position: { lon, lat: 29 }, unit: 'km', quality: 'reliable' });
  const ev = new Evaluator(rules, stations, { zones, now: T0 });
  assert.deepEqual(brief(run(ev, [fix('V2', 0, 121.98, 29.0, 0.5), track(0, 122.5)]), 'typhoon-gale-circle'), ['0 V2 issued orange']);
  ev.replace(loadRules('rules/packs/vessels'), min(10));
  assert.deepEqual(brief(run(ev, [fix('V2', 60, 121.98, 29.0, 0.5), fix('V2', 120, 121.98, 29.0, 0.5)]), 'typhoon-gale-circle'), ['60 V2 upgraded red'], 'still inside after the swap: Red after an hour, not lifted');
});

test('a dark vessel is one that stops, not a class A transponder that anchors', () => {
  const ev = new Evaluator(loadRules('rules/packs/vessels'), new Map([['A1', { ...vessel('A1', ['trawler', 'ais-a']), params: { report_minutes: 3 } }]]), { zones, now: T0 });
  const underWay = Array.from({ length: 60 }, (_, k) => ({ ...fix('A1', k / 6, 122.3 + k * 0.0005, 29.3, 9) }));
  const anchored = Array.from({ length: 20 }, (_, k) => fix('A1', 10 + 3 * (k + 1), 122.33, 29.3, 0.1));
  const events = run(ev, [...underWay, ...anchored], [200, 240]);
  // 10 s reports under way, then every 3 minutes at anchor: no warning; then silence from minute 70.
  assert.deepEqual(brief(events, 'dark-vessel'), ['106 A1 issued blue']);
});
