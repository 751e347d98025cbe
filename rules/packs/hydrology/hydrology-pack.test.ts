// The hydrology pack over the demo county's simulated storm, sensor faults included: each kind of
// station reaches the tiers the storm gives it, in order; every warning is lifted once the water
// is down, but for the gauges that really went quiet; the spikes and the jammed float raise nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../../engine/observation.ts';
import { tierRank } from '../../../engine/tiers.ts';
import type { WarningEvent } from '../../../engine/warning.ts';
import { formatError } from '../../../engine/yaml-file.ts';
import { DEFAULT_STORM_SEED, faultOf, simulateStorm } from '../../../simulators/hydrology.ts';
import { loadRegistry } from '../../../stations/registry.ts';
import { runPack } from '../run-pack.ts';
import { loadRules, type RuleSet } from '../../loader.ts';

const start = Date.parse('2026-07-27T20:00:00+08:00');
const registry = loadRegistry('stations/demo-county.yaml');
const pack = loadRules('rules/packs/hydrology');
const stations = [...registry.stations.values()];
// Long enough for the reservoir to drain below its flood limit again.
const HOURS = 72;

const run = (rules: RuleSet, obs: readonly Observation[]) => runPack(rules, registry.stations, obs);

const storm = simulateStorm({ seed: DEFAULT_STORM_SEED, start, hours: HOURS, stations });
const clean = simulateStorm({ seed: DEFAULT_STORM_SEED, start, hours: HOURS, stations, faults: [] });
const { events, flagged, active } = run(pack, storm);
const peak = (rule: string, entity: string): number => events.filter((e) => e.rule.id === rule && e.entity === entity).reduce((t, e) => Math.max(t, tierRank(e.tier)), 0);
const climbs = (rule: string, entity: string): number[] =>
  events.filter((e) => e.rule.id === rule && e.entity === entity && (e.kind === 'issued' || e.kind === 'upgraded')).map((e) => tierRank(e.tier));

test('the pack and the county load clean', () => {
  assert.deepEqual([...pack.errors, ...registry.errors].map(formatError), []);
});

/** The highest tier of a rule at every station of a kind (0: never warned). */
const peaks = (rule: string, tag: string): Record<string, number> => Object.fromEntries(stations.filter((s) => s.tags.includes(tag)).map((s) => [s.id, peak(rule, s.id)]));

test('rivers, reservoirs and villages reach the tiers the storm gives them, one level at a time', () => {
  // The Aojiang (H01) past its historical maximum, the jammed 马鼻溪 float (H04) silent, 江南溪 and 琯头溪 low.
  assert.deepEqual(peaks('river-stage', 'river'), { H01: 4, H02: 3, H03: 2, H04: 0, H05: 3, H06: 2, H07: 1, H08: 2, H09: 0, H10: 3, H11: 2, H12: 1, H13: 0, H14: 2 });
  assert.deepEqual(peaks('reservoir-level', 'reservoir'), { K01: 2, K02: 0 });
  assert.deepEqual(peaks('flash-flood-village', 'village'), { V01: 4, V02: 0, V03: 3, V04: 3, V05: 4, V06: 3 });
  assert.equal(peak('flash-flood-village-stage', 'V01'), 4);
  // The county table on each rain gauge's own rain: Red where the band and a cell met, Yellow at the edges.
  assert.deepEqual(peaks('flash-flood-rain', 'rain'), {
    R01: 4, R02: 2, R03: 4, R04: 4, R05: 3, R06: 4, R07: 4, R08: 4, R09: 2, R10: 4, R11: 4, R12: 3, R13: 3, R14: 4, R15: 4, R16: 4,
  });
  for (const [rule, id] of [['river-stage', 'H01'], ['river-stage', 'H02'], ['reservoir-level', 'K01']] as const) {
    const c = climbs(rule, id);
    assert.deepEqual(c, c.map((_, i) => i + 1), `${rule} ${id} climbs one level at a time: ${c.join(' ')}`);
  }
  // A small catchment answers first: the village's evacuation order comes before the main river's Red.
  const first = (rule: string, id: string, rank: number) => events.find((e) => e.rule.id === rule && e.entity === id && tierRank(e.tier) >= rank)!.at;
  assert.ok(first('flash-flood-village', 'V01', 4) < first('river-stage', 'H01', 4));
});

test('all lifted once the water is down, except at the gauges that gave no usable data', () => {
  // R04 went silent for good in the storm: its rain warnings stand (its windows saw heavy rain and
  // nothing since: no data is never no danger) beside the silence warning. H04's float jammed for
  // good: flagged by the flatline check, it gives no usable reading either.
  assert.deepEqual(active, ['flash-flood-rain R04', 'rain-silent R04', 'rainstorm R04', 'stage-silent H04']);
});

test('the spikes and the jammed float are flagged and raise no rule but the deadman', () => {
  const faulty = flagged.filter((o) => faultOf(o, start));
  assert.ok(faulty.some((o) => o.station === 'R04' && o.metric === 'rain' && o.quality === 'unreliable'), 'rain spike');
  assert.ok(faulty.some((o) => o.station === 'H04' && o.metric === 'stage' && o.quality === 'unreliable'), 'stage spike');
  assert.ok(faulty.filter((o) => o.station === 'H04').length > 100, 'the jam, once flatline flags it');
  // No spike decided anything: no event at a spike's time at its station.
  const spikes = storm.filter((o) => faultOf(o, start)?.kind === 'spike');
  assert.equal(spikes.length, 2);
  assert.deepEqual(events.filter((e) => spikes.some((s) => s.station === e.entity && s.ts === e.at)), []);
  // Every other station warns exactly as in the storm without faults.
  const brief = (list: WarningEvent[]) => list.filter((e) => e.entity !== 'R04' && e.entity !== 'H04').map((e) => `${e.rule.id} ${e.entity} ${e.kind} ${e.tier} ${e.at}`);
  assert.deepEqual(brief(events), brief(run(pack, clean).events));
  // H04's true stage crosses its warning stage; the jammed float hides it — the deadman is what says so.
  assert.equal(peak('river-stage', 'H04'), 0);
  assert.ok(events.some((e) => e.rule.id === 'stage-silent' && e.entity === 'H04'));
});
