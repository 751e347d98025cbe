import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { DEFAULT_STORM_HOURS, DEFAULT_STORM_SEED, simulateStorm } from './hydrology.ts';

// The registry is parsed directly here (not through the loader) so this test only depends on the file.
const registry = parse(readFileSync(new URL('../stations/demo-county.yaml', import.meta.url), 'utf8')) as {
  stations: Array<Station & { kind?: string }>;
};
const stations: Station[] = registry.stations.map(({ kind: _kind, ...s }) => ({ ...s, params: s.params ?? {} }));
const byId = new Map(stations.map((s) => [s.id, s]));
const rainIds = stations.filter((s) => s.tags.includes('rain')).map((s) => s.id);
const riverIds = stations.filter((s) => s.tags.includes('river')).map((s) => s.id);

const start = Date.UTC(2023, 6, 27, 16, 0); // 2023-07-28 00:00 +08:00
const HOUR = 3_600_000;
const storm = simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations });

const series = (obs: Observation[], station: string, metric: string): Observation[] =>
  obs.filter((o) => o.station === station && o.metric === metric);
const values = (obs: Observation[]): number[] => obs.map((o) => o.value!);
const peak = (obs: Observation[]): Observation => obs.reduce((best, o) => (o.value! > best.value! ? o : best));
const param = (id: string, name: string): number => {
  const v = byId.get(id)?.params[name];
  assert.equal(typeof v, 'number', `${id} params.${name}`);
  return v!;
};

describe('demo county registry', () => {
  it('has three rain gauges and three river gauges with ordered thresholds', () => {
    assert.deepEqual(rainIds, ['R01', 'R02', 'R03']);
    assert.deepEqual(riverIds, ['H01', 'H02', 'H03']);
    for (const s of stations) {
      assert.match(s.id, /^[A-Za-z0-9_-]+$/);
      assert.equal(s.domain, 'hydrology');
      assert.match(s.region ?? '', /^3501\d\d$/, `${s.id} region is a quoted Fuzhou county code`);
      assert.ok(s.lon > 119 && s.lon < 120 && s.lat > 26 && s.lat < 27, `${s.id} is in coastal Fujian`);
    }
    for (const id of riverIds) {
      assert.ok(param(id, 'warning_stage') < param(id, 'guaranteed_stage'));
      assert.ok(param(id, 'guaranteed_stage') < param(id, 'historical_max'));
    }
  });
});

describe('simulateStorm', () => {
  it('is deterministic by seed', () => {
    assert.deepEqual(simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations }), storm);
    const other = simulateStorm({ seed: 1, start, stations });
    assert.equal(other.length, storm.length);
    assert.notDeepEqual(values(other), values(storm));
  });

  it('does not depend on the order the stations are listed in', () => {
    assert.deepEqual(simulateStorm({ seed: DEFAULT_STORM_SEED, start, stations: [...stations].reverse() }), storm);
  });

  it('reports every 5 minutes from start to start + 36 h, sorted by ts then station', () => {
    const steps = (DEFAULT_STORM_HOURS * 60) / 5 + 1;
    assert.equal(storm.length, steps * (rainIds.length * 2 + riverIds.length));
    assert.equal(storm[0]!.ts, start);
    assert.equal(storm.at(-1)!.ts, start + DEFAULT_STORM_HOURS * HOUR);
    for (let i = 1; i < storm.length; i++) {
      const [a, b] = [storm[i - 1]!, storm[i]!];
      const ordered = a.ts < b.ts || (a.ts === b.ts && (a.station < b.station || (a.station === b.station && a.metric < b.metric)));
      assert.ok(ordered, `out of order at ${i}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
      assert.ok(b.ts - a.ts === 0 || b.ts - a.ts === 5 * 60_000);
    }
    for (const id of rainIds) assert.equal(series(storm, id, 'rain').length, steps);
    for (const id of riverIds) assert.equal(series(storm, id, 'stage').length, steps);
  });

  it('stamps every observation as a reliable simulated hydrology reading with the right unit', () => {
    const units: Record<string, string> = { rain: 'mm', rain_1h: 'mm', stage: 'm' };
    for (const o of storm) {
      assert.equal(o.domain, 'hydrology');
      assert.equal(o.quality, 'reliable');
      assert.equal(o.source, 'sim');
      assert.equal(o.unit, units[o.metric], `${o.metric} unit`);
      assert.ok(Number.isFinite(o.value));
    }
  });

  it('drives H01 above its historical max (Red), H02 above guaranteed (Orange), H03 just above warning (Yellow)', () => {
    const h01 = peak(series(storm, 'H01', 'stage')).value!;
    const h02 = peak(series(storm, 'H02', 'stage')).value!;
    const h03 = peak(series(storm, 'H03', 'stage')).value!;
    assert.ok(h01 >= param('H01', 'historical_max'), `H01 peak ${h01}`);
    assert.ok(h02 >= param('H02', 'guaranteed_stage') && h02 < param('H02', 'historical_max'), `H02 peak ${h02}`);
    assert.ok(h03 >= param('H03', 'warning_stage') && h03 < param('H03', 'warning_stage') + 0.3, `H03 peak ${h03}`);
  });

  it('starts every river well below its warning stage', () => {
    for (const id of riverIds) {
      const first = series(storm, id, 'stage')[0]!.value!;
      assert.ok(first < param(id, 'warning_stage') - 0.5, `${id} starts at ${first}`);
    }
  });

  it('peaks each river after the rain has peaked at every gauge (catchment lag)', () => {
    const lastRainPeak = Math.max(...rainIds.map((id) => peak(series(storm, id, 'rain_1h')).ts));
    for (const id of riverIds) {
      const riverPeak = peak(series(storm, id, 'stage')).ts;
      assert.ok(riverPeak > lastRainPeak + HOUR, `${id} peaks ${(riverPeak - lastRainPeak) / HOUR} h after the last rain peak`);
    }
  });

  it('recedes below warning_stage - 0.5 by the end, falling after the peak', () => {
    for (const id of riverIds) {
      const stage = series(storm, id, 'stage');
      const top = peak(stage);
      const last = stage.at(-1)!.value!;
      assert.ok(last < param(id, 'warning_stage') - 0.5, `${id} ends at ${last}`);
      // Recession: six hours after the peak the river is lower than three hours after it.
      const at = (h: number): number => stage.find((o) => o.ts === top.ts + h * HOUR)!.value!;
      assert.ok(at(6) < at(3) && at(3) < top.value!, `${id} recedes`);
    }
  });

  it('never reports negative rain, in whole 0.1 mm bucket tips', () => {
    for (const o of storm.filter((x) => x.metric === 'rain' || x.metric === 'rain_1h')) {
      assert.ok(o.value! >= 0, `${o.station} ${o.metric} ${o.value}`);
      assert.ok(Math.abs(o.value! * 10 - Math.round(o.value! * 10)) < 1e-9, `${o.value} is whole tips`);
    }
  });

  it('reports rain_1h as the sum of the last 12 five-minute rain values', () => {
    for (const id of rainIds) {
      const rain = values(series(storm, id, 'rain'));
      const hourly = values(series(storm, id, 'rain_1h'));
      hourly.forEach((h, i) => {
        const sum = rain.slice(Math.max(0, i - 11), i + 1).reduce((s, v) => s + v, 0);
        assert.ok(Math.abs(h - sum) < 1e-6, `${id} step ${i}: rain_1h ${h}, last 12 rain sum ${sum}`);
      });
      assert.ok(Math.max(...hourly) > 20, `${id} sees a heavy burst`);
    }
  });

  it('is storm-shaped for other seeds too: dry start, burst, rise, peak, recession', () => {
    for (const seed of [1, 2, 3, 42, 12345]) {
      const obs = simulateStorm({ seed, start, stations });
      assert.notDeepEqual(values(obs), values(storm), `seed ${seed} differs from the default`);
      const meanHourly = series(obs, rainIds[0]!, 'rain_1h').map((o, i) => ({
        ts: o.ts,
        value: rainIds.reduce((s, id) => s + series(obs, id, 'rain_1h')[i]!.value!, 0) / rainIds.length,
      }));
      const rainPeak = meanHourly.reduce((a, b) => (b.value > a.value ? b : a));
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
        assert.ok(top.value! - first > 1.5, `seed ${seed} ${id} rises ${top.value! - first} m`);
        assert.ok(top.ts > rainPeak.ts, `seed ${seed} ${id} peaks after the rain`);
        assert.ok(stage.at(-1)!.value! - first < 0.3, `seed ${seed} ${id} recedes`);
      }
    }
  });

  it('honours hours and stepMinutes, reads only hydrology stations, and rejects a bad step', () => {
    const tide: Station = { id: 'T01', name: 'tide', domain: 'marine', lon: 119.6, lat: 26.1, tags: ['tide', 'rain'], params: {} };
    const short = simulateStorm({ seed: 7, start, stations: [...stations, tide], hours: 2, stepMinutes: 10 });
    assert.equal(short.length, 13 * 9);
    assert.ok(short.every((o) => o.station !== 'T01'));
    assert.equal(short.at(-1)!.ts, start + 2 * HOUR);
    assert.throws(() => simulateStorm({ seed: 7, start, stations, stepMinutes: 7 }), /divides 60/);
  });

  it('names the missing parameter of a river gauge', () => {
    const bare: Station = { ...byId.get('H01')!, params: { warning_stage: 5, guaranteed_stage: 6.2 } };
    assert.throws(() => simulateStorm({ seed: 1, start, stations: [bare] }), /H01: params\.warning_flow/);
  });
});
