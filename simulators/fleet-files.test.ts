import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseFleet, type PortPlace } from '../stations/vessels.ts';
import { ZoneIndex } from '../stations/zone-index.ts';
import { parseZones, type Zone } from '../stations/zones.ts';
import { DEMO_SEA, MATSU } from './demo-coast.ts';
import { DEMO_REGION } from './demo-zones.ts';
import { CLASS_A_MIN_LENGTH, DEMO_FLEET_URL, DEMO_ZONES_URL, demoFleetFiles } from './fleet-files.ts';
import type { LonLat } from './lonlat.ts';

const generated = demoFleetFiles();
const zonesText = readFileSync(DEMO_ZONES_URL, 'utf8');
const fleetText = readFileSync(DEMO_FLEET_URL, 'utf8');
const { zones, errors: zoneErrors } = parseZones('stations/demo-zones.geojson', zonesText);
const ofKind = (kind: Zone['kind']): Zone[] => zones.filter((z) => z.kind === kind);
const ringsOf = (z: Zone): LonLat[][] => (z.geometry.type === 'Polygon' ? z.geometry.coordinates : z.geometry.coordinates.flat()) as unknown as LonLat[][];

/** A port's place for the fleet: the centroid of its basin's corners, and its region. */
const ports = new Map<string, PortPlace>(
  ofKind('port').map((z) => {
    const corners = ringsOf(z)[0]!.slice(0, -1);
    const mean = (k: 0 | 1): number => corners.reduce((s, p) => s + p[k], 0) / corners.length;
    return [z.id, { lon: mean(0), lat: mean(1), ...(z.region && { region: z.region }) }];
  }),
);
const fleet = parseFleet('stations/demo-fleet.yaml', fleetText, ports);
const vessels = [...fleet.vessels.values()];

/** Twice the signed area in degrees²: positive when the ring runs anticlockwise. */
const signedArea = (ring: readonly LonLat[]): number => ring.slice(1).reduce((s, p, i) => s + ring[i]![0] * p[1] - p[0] * ring[i]![1], 0);
const km = (a: LonLat, b: LonLat): number => Math.hypot((b[0] - a[0]) * 111.32 * Math.cos((a[1] * Math.PI) / 180), (b[1] - a[1]) * 110.574);

describe('demo fleet files', () => {
  it('are what the generator makes, and it makes the same bytes for the same seed only', () => {
    assert.equal(zonesText, generated.zones, 'stations/demo-zones.geojson is stale: run `npx tsx simulators/fleet-files.ts`');
    assert.equal(fleetText, generated.fleet, 'stations/demo-fleet.yaml is stale: run `npx tsx simulators/fleet-files.ts`');
    const other = demoFleetFiles(1);
    assert.notEqual(other.zones, generated.zones);
    assert.notEqual(other.fleet, generated.fleet);
  });

  it('parse with no errors', () => {
    assert.deepEqual(zoneErrors, []);
    assert.deepEqual(fleet.errors, []);
  });

  it('lay out 17 ports, 6–8 grounds, two closed areas (one with a hole), an exercise area and a lane', () => {
    assert.deepEqual(
      ofKind('port').map((z) => z.id),
      Array.from({ length: 17 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`),
    );
    assert.ok(ofKind('port').every((z) => z.region === DEMO_REGION && /[港锚]/.test(z.name)));
    assert.ok(ofKind('fishing-ground').length >= 6 && ofKind('fishing-ground').length <= 8);
    assert.equal(ofKind('no-fishing').length, 2);
    assert.equal(ofKind('no-fishing').filter((z) => ringsOf(z).length === 2).length, 1);
    assert.equal(ofKind('restricted').length, 1);
    assert.equal(ofKind('shipping-lane').length, 1);
  });

  it('draws simple closed rings: 6–24 corners, anticlockwise outside, clockwise holes', () => {
    for (const z of zones) {
      ringsOf(z).forEach((ring, i) => {
        assert.deepEqual(ring[0], ring.at(-1), `${z.id} ring ${i} closed`);
        assert.ok(ring.length - 1 >= 6 && ring.length - 1 <= 24, `${z.id} has ${ring.length - 1} corners`);
        assert.ok(i === 0 ? signedArea(ring) > 0 : signedArea(ring) < 0, `${z.id} ring ${i} orientation`);
      });
    }
  });

  it('puts the ports afloat on the Lianjiang shore, 1–3 km across', () => {
    for (const z of ofKind('port')) {
      const ring = ringsOf(z)[0]!;
      assert.ok(
        ring.every((p, i) => i === 0 || DEMO_SEA.legClearanceKm(ring[i - 1]!, p, 1) > 0),
        `${z.id} is afloat`,
      );
      assert.ok(Math.min(...ring.map((p) => DEMO_SEA.clearanceKm(p, 1))) < 0.3, `${z.id} is on the shore`);
      const across = Math.max(km([z.bbox[0], z.bbox[1]], [z.bbox[2], z.bbox[1]]), km([z.bbox[0], z.bbox[1]], [z.bbox[0], z.bbox[3]]));
      assert.ok(across >= 1 && across <= 3.2, `${z.id} is ${across.toFixed(1)} km across`);
      // Between the Min River (琯头) and Luoyuan Bay (马鼻).
      assert.ok(z.bbox[0] > 119.55 && z.bbox[2] < 119.96 && z.bbox[1] > 26.1 && z.bbox[3] < 26.43, `${z.id} is in Lianjiang`);
    }
  });

  it('keeps the offshore zones in open sea east of the Matsu islands, at least 15 km from any of them and west of the strait\'s median line', () => {
    const seats = MATSU.filter((m) => /Nangan|Beigan|Dongyin|Juguang/.test(m.name));
    const nearest = (ring: readonly LonLat[], islands: typeof MATSU): number => Math.min(...ring.flatMap((p) => islands.map((m) => km(p, m.at))));
    // The harbours of the Huangqi peninsula lie 10–13 km from the islet of 高登, but keep 15 km from the four main islands.
    for (const z of ofKind('port')) assert.ok(nearest(ringsOf(z)[0]!, seats) >= 15, `${z.id} is ${nearest(ringsOf(z)[0]!, seats).toFixed(1)} km from Matsu`);
    for (const z of zones.filter((x) => x.kind !== 'port')) {
      const ring = ringsOf(z)[0]!;
      assert.ok(nearest(ring, MATSU) >= 15, `${z.id} is ${nearest(ring, MATSU).toFixed(1)} km from Matsu`);
      assert.ok(Math.min(...ring.map((p) => DEMO_SEA.clearanceKm(p, 20))) >= 10, `${z.id} is 10 km or more off any land`);
      assert.ok(ring.every(([lon, lat]) => lon > 119.9 && lon < 122 - (27 - lat) * 1.125), `${z.id} is east of Matsu and on the mainland's side of the median line`);
    }
    // Grounds within a day's steaming of the nearest port: 25–140 km.
    const ports = ofKind('port').map((p) => ringsOf(p)[0]![0]!);
    for (const z of ofKind('fishing-ground')) {
      const out = Math.min(...ports.flatMap((p) => ringsOf(z)[0]!.map((q) => km(p, q))));
      assert.ok(out >= 25 && out <= 140, `${z.id} is ${out.toFixed(0)} km from the nearest port`);
    }
  });

  it('keeps the grounds clear of the closed areas, the exercise area, the lane and each other', () => {
    const index = new ZoneIndex(zones.filter((z) => z.kind !== 'port'));
    for (const z of zones.filter((x) => x.kind !== 'port')) {
      for (const [lon, lat] of ringsOf(z)[0]!) {
        const others = index.containing(lon, lat).filter((o) => o.id !== z.id);
        assert.ok(
          others.every((o) => z.kind !== 'fishing-ground' && o.kind !== 'fishing-ground'),
          `${z.id} overlaps ${others.map((o) => o.id).join(', ')}`,
        );
      }
    }
  });

  it('lists 2,040 vessels homed in the ports, each with a Beidou terminal and about 30% with AIS', () => {
    assert.equal(vessels.length, 2040);
    assert.ok(vessels.every((v) => v.homePort && ports.has(v.homePort)));
    assert.equal(new Set(vessels.map((v) => v.homePort)).size, 17);
    assert.ok(vessels.every((v) => /^ZY\d{5}$/.test(v.id) && v.name === `闽连渔${v.id.slice(2)}` && v.owner?.name && /^1\d{10}$/.test(v.owner.phone ?? '')));
    assert.ok([...fleet.stations.values()].every((s) => s.region === DEMO_REGION), 'every vessel is of Lianjiang County');
    assert.ok(vessels.every((v) => v.terminals.some((t) => t.kind === 'beidou' && /^BD\d{7}$/.test(t.id))));
    const ais = vessels.flatMap((v) => v.terminals.filter((t) => t.kind !== 'beidou').map((t) => ({ v, t })));
    assert.ok(ais.length > 0.25 * vessels.length && ais.length < 0.35 * vessels.length, `${ais.length} AIS`);
    assert.equal(new Set(ais.map(({ t }) => t.id)).size, ais.length, 'MMSIs are unique');
    assert.ok(ais.every(({ t }) => /^41[23]\d{6}$/.test(t.id)));
    assert.ok(ais.every(({ v, t }) => (t.kind === 'ais-a') === v.length! >= CLASS_A_MIN_LENGTH));
  });

  it('mixes the classes in plausible shares and lengths', () => {
    const share = (cls: string): number => vessels.filter((v) => v.class === cls).length / vessels.length;
    assert.ok(share('trawler') > 0.28 && share('trawler') < 0.4);
    assert.ok(share('small') > 0.24 && share('small') < 0.36);
    for (const cls of ['gillnetter', 'longliner', 'seiner', 'carrier']) assert.ok(share(cls) > 0.02, cls);
    assert.ok(vessels.filter((v) => v.class === 'small').every((v) => v.length! < 12));
    assert.ok(vessels.filter((v) => v.class !== 'small').every((v) => v.length! >= 12 && v.length! <= 60));
  });
});
