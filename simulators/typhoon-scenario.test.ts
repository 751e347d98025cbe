// The demo's typhoon scenario through every shipped pack, with the fire index and the fleet online
// rate derived as the engine derives them: the warnings come in the order of the story, each
// domain reaches the tiers it was built to reach, and everything is lifted by the end.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tierRank } from '../engine/tiers.ts';
import { loadRules } from '../rules/loader.ts';
import { runPack } from '../rules/packs/run-pack.ts';
import { FireIndex } from '../stations/fire/fire-index.ts';
import { OnlineRate } from '../stations/online-rate.ts';
import { loadRegistry } from '../stations/registry.ts';
import { parseFleet } from '../stations/vessels.ts';
import { parseZones, portPlaces } from '../stations/zones.ts';
import { DEMO_ZONES_URL, demoFleetSample } from './fleet-files.ts';
import { ORDER_HOUR, SURGE_PEAK_HOUR, typhoonScenario } from './typhoon-scenario.ts';

const HOUR = 3_600_000;
const registry = loadRegistry('stations/demo-county.yaml');
const { zones } = parseZones('demo-zones', readFileSync(DEMO_ZONES_URL, 'utf8'));
// A tenth of the fleet keeps the test quick; the demo runs all 2,040 vessels.
const fleet = parseFleet('demo-fleet', demoFleetSample(10), portPlaces(zones));
const scenario = typhoonScenario({ seed: 20230728, stations: [...registry.stations.values()], zones, vessels: [...fleet.vessels.values()] });
const stations = new Map([...registry.stations, ...fleet.stations]);
const run = runPack(loadRules('rules/packs'), stations, scenario.observations, { zones, samplers: [new OnlineRate(fleet), new FireIndex(stations.values())] });
const hoursIn = (t: number) => (t - scenario.start) / HOUR;
const first = (rule: string) => run.events.find((e) => e.rule.id === rule && e.kind === 'issued')?.at ?? Infinity;
const peak = (rule: string, entity?: string) => Math.max(0, ...run.events.filter((e) => e.rule.id === rule && (!entity || e.entity === entity)).map((e) => tierRank(e.tier)));

test('the warnings come in the order of the story', () => {
  // The port-return order, then the rain, the rivers and the flash-flood villages; the gale circle, 300 km
  // wide at sea, reaches vessels still out east of Matsu before the port-return deadline; the surge last.
  const story = ['typhoon-signal', 'rainstorm', 'river-stage', 'flash-flood-village', 'typhoon-gale-circle', 'typhoon-port-return', 'storm-surge-level'];
  const times = story.map(first);
  assert.ok(times.every(Number.isFinite), `every chapter happens: ${story.map((r, i) => `${r} ${hoursIn(times[i]!)}`).join(', ')}`);
  assert.deepEqual([...times].sort((a, b) => a - b), times, story.map((r, i) => `${r} +${hoursIn(times[i]!).toFixed(1)} h`).join(', '));
  assert.equal(hoursIn(first('typhoon-port-return')), ORDER_HOUR + 6, 'the stragglers are warned at the deadline, 6 h after the Orange signal');
  const orange = run.events.find((e) => e.rule.id === 'typhoon-signal' && e.tier === 'orange')!.at;
  assert.ok(hoursIn(orange) === ORDER_HOUR && orange < first('rainstorm'), 'the order comes before the rain');
  assert.ok(Math.abs(hoursIn(first('storm-surge-level')) - SURGE_PEAK_HOUR) < 3, 'the surge warning comes with the surge');
  const redAt = run.events.find((e) => e.rule.id === 'river-stage' && e.tier === 'red')!.at;
  assert.ok(first('flash-flood-rain') < redAt && first('rainstorm') < redAt, 'the rain warnings come before the river peaks');
});

/** The highest tier of a rule at each station it warned of. */
const peaks = (rule: string): Record<string, number> => Object.fromEntries([...new Set(run.events.filter((e) => e.rule.id === rule).map((e) => e.entity))].sort().map((id) => [id, peak(rule, id)]));

test('each domain reaches the tiers it was built to reach', () => {
  assert.equal(peak('typhoon-signal'), 4, 'the signal goes Red');
  assert.equal(run.events.find((e) => e.rule.id === 'typhoon-signal')!.entity, '350122', 'for Lianjiang County');
  // The Aojiang at 凤城 passes its historical maximum; the jammed float of 马鼻溪 (H04) and two small creeks stay quiet.
  assert.deepEqual(peaks('river-stage'), { H01: 4, H02: 3, H03: 2, H05: 3, H06: 2, H07: 1, H08: 2, H10: 3, H11: 2, H12: 1, H14: 2 });
  assert.deepEqual(peaks('flash-flood-village'), { V01: 4, V03: 3, V04: 3, V05: 4, V06: 4 });
  assert.deepEqual(peaks('reservoir-level'), { K01: 2 });
  // The surge at the three tide stations: Red at 黄岐 on the open coast, Orange at 琯头 in the Min River, Yellow at 可门.
  assert.deepEqual(peaks('storm-surge-level'), { T01: 3, T02: 4, T03: 2 });
  assert.equal(Object.keys(peaks('rainstorm')).length, 16, 'the rain band wets every rain gauge past a CMA signal');
  assert.ok(peak('flash-flood-rain') >= 2);
  const warned = new Set(run.events.filter((e) => e.rule.id === 'typhoon-port-return').map((e) => e.entity));
  assert.deepEqual(scenario.stragglers.filter((v) => !warned.has(v)), [], 'port return warns every vessel not in by the deadline');
  assert.deepEqual([...warned].filter((v) => !scenario.stragglers.includes(v) && !scenario.reportedOut.includes(v)), [], 'and none heard in port by then');
  assert.deepEqual(run.events.filter((e) => e.domain === 'fire').map((e) => e.summary), [], 'wet typhoon weather: no fire danger');
  const gale = run.events.filter((e) => e.rule.id === 'typhoon-gale-circle' && e.kind === 'issued');
  assert.ok(gale.length > 0 && gale.every((e) => e.evidence.zone?.kind !== 'port'), 'the gale circle warns vessels at sea, not those sheltering in port');
});

test('every warning is lifted by the end, and the fire index was computed every day', () => {
  assert.deepEqual(run.active, []);
  const days = new Set(run.derived.filter((o) => o.metric === 'fwi').map((o) => new Date(o.ts).toISOString().slice(0, 10)));
  assert.ok(days.size >= 2, `fire index on ${[...days].join(', ')}`);
});
