// The tides pack over a scripted typhoon at the demo county's three tide stations: tiers in order
// at each station, every warning lifted afterwards, a spike and a stuck float ignored; and the
// forecast warning's lead time over a steady surge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../../engine/observation.ts';
import { tierRank } from '../../../engine/tiers.ts';
import type { WarningEvent } from '../../../engine/warning.ts';
import { formatError } from '../../../engine/yaml-file.ts';
import { simulateTide } from '../../../simulators/tide.ts';
import { loadRegistry } from '../../../stations/registry.ts';
import { tideModel } from '../../../stations/tide.ts';
import { runPack } from '../run-pack.ts';
import { loadRules, type RuleSet } from '../../loader.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const start = Date.parse('2026-07-27T20:00:00+08:00');
const registry = loadRegistry('stations/demo-county.yaml');
const pack = loadRules('rules/packs/tides');
const stations = [...registry.stations.values()].filter((s) => s.domain === 'tide');

const run = (rules: RuleSet, obs: readonly Observation[]) => runPack(rules, registry.stations, obs);

// The typhoon's surge peaks at 16:30 on the 28th, half an hour before the afternoon high water.
const typhoon = { peakAt: start + 20.5 * HOUR, height: 1.0 };
const clean = simulateTide({ seed: 20230728, start, hours: 48, stations, typhoon });
// T01 spikes 2.5 m for one report at 14:00; T03's float sticks from 06:00 on the 29th for 3 hours.
const SPIKE = start + 18 * HOUR;
const STUCK = [start + 34 * HOUR, start + 37 * HOUR] as const;
let stuckAt: number | undefined;
const faulty = clean.map((o) => {
  if (o.station === 'T01' && o.ts === SPIKE) return { ...o, value: o.value! + 2.5 };
  if (o.station === 'T03' && o.ts >= STUCK[0] && o.ts < STUCK[1]) return { ...o, value: (stuckAt ??= o.value!) };
  return o;
});
const { events, flagged } = run(pack, faulty);
const of = (station: string, rule?: string) => events.filter((e) => e.entity === station && (!rule || e.rule.id === rule));
const firstAt = (station: string, rule: string, tier: string) => of(station, rule).find((e) => e.tier === tier)?.at;
const peakTier = (station: string, rule: string) => of(station, rule).reduce((t, e) => Math.max(t, tierRank(e.tier)), 0);

test('the pack and the county registry load clean; three tide stations with harmonics', () => {
  assert.deepEqual([...pack.errors, ...registry.errors].map(formatError), []);
  assert.deepEqual(stations.map((s) => [s.id, s.harmonics!.constituents.length > 5]), [['T01', true], ['T02', true], ['T03', true]]);
});

test('observed levels: T02 (biggest surge) reaches Red, T01 Orange, T03 Yellow, each climbing in order', () => {
  assert.equal(peakTier('T02', 'storm-surge-level'), 4);
  assert.equal(peakTier('T01', 'storm-surge-level'), 3);
  assert.equal(peakTier('T03', 'storm-surge-level'), 2);
  for (const id of ['T01', 'T02', 'T03']) {
    const tiers = of(id, 'storm-surge-level').filter((e) => e.kind === 'issued' || e.kind === 'upgraded').map((e) => tierRank(e.tier));
    assert.deepEqual(tiers, [...tiers].sort(), `${id} climbs ${tiers.join(' ')}`);
  }
});

test('forecasts and the surge trigger go out before the water reaches the level', () => {
  for (const id of ['T01', 'T02', 'T03']) {
    const observed = firstAt(id, 'storm-surge-level', 'blue')!;
    const forecast = firstAt(id, 'surge-forecast-12h', 'blue')!;
    const surge = firstAt(id, 'surge-magnitude', 'blue')!;
    assert.ok(forecast <= observed - HOUR, `${id}: forecast Blue ${(observed - forecast) / HOUR} h ahead`);
    assert.ok(surge < observed, `${id}: surge Blue before the observed Blue`);
  }
  const orange = firstAt('T02', 'surge-forecast-6h', 'orange')!;
  assert.ok(orange <= firstAt('T02', 'storm-surge-level', 'orange')! - HOUR, 'T02: forecast Orange an hour or more ahead');
});

test('every warning is lifted by the end', () => {
  const open = new Map<string, WarningEvent>();
  for (const e of events) {
    if (e.kind === 'lifted') open.delete(`${e.rule.id}|${e.entity}`);
    else open.set(`${e.rule.id}|${e.entity}`, e);
  }
  assert.deepEqual([...open.keys()], []);
});

test('the spike and the stuck float are flagged; the stuck float only makes the gauge count as silent', () => {
  assert.ok(flagged.some((o) => o.station === 'T01' && o.ts === SPIKE && o.quality === 'unreliable'), 'spike flagged');
  const stuck = flagged.filter((o) => o.station === 'T03' && o.ts >= STUCK[0] && o.ts < STUCK[1]);
  assert.ok(stuck.length >= 20 && stuck.every((o) => o.quality === 'unreliable'), `${stuck.length} stuck readings flagged`);
  assert.ok(stuck[0]!.ts <= STUCK[0] + 35 * MIN, 'within the flatline period');
  // The same warnings as without the faults, but one: a stuck float gives no usable reading, and
  // no usable data is no data, so the deadman says so, and lifts when the float moves again.
  const brief = (list: WarningEvent[]) => list.map((e) => `${e.rule.id} ${e.entity} ${e.kind} ${e.tier} ${new Date(e.at).toISOString()}`);
  const want = brief(run(pack, clean).events);
  const got = brief(events);
  assert.deepEqual(got.filter((x) => !want.includes(x)), [
    'tide-silent T03 issued blue 2026-07-28T22:42:00.000Z',
    'tide-silent T03 upgraded yellow 2026-07-28T23:24:00.000Z',
    'tide-silent T03 lifted null 2026-07-29T01:48:00.000Z',
  ]);
  assert.deepEqual(want.filter((x) => !got.includes(x)), []);
});

test('lead time, with the rules as shipped: a steady surge that floods one high water is warned of 12 h (Blue) and 6 h (Orange) ahead', () => {
  const t01 = registry.stations.get('T01')!;
  const model = tideModel(t01.harmonics!);
  const from = start + 2 * HOUR;
  // T01's high waters: 05:20 2.39 m, 16:57 2.47 m, then 05:51 2.33 m. Each surge lifts only the
  // afternoon one past the level: 0.37 m past Blue (2.8 m), 0.95 m past Orange (3.4 m).
  for (const [rule, tier, surge, leadHours] of [['surge-forecast-12h', 'blue', 0.37, 12], ['surge-forecast-6h', 'orange', 0.95, 6]] as const) {
    const obs: Observation[] = [];
    for (let ts = from; ts <= from + 30 * HOUR; ts += 5 * MIN) {
      obs.push({ domain: 'tide', station: 'T01', metric: 'level', ts, value: Math.round((model.level(ts) + surge) * 100) / 100, unit: 'm', quality: 'reliable' });
    }
    const issued = run(pack, obs).events.find((e) => e.rule.id === rule && e.tier === tier)!.at;
    const reached = obs.find((o) => o.value! >= t01.params[`tide_${tier}`]!)!.ts;
    const lead = reached - issued;
    assert.ok(lead >= leadHours * HOUR && lead <= leadHours * HOUR + 30 * MIN, `${rule}: ${tier} ${(lead / HOUR).toFixed(2)} h ahead`);
  }
});
