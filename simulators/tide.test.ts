import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRegistry } from '../stations/registry.ts';
import { tideModel } from '../stations/tide.ts';
import { simulateTide, typhoonSurge } from './tide.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const start = Date.parse('2026-07-27T20:00:00+08:00');
const registry = loadRegistry('stations/demo-county.yaml');
const stations = [...registry.stations.values()];
const typhoon = { peakAt: start + 20 * HOUR, height: 1.0 };
const obs = simulateTide({ seed: 7, start, hours: 36, stations, typhoon });

describe('simulateTide', () => {
  it('reads only tide stations, each at its own interval, sorted by time then station', () => {
    const ids = [...new Set(obs.map((o) => o.station))].sort();
    assert.deepEqual(ids, ['T01', 'T02', 'T03']);
    for (const id of ids) {
      const every = registry.stations.get(id)!.params.report_minutes! * MIN;
      const ts = obs.filter((o) => o.station === id).map((o) => o.ts);
      assert.equal(ts.length, (36 * HOUR) / every + 1, id);
      assert.ok(ts.every((t, i) => i === 0 || t - ts[i - 1]! === every), `${id} every ${every / MIN} min`);
    }
    assert.ok(obs.every((o, i) => i === 0 || obs[i - 1]!.ts < o.ts || (obs[i - 1]!.ts === o.ts && obs[i - 1]!.station < o.station)));
    assert.ok(obs.every((o) => o.domain === 'tide' && o.metric === 'level' && o.unit === 'm' && o.quality === 'reliable'));
  });

  it('is the astronomical tide plus the typhoon surge at each station\'s share, give or take the chop and seiche', () => {
    for (const id of ['T01', 'T02', 'T03']) {
      const station = registry.stations.get(id)!;
      const model = tideModel(station.harmonics!);
      const residual = obs.filter((o) => o.station === id).map((o) => o.value! - model.level(o.ts) - station.params.surge_scale! * typhoonSurge(o.ts, typhoon));
      const mean = residual.reduce((s, r) => s + r, 0) / residual.length;
      assert.ok(Math.abs(mean) < 0.01, `${id} residual mean ${mean}`);
      assert.ok(Math.max(...residual.map(Math.abs)) < 0.15, `${id} residual within 15 cm`);
    }
    // The surge peaks at landfall and is gone two days on.
    assert.equal(typhoonSurge(typhoon.peakAt, typhoon), 1);
    assert.ok(typhoonSurge(typhoon.peakAt + 24 * HOUR, typhoon) < 0.001);
    assert.ok(typhoonSurge(typhoon.peakAt - 10 * HOUR, typhoon) > typhoonSurge(typhoon.peakAt + 10 * HOUR, typhoon), 'builds slower than it falls');
  });

  it('is deterministic, and without a typhoon stays on the astronomical tide', () => {
    assert.deepEqual(simulateTide({ seed: 7, start, hours: 36, stations, typhoon }), obs);
    const calm = simulateTide({ seed: 7, start, hours: 12, stations });
    const model = tideModel(registry.stations.get('T01')!.harmonics!);
    const off = calm.filter((o) => o.station === 'T01').map((o) => Math.abs(o.value! - model.level(o.ts)));
    assert.ok(Math.max(...off) < 0.1);
  });
});
