// The shipped vessel pack over a simulated day and a half of a fifth of the demo fleet (408
// vessels): the typhoon port-return order warns every vessel not in port by the deadline and none
// last heard from in port, and the scripted misbehaviours (gone dark, fishing in a closed area,
// loitering) are each caught while they happen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Observation } from '../../../engine/observation.ts';
import { parseFleet } from '../../../stations/vessels.ts';
import { parseZones, portPlaces } from '../../../stations/zones.ts';
import { fixObservation } from '../../../simulators/fleet-observations.ts';
import { DEMO_REGION } from '../../../simulators/demo-zones.ts';
import { DEMO_ZONES_URL, demoFleetSample } from '../../../simulators/fleet-files.ts';
import { RETURN_DEADLINE_HOURS, simulateFleet } from '../../../simulators/vessels.ts';
import { loadRules } from '../../loader.ts';
import { runPack } from '../run-pack.ts';

const HOUR = 3_600_000;
const { zones } = parseZones('demo-zones', readFileSync(DEMO_ZONES_URL, 'utf8'));
const fifth = demoFleetSample(5);
const fleet = parseFleet('demo-fleet', fifth, portPlaces(zones));
const start = Date.parse('2026-07-27T08:00:00+08:00');
const orderAt = start + 14 * HOUR;
const deadline = orderAt + RETURN_DEADLINE_HOURS * HOUR;
const run = simulateFleet({ seed: 11, start, hours: 30, zones, vessels: [...fleet.vessels.values()], minIntervalSeconds: 180, returnOrderAt: orderAt });
const signal: Observation = { domain: 'typhoon', station: DEMO_REGION, metric: 'signal', ts: orderAt, value: 3, quality: 'reliable' };
const obs = [...run.fixes.map(fixObservation), signal].sort((a, b) => a.ts - b.ts);
const result = runPack(loadRules('rules/packs/vessels'), fleet.stations, obs, { zones });
const issued = (rule: string) => result.events.filter((e) => e.rule.id === rule && e.kind === 'issued');

test('port return: from the Orange signal, every vessel not in port at the deadline is warned at the deadline, and none last heard from in port', () => {
  const warned = issued('typhoon-port-return');
  // Every straggler; and of those in by the deadline, only some last heard from just outside a port (within the rule's 300 m, they count as in).
  const entities = new Set(warned.map((e) => e.entity));
  assert.deepEqual([...run.truth.stragglers].filter((v) => !entities.has(v)), [], 'every straggler is warned');
  assert.deepEqual([...entities].filter((v) => !run.truth.stragglers.includes(v) && !run.truth.reportedOut.includes(v)), [], 'no vessel heard in port is warned');
  assert.ok(warned.every((e) => e.at === deadline && e.tier === 'orange'));
  assert.ok(run.truth.stragglers.length >= 3, `${run.truth.stragglers.length} stragglers`);
  for (const v of run.truth.neverReturn) assert.ok(result.active.includes(`typhoon-port-return ${v}`), `${v} is still out at the end`);
});

test('vessels gone dark, fishing in a closed area and loitering are each caught while it happens', () => {
  const within = (rule: string, spans: { vessel: string; from: number; until: number }[]) => {
    assert.ok(spans.length > 0, `${rule}: the scenario has some`);
    for (const s of spans) {
      const e = issued(rule).find((x) => x.entity === s.vessel && x.at >= s.from && x.at <= s.until);
      assert.ok(e, `${rule} ${s.vessel} between ${new Date(s.from).toISOString()} and ${new Date(s.until).toISOString()}`);
    }
  };
  within('dark-vessel', run.truth.dark);
  within('no-fishing-area', run.truth.intruders);
  within('loitering', run.truth.loiterers);
  // And no other vessel is warned by these rules.
  const only = (rule: string, spans: { vessel: string }[]) => assert.deepEqual([...new Set(issued(rule).map((e) => e.entity))].sort(), [...new Set(spans.map((x) => x.vessel))].sort(), rule);
  only('dark-vessel', run.truth.dark);
  // A vessel that went dark while drifting and is heard drifting again looks loitering too: nothing says it was not. Only
  // a warning within the hour after it is heard again counts so.
  const darkWhileSlow = issued('loitering').filter((e) => run.truth.dark.some((d) => d.vessel === e.entity && e.at >= d.until && e.at <= d.until + HOUR));
  only('loitering', [...run.truth.loiterers, ...darkWhileSlow.map((e) => ({ vessel: e.entity }))]);
});

test('passing through a closed area at cruising speed is a Blue entry, never a fishing warning', () => {
  const intruders = new Set(run.truth.intruders.map((i) => i.vessel));
  assert.deepEqual(issued('no-fishing-area').filter((e) => !intruders.has(e.entity)).map((e) => e.summary), []);
  assert.ok(issued('no-fishing-entry').some((e) => !intruders.has(e.entity)), 'transits are seen');
});
