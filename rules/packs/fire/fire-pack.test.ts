// The fire pack over the demo dry season at the county's ten fire-danger weather stations
// (simulators/fire-weather.ts, 1–20 December 2025): the daily index, fed by the FireIndex sampler,
// climbs through the dry spell (days 5–15) to Red at nine stations and Orange at the most maritime
// one, the front on day 16 resets the codes and lifts everything, the dry-windy rule fires only on
// dry-spell afternoons, and a station that falls silent is reported and misses that day's index.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../../engine/observation.ts';
import { tierRank } from '../../../engine/tiers.ts';
import type { WarningEvent } from '../../../engine/warning.ts';
import { formatError } from '../../../engine/yaml-file.ts';
import { DRY_SEASON, DRY_SPELL, RAIN_DAYS, simulateDrySeason } from '../../../simulators/fire-weather.ts';
import { FireIndex } from '../../../stations/fire/fire-index.ts';
import { loadRegistry } from '../../../stations/registry.ts';
import { loadRules } from '../../loader.ts';
import { runPack } from '../run-pack.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const registry = loadRegistry('stations/demo-county.yaml');
const pack = loadRules('rules/packs/fire');
const stations = [...registry.stations.values()].filter((s) => s.domain === 'fire');
const IDS = stations.map((s) => s.id);

const { start, days } = DRY_SEASON;
/** Day index and local hour of an event time (the season starts at a local midnight). */
const dayOf = (ts: number): number => Math.floor((ts - start) / DAY);
const hourOf = (ts: number): number => ((ts - start) % DAY) / HOUR;
const noon = (d: number): number => start + d * DAY + 12 * HOUR;
const inSpell = (d: number): boolean => d >= DRY_SPELL.fromDay && d <= DRY_SPELL.toDay;
const FRONT = RAIN_DAYS.find((d) => d > DRY_SPELL.toDay)!;

const season = simulateDrySeason({ ...DRY_SEASON, stations });
const run = (obs: readonly Observation[]) => runPack(pack, registry.stations, obs, { samplers: [new FireIndex(stations)] });
const { events, derived, active } = run(season);

const of = (station: string, rule: string, list: readonly WarningEvent[] = events) => list.filter((e) => e.entity === station && e.rule.id === rule);
/** The day's value of a derived series at a station. */
const index = (station: string, metric: string, d: number): number => derived.find((o) => o.station === station && o.metric === metric && o.ts === noon(d))!.value!;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('the pack and the county registry load clean; ten fire-weather stations reporting hourly', () => {
  assert.deepEqual([...pack.errors, ...registry.errors].map(formatError), []);
  assert.deepEqual(IDS, ['F01', 'F02', 'F03', 'F04', 'F05', 'F06', 'F07', 'F08', 'F09', 'F10']);
  for (const s of stations) {
    assert.ok(s.tags.includes('fire-weather') && s.region === '350122' && s.params.report_minutes === 60, s.id);
    assert.ok(s.lat > 26 && s.lat < 26.5 && s.lon > 119.3 && s.lon < 119.9, `${s.id} in Lianjiang`);
  }
});

test('the simulator: deterministic, hourly, sorted; rain only in the small hours of the front days', () => {
  assert.deepEqual(simulateDrySeason({ ...DRY_SEASON, stations: [...stations].reverse() }), season);
  assert.notDeepEqual(simulateDrySeason({ ...DRY_SEASON, seed: 1, stations }), season);
  assert.equal(season.length, IDS.length * days * 24 * 4);
  const key = (o: Observation) => `${String(o.ts).padStart(15, '0')} ${o.station} ${o.metric}`;
  assert.ok(season.every((o, i) => i === 0 || key(season[i - 1]!) < key(o)), 'sorted by ts, station, metric, no duplicates');
  const wet = season.filter((o) => o.metric === 'rain' && o.value! > 0);
  assert.deepEqual([...new Set(wet.map((o) => dayOf(o.ts)))], [...RAIN_DAYS]);
  assert.ok(wet.every((o) => hourOf(o.ts) >= 1 && hourOf(o.ts) <= 11 && o.value! <= 12), 'a few hours of 1–8 mm/h (± the station) before noon');
  const rh = new Map(season.filter((o) => o.metric === 'rh').map((o) => [`${o.station} ${o.ts}`, o.value!]));
  assert.ok(wet.every((o) => rh.get(`${o.station} ${o.ts}`)! >= 95), 'near-saturated while it rains');
});

test('the fire index comes out once per station per day, at local noon', () => {
  const metrics = ['ffmc', 'dmc', 'dc', 'isi', 'bui', 'fwi', 'dsr', 'danger_level'];
  for (const id of IDS) {
    for (const m of metrics) {
      assert.deepEqual(derived.filter((o) => o.station === id && o.metric === m).map((o) => o.ts), range(0, days - 1).map(noon), `${id} ${m}`);
    }
  }
  assert.equal(derived.length, IDS.length * days * metrics.length);
});

test('through the dry spell the duff and drought codes rise every day and the FWI climbs to its peak in the last days', () => {
  for (const id of IDS) {
    for (const d of range(DRY_SPELL.fromDay + 1, DRY_SPELL.toDay)) {
      assert.ok(index(id, 'dmc', d) > index(id, 'dmc', d - 1) && index(id, 'dc', d) > index(id, 'dc', d - 1), `${id} day ${d}: DMC and DC rise`);
    }
    for (const d of range(8, DRY_SPELL.toDay)) assert.ok(index(id, 'ffmc', d) >= 90, `${id} day ${d}: fine fuels dry (FFMC ${index(id, 'ffmc', d).toFixed(1)})`);
  }
  const countyFwi = (ds: number[]) => mean(ds.flatMap((d) => IDS.map((id) => index(id, 'fwi', d))));
  const before = Math.max(...range(0, DRY_SPELL.fromDay - 1).flatMap((d) => IDS.map((id) => index(id, 'fwi', d))));
  const [early, middle, late] = [countyFwi(range(5, 7)), countyFwi(range(8, 11)), countyFwi(range(12, 15))];
  assert.ok(before < 5 && before < early && early < middle && middle < late && late > 33, `FWI before ${before.toFixed(1)}, then ${early.toFixed(1)} → ${middle.toFixed(1)} → ${late.toFixed(1)}`);
});

test('no warning at all before the dry spell', () => {
  assert.deepEqual(events.filter((e) => dayOf(e.at) < DRY_SPELL.fromDay), []);
  for (const id of IDS) assert.ok(range(0, DRY_SPELL.fromDay - 1).every((d) => index(id, 'danger_level', d) === 1), id);
});

test('danger-level warnings climb in order at each station: Blue first, Red at nine stations on day 12, Orange at Guanban', () => {
  for (const id of IDS) {
    const list = of(id, 'fire-danger');
    assert.ok(list.every((e) => e.at === noon(dayOf(e.at))), `${id}: the daily index decides at noon`);
    const [first] = list;
    assert.ok(first?.kind === 'issued' && first.tier === 'blue' && dayOf(first.at) >= 5 && dayOf(first.at) <= 7, `${id}: first Blue in the spell's first days`);
    const ups = list.filter((e) => e.kind === 'issued' || e.kind === 'upgraded').map((e) => tierRank(e.tier));
    assert.deepEqual(ups, [...ups].sort(), `${id} climbs ${ups.join(' ')}`);
    const peak = Math.max(...ups);
    // Guanban (F09), a low hill near the sea, has the moistest afternoons: it peaks at Orange.
    assert.equal(peak, tierRank(id === 'F09' ? 'orange' : 'red'), `${id} peaks at ${peak}`);
    const top = list.find((e) => tierRank(e.tier) === peak)!;
    assert.equal(top.at, noon(12), `${id}: its top tier on day 12, the first day of the windy end of the spell`);
  }
});

test('the front the day after the spell resets the codes, and every fire warning is lifted by the end', () => {
  for (const id of IDS) {
    const [dry, wet] = [FRONT - 1, FRONT];
    assert.ok(index(id, 'ffmc', dry) > 90 && index(id, 'ffmc', wet) < 40, `${id}: FFMC ${index(id, 'ffmc', dry).toFixed(1)} → ${index(id, 'ffmc', wet).toFixed(1)}`);
    assert.ok(index(id, 'dmc', wet) < 0.5 * index(id, 'dmc', dry), `${id}: DMC ${index(id, 'dmc', dry).toFixed(1)} → ${index(id, 'dmc', wet).toFixed(1)}`);
    assert.ok(index(id, 'dc', wet) < index(id, 'dc', dry), `${id}: DC falls`);
    assert.ok(range(FRONT, days - 1).every((d) => index(id, 'danger_level', d) === 1), `${id}: level 1 from the front to the end`);
    const lifted = of(id, 'fire-danger').at(-1)!;
    assert.deepEqual([lifted.kind, lifted.at], ['lifted', noon(FRONT)], `${id}: lifted at the front's noon`);
  }
  assert.deepEqual(active, []);
});

test('dry, windy afternoons: only on dry-spell days, from late morning, lifted the same evening', () => {
  const stationsSeen = new Set<string>();
  for (const id of IDS) {
    const list = of(id, 'dry-windy-afternoon');
    for (const [i, e] of list.entries()) {
      if (e.kind !== 'issued') continue;
      stationsSeen.add(id);
      const d = dayOf(e.at);
      assert.ok(inSpell(d) && hourOf(e.at) >= 11 && hourOf(e.at) <= 17, `${id}: issued day ${d} ${hourOf(e.at)}:00`);
      const lift = list.slice(i + 1).find((x) => x.kind === 'lifted');
      assert.ok(lift && dayOf(lift.at) === d && hourOf(lift.at) >= 15 && hourOf(lift.at) <= 21, `${id}: issued day ${d}, lifted ${lift ? `day ${dayOf(lift.at)} ${hourOf(lift.at)}:00` : 'never'}`);
    }
  }
  assert.deepEqual([...stationsSeen].sort(), IDS);
  const tiers = new Set(events.filter((e) => e.rule.id === 'dry-windy-afternoon').map((e) => e.tier));
  assert.ok(tiers.has('orange'), 'the windiest afternoons reach Orange');
});

test('a station silent for five hours around noon: reported after three missed reports, lifted when it reports, and no index that day', () => {
  const gap = [start + 10 * DAY + 9 * HOUR, start + 10 * DAY + 14 * HOUR];
  const quiet = season.filter((o) => !(o.station === 'F05' && o.ts >= gap[0]! && o.ts < gap[1]!));
  const r = run(quiet);
  const silent = r.events.filter((e) => e.rule.id === 'fire-station-silent');
  assert.deepEqual(silent.map((e) => [e.entity, e.kind, e.tier, dayOf(e.at), hourOf(e.at)]), [
    ['F05', 'issued', 'blue', 10, 11],
    ['F05', 'lifted', null, 10, 14],
  ]);
  assert.equal(r.derived.filter((o) => o.station === 'F05' && o.ts === noon(10)).length, 0);
  assert.match(r.derived.find((o) => o.station === 'F05' && o.ts === noon(11))!.source!, /carried from 2025-12-10 across 1 day without weather/);
  // The other stations never notice.
  assert.deepEqual(r.events.filter((e) => e.entity !== 'F05').map((e) => e.id), events.filter((e) => e.entity !== 'F05').map((e) => e.id));
});
