import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadRegistry } from '../stations/registry.ts';
import { parseZones } from '../stations/zones.ts';
import { DEMO_SEA, MATSU } from './demo-coast.ts';
import { DEMO_ZONES_URL } from './fleet-files.ts';
import type { LonLat } from './lonlat.ts';
import { CLEAR_KM } from './sea.ts';
import { cornersOf, centroid, kmBetween } from './vessel-geometry.ts';

const { zones } = parseZones('demo-zones', readFileSync(DEMO_ZONES_URL, 'utf8'));
const stations = [...loadRegistry('stations/demo-county.yaml').stations.values()];
const at = (s: { lon: number; lat: number }): LonLat => [s.lon, s.lat];

describe('the demo sea', () => {
  it('puts the Matsu islands 8–65 km off 黄岐, in waters the fleet keeps out of', () => {
    for (const m of MATSU) {
      assert.equal(DEMO_SEA.afloat(m.at), false, m.name);
      assert.ok(kmBetween(m.at, [119.9, 26.32]) > 8 && kmBetween(m.at, [119.9, 26.32]) < 65, `${m.name} off 黄岐`);
    }
  });

  it('puts the tide gauges at the water\'s edge and every other station of the county ashore', () => {
    for (const s of stations) {
      if (s.domain === 'tide') assert.ok(DEMO_SEA.afloat(at(s)) && DEMO_SEA.clearanceKm(at(s), 1) < 1, `${s.id} at the shore`);
      else assert.ok(!DEMO_SEA.afloat(at(s)), `${s.id} ashore`);
    }
  });

  it('has a passage from every port to every fishing ground and closed area, keeping clear of land and of Matsu', () => {
    const ports = zones.filter((z) => z.kind === 'port').map((z) => centroid(cornersOf(z)));
    const offshore = zones.filter((z) => z.kind === 'fishing-ground' || z.kind === 'no-fishing').map((z) => centroid(cornersOf(z)));
    for (const p of ports) {
      const mouth = DEMO_SEA.seaward(p, 3);
      for (const g of offshore) {
        const legs = DEMO_SEA.passage(mouth, g);
        assert.equal(legs.at(-1), g, `from ${p.join(',')} to ${g.join(',')}`);
        const path = [mouth, ...legs];
        assert.ok(path.slice(1).every((q, i) => DEMO_SEA.legClearanceKm(path[i]!, q, 1) >= CLEAR_KM - 1e-6), `clear from ${p.join(',')} to ${g.join(',')}`);
        const km = path.slice(1).reduce((s, q, i) => s + kmBetween(path[i]!, q), 0);
        assert.ok(km < 1.6 * kmBetween(mouth, g) + 30, `${km.toFixed(0)} km from ${p.join(',')} to ${g.join(',')}`);
      }
    }
  });
});
