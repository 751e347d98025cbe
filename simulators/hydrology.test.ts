import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { DEMO_SEA } from './demo-coast.ts';
import { drawStorm } from './hydrology-rain.ts';
import { DEFAULT_FAULTS, DEFAULT_STORM_HOURS, DEFAULT_STORM_SEED, faultOf, simulateStorm, type Fault, type SpikeFault } from './hydrology.ts';

// The registry is parsed directly here (not through the loader) so this test only depends on the
// file; links become weights summing to 1, as the loader makes them.
type Entry = Omit<Station, 'links'> & { kind?: string; links?: string[] | Record<string, number> };
const registry = parse(readFileSync(new URL('../stations/demo-county.yaml', import.meta.url), 'utf8')) as { stations: Entry[] };
const weights = (links: string[] | Record<string, number>): Record<string, number> => {
  const raw = Array.isArray(links) ? Object.fromEntries(links.map((id) => [id, 1])) : links;
  const total = Object.values(raw).reduce((s, w) => s + w, 0);
  return Object.fromEntries(Object.entries(raw).map(([id, w]) => [id, w / total]));
};
const stations: Station[] = registry.stations
  .filter((s) => s.domain === 'hydrology')
  .map(({ kind: _kind, links, ...s }) => ({ ...s, params: s.params ?? {}, ...(links && { links: weights(links) }) }));
const byId = new Map(stations.map((s) => [s.id, s]));
const idsTagged = (tag: string): string[] => stations.filter((s) => s.tags.includes(tag)).map((s) => s.id);
const rainIds = idsTagged('rain');
const riverIds = idsTagged('river');
const reservoirIds = idsTagged('reservoir');
const villageIds = idsTagged('village');

const start = Date.UTC(2023, 6, 27, 16, 0); // 2023-07-28 00:00 +08:00
const HOUR = 3_600_000;
const MINUTE = 60_000;
const storm = simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations });
const clean = simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations, faults: [] });

const series = (obs: Observation[], station: string, metric: string): Observation[] =>
  obs.filter((o) => o.station === station && o.metric === metric);
const values = (obs: Observation[]): number[] => obs.map((o) => o.value!);
const peak = <T extends { value?: number }>(obs: readonly T[]): T => obs.reduce((best, o) => (o.value! > best.value! ? o : best));
const valueAt = (obs: Observation[], ts: number): number => obs.find((o) => o.ts === ts)!.value!;
const param = (id: string, name: string): number => {
  const v = byId.get(id)?.params[name];
  assert.equal(typeof v, 'number', `${id} params.${name}`);
  return v!;
};
const reportMinutes = (id: string): number => byId.get(id)!.params.report_minutes ?? 5;
/** Every 5 minutes of the run, the sum of a rain series over the window ending then. */
const rolling = (rain: Observation[], hours: number): Array<{ ts: number; value: number }> =>
  Array.from({ length: DEFAULT_STORM_HOURS * 12 + 1 }, (_, i) => {
    const ts = start + i * 5 * MINUTE;
    return { ts, value: rain.filter((o) => o.ts > ts - hours * HOUR && o.ts <= ts).reduce((s, o) => s + o.value!, 0) };
  });
const heaviestHour = (obs: Observation[], gauge: string): { ts: number; value: number } => peak(rolling(series(obs, gauge, 'rain'), 1));
/** A station's catchment rain: its linked gauges' reports times their shares. */
const basinRain = (obs: Observation[], id: string): Observation[] =>
  Object.entries(byId.get(id)!.links!).flatMap(([g, w]) => series(obs, g, 'rain').map((o) => ({ ...o, value: o.value! * w })));
/** A village's areal rain over a window: its gauges' reported rain times their link weights. */
const arealMax = (obs: Observation[], village: string, hours: number): number => Math.max(...rolling(basinRain(obs, village), hours).map((r) => r.value));
/** Hours from the centroid of the rain on a river's catchment to the centroid of its flood (flow above the first):
 *  a linear reservoir delays the flood's centroid by exactly K behind its rain's. */
const floodLagH = (obs: Observation[], river: string): number => {
  const centroid = (part: Observation[], base: number): number => {
    const w = part.map((o) => Math.max(0, o.value! - base));
    return part.reduce((s, o, i) => s + o.ts * w[i]!, 0) / w.reduce((s, x) => s + x, 0);
  };
  const flow = series(obs, river, 'flow');
  return (centroid(flow, flow[0]!.value!) - centroid(basinRain(obs, river), 0)) / HOUR;
};
const WINDOWS = ['1h', '3h', '6h', '24h'] as const;
/** Whether a village's areal rain crosses any of a tier's windows. */
const reaches = (obs: Observation[], village: string, tier: 'prepare' | 'evacuate'): boolean =>
  WINDOWS.some((w) => arealMax(obs, village, parseInt(w, 10)) >= param(village, `${tier}_${w}`));

describe('demo county registry', () => {
  it('has 16 rain gauges, 14 river gauges, two reservoirs and six villages with ordered thresholds, all ashore in Lianjiang', () => {
    const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
    assert.deepEqual(rainIds, ids('R', 16));
    assert.deepEqual(riverIds, ids('H', 14));
    assert.deepEqual(reservoirIds, ['K01', 'K02']);
    assert.deepEqual(villageIds, ids('V', 6));
    for (const s of stations) {
      assert.match(s.id, /^[A-Za-z0-9_-]+$/);
      assert.equal(s.region, '350122', `${s.id} is in Lianjiang County`);
      assert.ok(s.lon > 119.3 && s.lon < 119.95 && s.lat > 26.12 && s.lat < 26.45, `${s.id} is in Lianjiang`);
      assert.ok(!DEMO_SEA.afloat([s.lon, s.lat]), `${s.id} is ashore`);
    }
    // Every river and reservoir drains linked rain gauges, whose shares make its catchment whole.
    for (const id of [...riverIds, ...reservoirIds]) {
      const links = Object.entries(byId.get(id)!.links ?? {});
      assert.ok(links.length && links.every(([g]) => rainIds.includes(g)), `${id} links its rain gauges`);
      assert.ok(Math.abs(links.reduce((s, [, w]) => s + w, 0) - 1) < 1e-9, `${id} shares sum to 1`);
    }
    for (const id of riverIds) {
      assert.ok(param(id, 'warning_stage') < param(id, 'guaranteed_stage'));
      assert.ok(param(id, 'guaranteed_stage') < param(id, 'historical_max'));
    }
    for (const id of reservoirIds) {
      assert.ok(param(id, 'flood_limit_level') < param(id, 'design_level') && param(id, 'design_level') < param(id, 'check_level'));
    }
    for (const id of villageIds) {
      for (const w of WINDOWS) assert.ok(param(id, `prepare_${w}`) < param(id, `evacuate_${w}`), `${id} ${w}`);
      for (const g of Object.keys(byId.get(id)!.links!)) assert.ok(rainIds.includes(g), `${id} links rain gauge ${g}`);
    }
  });
});

describe('simulateStorm', () => {
  it('is deterministic by seed, and fast', () => {
    const t0 = performance.now();
    assert.deepEqual(simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations }), storm);
    assert.ok(performance.now() - t0 < 1000, 'a 36 h storm over the county takes well under a second');
    const other = simulateStorm({ seed: 1, start, stations });
    assert.notDeepEqual(values(other), values(storm));
  });

  it('does not depend on the order the stations are listed in', () => {
    assert.deepEqual(simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations: [...stations].reverse() }), storm);
  });

  it('reports each station at its own interval, on the clock, sorted by ts then station then metric', () => {
    for (let i = 1; i < storm.length; i++) {
      const [a, b] = [storm[i - 1]!, storm[i]!];
      const ordered = a.ts < b.ts || (a.ts === b.ts && (a.station < b.station || (a.station === b.station && a.metric < b.metric)));
      assert.ok(ordered, `out of order at ${i}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
    }
    const expected: Record<string, string[]> = { rain: ['rain'], river: ['flow', 'stage'], reservoir: ['inflow', 'level', 'outflow'] };
    for (const s of stations) {
      const metrics = [...new Set(clean.filter((o) => o.station === s.id).map((o) => o.metric))].sort();
      const kind = s.tags.find((t) => t in expected);
      assert.deepEqual(metrics, kind ? expected[kind] : s.params.prepare_stage ? ['stage'] : [], `${s.id} metrics`);
      const everyMs = reportMinutes(s.id) * MINUTE;
      for (const m of metrics) {
        const ts = series(clean, s.id, m).map((o) => o.ts);
        assert.equal(ts.length, (DEFAULT_STORM_HOURS * HOUR) / everyMs + 1, `${s.id}.${m} reports`);
        ts.forEach((t, i) => assert.equal(t, start + i * everyMs, `${s.id}.${m} on its ${everyMs / MINUTE}-minute clock`));
      }
    }
    assert.deepEqual(['R02', 'K01', 'K02'].map(reportMinutes), [60, 60, 60], 'some gauges and the reservoirs report hourly');
  });

  it('stamps every observation as a reliable simulated hydrology reading with the right unit', () => {
    const units: Record<string, string> = { rain: 'mm', stage: 'm', flow: 'm3/s', level: 'm', inflow: 'm3/s', outflow: 'm3/s' };
    for (const o of storm) {
      assert.equal(o.domain, 'hydrology');
      assert.equal(o.quality, 'reliable');
      assert.equal(o.source, 'sim');
      assert.equal(o.unit, units[o.metric], `${o.metric} unit`);
      assert.ok(Number.isFinite(o.value));
    }
  });

  it('drives each river to its own stage: past its historical max, guaranteed or warning stage, near it, or not', () => {
    const reached = (id: string): string => {
      const top = peak(series(clean, id, 'stage')).value!;
      if (top >= param(id, 'historical_max')) return 'historical';
      if (top >= param(id, 'guaranteed_stage')) return 'guaranteed';
      if (top >= param(id, 'warning_stage')) return 'warning';
      return top >= param(id, 'warning_stage') - 0.5 ? 'near' : 'below';
    };
    assert.deepEqual(Object.fromEntries(riverIds.map((id) => [id, reached(id)])), {
      H01: 'historical', H02: 'guaranteed', H03: 'warning', H04: 'guaranteed', H05: 'guaranteed', H06: 'warning', H07: 'near',
      H08: 'warning', H09: 'below', H10: 'guaranteed', H11: 'warning', H12: 'near', H13: 'below', H14: 'warning',
    });
    const h03 = peak(series(storm, 'H03', 'stage')).value!;
    assert.ok(h03 < param('H03', 'warning_stage') + 0.3, `H03 peaks just above its warning stage: ${h03}`);
  });

  it('starts every river well below its warning stage', () => {
    for (const id of riverIds) {
      const first = series(storm, id, 'stage')[0]!.value!;
      assert.ok(first < param(id, 'warning_stage') - 0.5, `${id} starts at ${first}`);
    }
  });

  it('reports flow with the stage, rising and falling together, past warning_flow where the stage passes its warning', () => {
    for (const id of riverIds) {
      const flow = series(clean, id, 'flow');
      const stage = series(clean, id, 'stage');
      assert.ok(valueAt(stage, peak(flow).ts) >= peak(stage).value! - 0.03, `${id} flow and stage peak together`);
      assert.equal(peak(flow).value! > param(id, 'warning_flow'), peak(stage).value! > param(id, 'warning_stage'), `${id} flow and stage pass their warnings together`);
      assert.ok(flow[0]!.value! < param(id, 'warning_flow') / 5 && peak(flow).value! > 20 * flow[0]!.value!, `${id} floods from base flow`);
    }
  });

  it('lets each gauge see its own bursts: rain cells on their own tracks', () => {
    for (const seed of [DEFAULT_STORM_SEED, 1, 2, 3]) {
      const { cells } = drawStorm(seed);
      assert.ok(cells.length >= 2 && cells.length <= 4, `seed ${seed}: ${cells.length} cells`);
      assert.equal(new Set(cells.map((c) => c.passH)).size, cells.length);
    }
    const totals = rainIds.map((id) => values(series(storm, id, 'rain')).reduce((s, v) => s + v, 0));
    assert.ok(Math.max(...totals) > 1.25 * Math.min(...totals), `storm totals differ: ${totals.join(', ')}`);
    const heaviest = rainIds.map((id) => heaviestHour(clean, id));
    assert.ok(Math.max(...heaviest.map((h) => h.ts)) - Math.min(...heaviest.map((h) => h.ts)) >= HOUR, 'the heaviest hours fall at different times');
    assert.ok(Math.max(...heaviest.map((h) => h.value)) - Math.min(...heaviest.map((h) => h.value)) > 10, 'and bring different depths');
  });

  it('lags each river behind its rain by about its catchment constant', () => {
    for (const id of riverIds) {
      const lagH = floodLagH(clean, id);
      assert.ok(lagH > param(id, 'k_hours') / 2 && lagH < param(id, 'k_hours') * 1.5, `${id} flood centroid ${lagH} h after the rain on its catchment`);
    }
  });

  it('recedes below warning_stage - 0.5 by the end, falling after the peak', () => {
    for (const id of riverIds) {
      const stage = series(clean, id, 'stage');
      const top = peak(stage);
      const last = stage.at(-1)!.value!;
      assert.ok(last < param(id, 'warning_stage') - 0.5, `${id} ends at ${last}`);
      // Recession: six hours after the peak the river is lower than three hours after it.
      assert.ok(valueAt(stage, top.ts + 6 * HOUR) < valueAt(stage, top.ts + 3 * HOUR) && valueAt(stage, top.ts + 3 * HOUR) < top.value!, `${id} recedes`);
    }
  });

  it('fills K01 past its flood limit, spills, and lets it recede; K02 stays below its flood limit', () => {
    const level = series(storm, 'K01', 'level');
    const outflow = series(storm, 'K01', 'outflow');
    const inflow = series(storm, 'K01', 'inflow');
    const [floodLimit, design, release] = [param('K01', 'flood_limit_level'), param('K01', 'design_level'), param('K01', 'release')];
    const top = peak(level);
    assert.ok(level[0]!.value! < floodLimit, 'K01 starts below its flood limit');
    assert.ok(top.value! >= (floodLimit + design) / 2 && top.value! < design, `K01 peaks at ${top.value}, past halfway to design`);
    // Below the flood limit only the outlet releases; above it the spillway adds far more.
    level.forEach((l, i) => {
      if (l.value! < floodLimit - 0.02) assert.ok(Math.abs(outflow[i]!.value! - release) < 0.05 * release, `outflow ${outflow[i]!.value} at ${l.value}`);
    });
    assert.ok(valueAt(outflow, top.ts) > 5 * release, `K01 spills ${valueAt(outflow, top.ts)} m³/s at its peak`);
    // The pool damps the flood: it peaks when outflow meets the falling inflow, later and lower.
    assert.ok(peak(inflow).ts < top.ts && peak(outflow).value! < peak(inflow).value!, 'K01 attenuates the flood');
    assert.ok(level.at(-1)!.value! < top.value! - 0.5 && outflow.at(-1)!.value! < peak(outflow).value! / 2, 'K01 recedes');

    const k02 = series(storm, 'K02', 'level');
    assert.ok(peak(k02).value! < param('K02', 'flood_limit_level') && peak(k02).value! > k02[0]!.value! + 0.5, `K02 rises to ${peak(k02).value}`);
    for (const o of series(storm, 'K02', 'outflow')) assert.ok(Math.abs(o.value! - param('K02', 'release')) < 0.05 * param('K02', 'release'));
  });

  it("takes one village to 立即转移, one to 准备转移 only, one to neither, on its gauges' areal rain", () => {
    assert.ok(reaches(storm, 'V01', 'evacuate'), 'V01 evacuates');
    assert.ok(reaches(storm, 'V03', 'prepare') && !reaches(storm, 'V03', 'evacuate'), 'V03 prepares only');
    assert.ok(!reaches(storm, 'V02', 'prepare'), 'V02 stays clear');
  });

  it("reports a village's creek stage from its linked gauges' rain, quick to rise and fall", () => {
    const stage = series(storm, 'V01', 'stage');
    assert.ok(stage[0]!.value! < param('V01', 'prepare_stage') - 0.5, 'V01 creek starts low');
    assert.ok(peak(stage).value! >= param('V01', 'evacuate_stage'), `V01 creek peaks at ${peak(stage).value}`);
    // A small catchment: its peak comes within hours of its gauge's heaviest hour, and drains in half a day.
    const burst = heaviestHour(storm, 'R01').ts;
    assert.ok(Math.abs(peak(stage).ts - burst) <= 3 * HOUR, 'V01 creek answers its own gauge');
    assert.ok(valueAt(stage, peak(stage).ts + 12 * HOUR) < param('V01', 'prepare_stage') - 0.5, 'and drains');
  });

  it('never reports negative rain, in whole 0.1 mm bucket tips', () => {
    for (const o of storm.filter((x) => x.metric === 'rain')) {
      assert.ok(o.value! >= 0, `${o.station} ${o.metric} ${o.value}`);
      assert.ok(Math.abs(o.value! * 10 - Math.round(o.value! * 10)) < 1e-9, `${o.value} is whole tips`);
    }
  });

  it('reports the same rain whatever the interval: an hourly report is the sum of the hour', () => {
    const hourly: Station = { ...byId.get('R02')!, params: {} };
    const fine = series(simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations: stations.map((s) => (s.id === 'R02' ? hourly : s)) }), 'R02', 'rain');
    for (const o of series(storm, 'R02', 'rain').slice(1)) {
      const sum = fine.filter((f) => f.ts > o.ts - HOUR && f.ts <= o.ts).reduce((s, f) => s + f.value!, 0);
      assert.ok(Math.abs(o.value! - sum) < 1e-6, `R02 at ${o.ts}: ${o.value} vs ${sum}`);
    }
  });

  it('is storm-shaped for other seeds too: dry start, burst, rise, peak, recession', () => {
    for (const seed of [1, 2, 3, 42, 12345]) {
      const obs = simulateStorm({ seed, start, stations, faults: [] });
      assert.notDeepEqual(values(obs), values(storm), `seed ${seed} differs from the default`);
      const hourly = rainIds.map((id) => rolling(series(obs, id, 'rain'), 1));
      const rainPeak = peak(hourly[0]!.map((r, i) => ({ ts: r.ts, value: hourly.reduce((s, g) => s + g[i]!.value, 0) })));
      assert.ok(rainPeak.ts > start + HOUR && rainPeak.ts < start + 12 * HOUR, `seed ${seed}: rain peaks a few hours in`);
      for (const id of rainIds) {
        const total = values(series(obs, id, 'rain')).reduce((s, v) => s + v, 0);
        assert.ok(total > 80 && total < 600, `seed ${seed} ${id} total ${total} mm`);
        assert.equal(series(obs, id, 'rain')[0]!.value, 0, 'no rain before the storm arrives');
      }
      for (const id of riverIds) {
        const stage = series(obs, id, 'stage');
        const first = stage[0]!.value!;
        const top = peak(stage);
        assert.ok(top.value! - first > 1, `seed ${seed} ${id} rises ${top.value! - first} m`);
        assert.ok(floodLagH(obs, id) > param(id, 'k_hours') / 2, `seed ${seed} ${id} lags its rain`);
        assert.ok(stage.at(-1)!.value! - first < 0.3, `seed ${seed} ${id} recedes`);
      }
      const k01 = series(obs, 'K01', 'level');
      assert.ok(peak(k01).value! > param('K01', 'flood_limit_level'), `seed ${seed} K01 spills`);
    }
  });

  it('simulates base flow where no rain gauge is listed, and rejects links to gauges it does not simulate', () => {
    const { links: _links, ...unlinked } = byId.get('H01')!;
    const alone = simulateStorm({ seed: 1, start, stations: [unlinked], hours: 2 });
    assert.ok(alone.every((o) => Number.isFinite(o.value)));
    assert.ok(series(alone, 'H01', 'stage').every((o) => o.value! < param('H01', 'warning_stage') - 2));
    assert.throws(() => simulateStorm({ seed: 1, start, stations: [byId.get('H01')!], hours: 2 }), /H01: links must name the rain gauges/);
  });

  it('honours hours and stepMinutes, reads only hydrology stations, and rejects a bad step, start or interval', () => {
    const tide: Station = { id: 'T01', name: 'tide', domain: 'marine', lon: 119.6, lat: 26.1, tags: ['tide', 'rain'], params: {} };
    const short = simulateStorm({ seed: 7, start, stations: [...stations, tide], hours: 2, stepMinutes: 10, faults: [] });
    assert.ok(short.every((o) => o.station !== 'T01'));
    assert.equal(short.at(-1)!.ts, start + 2 * HOUR);
    assert.equal(series(short, 'H01', 'stage').length, 13);
    assert.equal(series(short, 'K01', 'level').length, 3);
    assert.throws(() => simulateStorm({ seed: 7, start, stations, stepMinutes: 7 }), /divides 60/);
    assert.throws(() => simulateStorm({ seed: 7, start: start + 1, stations }), /start must be/);
    const odd: Station = { ...byId.get('R01')!, params: { report_minutes: 45 } };
    assert.throws(() => simulateStorm({ seed: 7, start, stations: [odd] }), /R01: report_minutes 45/);
  });

  it('names the missing parameter of a station', () => {
    const bare: Station = { ...byId.get('H01')!, params: { warning_stage: 5, guaranteed_stage: 6.2 } };
    assert.throws(() => simulateStorm({ seed: 1, start, stations: [...stations.filter((s) => s.id !== 'H01'), bare] }), /H01: params\.warning_flow/);
    const dry: Station = { ...byId.get('V01')!, links: { H01: 1 } };
    assert.throws(() => simulateStorm({ seed: 1, start, stations: [...stations.filter((s) => s.id !== 'V01'), dry] }), /V01: links/);
  });
});

describe('sensor faults', () => {
  const spikeOf = (station: string): SpikeFault => DEFAULT_FAULTS.find((f): f is SpikeFault => f.kind === 'spike' && f.station === station)!;
  const firstOf = (kind: Fault['kind']): Fault => DEFAULT_FAULTS.find((f) => f.kind === kind)!;
  const at = (f: Fault): number => start + f.atHours * HOUR;

  it('alters only the readings faultOf names, and leaves the tiered gauges H01–H03 true', () => {
    const key = (o: Observation): string => `${o.ts}|${o.station}|${o.metric}`;
    const faulty = new Map(storm.map((o) => [key(o), o]));
    let withheld = 0;
    for (const o of clean) {
      const f = faultOf(o, start);
      const got = faulty.get(key(o));
      if (!f) assert.deepEqual(got, o);
      else if (f.kind === 'silent') assert.equal(got, undefined, `${key(o)} withheld`);
      else assert.ok(got, `${key(o)} still sent`);
      if (f?.kind === 'silent') withheld++;
      assert.ok(!f || !['H01', 'H02', 'H03'].includes(o.station), `${key(o)} on a tiered gauge`);
    }
    assert.equal(storm.length, clean.length - withheld);
    assert.equal(simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations, faults: [] }).filter((o) => faultOf(o, start, [])).length, 0);
  });

  it('spikes one reading each, beyond what the quality gates allow', () => {
    const rain = spikeOf('R04');
    const spiked = series(storm, 'R04', 'rain').filter((o) => o.value !== valueAt(series(clean, 'R04', 'rain'), o.ts));
    assert.deepEqual(spiked.map((o) => o.ts), [at(rain)]);
    assert.ok(spiked[0]!.value! > 50, `R04 ${spiked[0]!.value} mm in 5 minutes is above the rain hard max`);

    const stage = spikeOf('H04');
    const h04 = series(storm, 'H04', 'stage');
    const diff = h04.filter((o) => o.ts < at(firstOf('stuck')) && o.value !== valueAt(series(clean, 'H04', 'stage'), o.ts));
    assert.deepEqual(diff.map((o) => o.ts), [at(stage)]);
    const jump = (diff[0]!.value! - valueAt(h04, at(stage) - 5 * MINUTE)) * 12;
    assert.ok(jump > 3, `H04 rises ${jump} m/h at the spike, faster than the stage rate gate`);
  });

  it('jams H04 during the rise: the same reading for over 6 h while the true stage crosses its warning', () => {
    const from = at(firstOf('stuck'));
    const h04 = series(storm, 'H04', 'stage');
    const held = valueAt(h04, from - 5 * MINUTE);
    const after = h04.filter((o) => o.ts >= from);
    assert.ok(after.every((o) => o.value === held), 'every reading from the jam repeats the one before');
    assert.ok(after.at(-1)!.ts - from > 6 * HOUR, 'long enough for the flatline gate');
    assert.ok(held < param('H04', 'warning_stage') && peak(series(clean, 'H04', 'stage')).value! > param('H04', 'warning_stage'), 'it hides a flood');
  });

  it('silences R04 while the storm is still on', () => {
    const from = at(firstOf('silent'));
    const r04 = series(storm, 'R04', 'rain');
    assert.equal(r04.at(-1)!.ts, from - 5 * MINUTE);
    assert.ok(series(clean, 'R04', 'rain').some((o) => o.ts >= from && o.value! > 0), 'it would have reported rain');
  });

  it('rejects a spike off the station clock or on a metric it does not report; ignores absent stations', () => {
    const spike: Fault = { kind: 'spike', station: 'K01', metric: 'level', atHours: 2.5, delta: 3 };
    assert.throws(() => simulateStorm({ seed: 1, start, stations, faults: [spike] }), /K01\.level at \+2\.5 h/);
    assert.throws(() => simulateStorm({ seed: 1, start, stations, faults: [{ ...spike, metric: 'stage', atHours: 2 }] }), /K01 reports level, inflow, outflow, not stage/);
    const sound = stations.filter((s) => s.id !== 'H04' && s.id !== 'R04');
    assert.deepEqual(simulateStorm({ seed: 1, start, stations: sound }), simulateStorm({ seed: 1, start, stations: sound, faults: [] }));
  });
});
