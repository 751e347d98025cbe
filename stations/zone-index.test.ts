import assert from 'node:assert/strict';
import { test } from 'node:test';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { pointToPolygonDistance } from '@turf/point-to-polygon-distance';
import fc from 'fast-check';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { ZoneIndex } from './zone-index.ts';
import { loadZones, parseZones, type Zone } from './zones.ts';

// wenzhou-port: 121.8–122.0°E × 27.9–28.1°N with a hole 121.85–121.95°E × 27.95–28.05°N;
// nf_1: two squares, 122.2–122.3°E and 122.5–122.6°E, both 28.0–28.1°N.
const { zones } = loadZones('stations/zones.test.geojson');
const index = new ZoneIndex(zones);
const [port, noFishing] = zones as [Zone, Zone];
const ids = (found: readonly { id: string }[]): string[] => found.map((z) => z.id);

/** Degrees of longitude spanning `metres` at `lat`, on turf's sphere: the hand computation. */
const lonDegrees = (metres: number, lat: number): number => ((metres / (6_371_008.8 * Math.cos((lat * Math.PI) / 180))) * 180) / Math.PI;

test('size, and an empty index', () => {
  assert.equal(index.size, 2);
  const empty = new ZoneIndex([]);
  assert.equal(empty.size, 0);
  assert.deepEqual(empty.containing(122, 28), []);
  assert.deepEqual(empty.near(122, 28, 1000), []);
});

test('containment: the area is closed (its edges, the holes’ too, are in it); a hole is not', () => {
  // Closed, so distance() is 0 exactly where containing() says so, and a vessel on the line of a
  // no-fishing zone counts as in it: the cautious side for a warning. turf's default agrees.
  assert.deepEqual(ids(index.containing(121.83, 28.0)), ['wenzhou-port'], 'well inside');
  assert.deepEqual(ids(index.containing(122.0, 28.0)), ['wenzhou-port'], 'on an edge');
  assert.deepEqual(ids(index.containing(122.0, 28.1)), ['wenzhou-port'], 'on a vertex');
  assert.deepEqual(ids(index.containing(121.9, 28.0)), [], 'in the hole');
  assert.deepEqual(ids(index.containing(121.95, 28.0)), ['wenzhou-port'], 'on the hole’s edge');
  assert.deepEqual(ids(index.containing(122.55, 28.05)), ['nf_1'], 'in the second polygon of a multipolygon');
  assert.deepEqual(ids(index.containing(122.0000001, 28.0)), [], 'just outside');
  assert.deepEqual(ids(index.containing(122.4, 28.05)), [], 'between the multipolygon’s parts');
});

test('distance: 0 inside and on edges; to the nearest edge outside; a hole’s ring is an edge', () => {
  assert.equal(index.distance(port, 121.83, 28.0), 0);
  assert.equal(index.distance(port, 122.0, 28.0), 0);
  assert.equal(index.distance(port, 121.95, 28.0), 0);
  const east = index.distance(port, 122.0 + lonDegrees(1000, 28), 28.0);
  assert.ok(Math.abs(east - 1000) <= 10, `1 km east of the east edge: ${east} m`);
  // From the hole's centre the nearest of its edges are the east and west ones, 0.05° of longitude away.
  const inHole = index.distance(port, 121.9, 28.0);
  const hand = (0.05 * Math.PI * 6_371_008.8 * Math.cos((28 * Math.PI) / 180)) / 180;
  assert.ok(Math.abs(inHole - hand) <= 1, `in the hole: ${inHole} m, by hand ${hand} m`);
  // Between the parts of a multipolygon: to the nearer one.
  assert.ok(Math.abs(index.distance(noFishing, 122.31, 28.05) - 0.01 / lonDegrees(1, 28.05)) <= 1);
});

test('near: within the radius only, containing zones at 0, nearest first', () => {
  const lon = 122.6 + lonDegrees(300, 28.05);
  const found = index.near(lon, 28.05, 500);
  assert.deepEqual(ids(found.map((f) => f.zone)), ['nf_1']);
  assert.ok(Math.abs(found[0]!.distance - 300) <= 3, `${found[0]!.distance} m`);
  assert.deepEqual(index.near(lon, 28.05, 200), []);

  const both = index.near(121.99, 28.0, 25_000);
  assert.deepEqual(
    both.map((f) => [f.zone.id, Math.round(f.distance / 100) * 100]),
    [
      ['wenzhou-port', 0],
      ['nf_1', 20_600],
    ],
  );
});

// Random zones: star-shaped rings around centres in a 0.5° square (so they overlap), some with a
// hole, some MultiPolygons of two; points around them, and on their vertices (the boundary).
const star = (cx: number, cy: number, radius: number, scales: readonly number[]): Position[] => {
  const ring = scales.map((s, k): Position => {
    const a = (2 * Math.PI * k) / scales.length;
    return [cx + radius * s * Math.cos(a), cy + radius * s * Math.sin(a)];
  });
  return [...ring, ring[0]!];
};
/** Up to `maxZones` zones of up to `radius` degrees, and up to `maxPoints` points. */
function scene(maxZones: number, maxPoints: number, radius: number) {
  const part = fc
    .record({
      cx: fc.double({ min: 122, max: 122.5, noNaN: true }),
      cy: fc.double({ min: 28, max: 28.5, noNaN: true }),
      r: fc.double({ min: radius / 40, max: radius, noNaN: true }),
      scales: fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 3, maxLength: 20 }),
      hole: fc.option(fc.double({ min: 0.5, max: 1, noNaN: true })),
    })
    // A hexagonal hole of at most 0.2 r stays inside: a star's edges keep 0.25 r from its centre.
    .map(({ cx, cy, r, scales, hole }): Position[][] => [
      star(cx, cy, r, scales),
      ...(hole === null ? [] : [star(cx, cy, 0.2 * r * hole, [1, 1, 1, 1, 1, 1]).reverse()]),
    ]);
  const geometry = fc.oneof(
    part.map((coordinates): Polygon => ({ type: 'Polygon', coordinates })),
    fc.tuple(part, part).map((parts): MultiPolygon => ({ type: 'MultiPolygon', coordinates: parts })),
  );
  const randomZones = fc.array(geometry, { minLength: 1, maxLength: maxZones }).map((geometries) => {
    const collection = {
      type: 'FeatureCollection',
      features: geometries.map((g, i) => ({ type: 'Feature', properties: { id: `z${i}`, name: `区${i}`, kind: 'restricted' }, geometry: g })),
    };
    const parsed = parseZones('random.geojson', JSON.stringify(collection));
    assert.deepEqual(parsed.errors, []);
    return parsed.zones;
  });
  return randomZones.chain((zs) => {
    const vertices = zs.flatMap((z) => (z.geometry.type === 'Polygon' ? [z.geometry.coordinates] : z.geometry.coordinates).flat(2));
    const around = fc.tuple(fc.double({ min: 121.7, max: 122.8, noNaN: true }), fc.double({ min: 27.7, max: 28.8, noNaN: true }));
    const onVertex = fc.constantFrom(...vertices).map((p) => [p[0]!, p[1]!] as [number, number]);
    return fc.record({ zones: fc.constant(zs), points: fc.array(fc.oneof(around, onVertex), { minLength: 1, maxLength: maxPoints }) });
  });
}

test('property: containing() is a brute-force loop of booleanPointInPolygon', () => {
  fc.assert(
    fc.property(scene(30, 40, 0.2), ({ zones: zs, points }) => {
      const idx = new ZoneIndex(zs);
      for (const [lon, lat] of points) {
        const expected = zs.filter((z) => booleanPointInPolygon([lon, lat], z.geometry));
        assert.deepEqual(ids(idx.containing(lon, lat)).sort(), ids(expected).sort());
      }
    }),
    { seed: 42, numRuns: 200 },
  );
});

// turf bends edges along great circles, off the straight lon/lat edges that containment (and
// distance()) use; on edges of at most ~5 km that is under 30 cm.
test('property: distance() is 0 exactly inside, else within a metre or 0.1% of turf’s pointToPolygonDistance', () => {
  fc.assert(
    fc.property(scene(8, 10, 0.03), ({ zones: zs, points }) => {
      const idx = new ZoneIndex(zs);
      for (const [lon, lat] of points) {
        for (const z of zs) {
          const d = idx.distance(z, lon, lat);
          if (booleanPointInPolygon([lon, lat], z.geometry)) assert.equal(d, 0);
          else {
            const turf = pointToPolygonDistance([lon, lat], z.geometry, { units: 'meters' });
            assert.ok(d > 0 && Math.abs(d - turf) <= 1 + 0.001 * turf, `${d} m, turf ${turf} m`);
          }
        }
      }
    }),
    { seed: 42, numRuns: 100 },
  );
});

test('property: near() is every zone within the radius, nearest first', () => {
  fc.assert(
    fc.property(scene(30, 40, 0.2), fc.double({ min: 0, max: 20_000, noNaN: true }), ({ zones: zs, points }, metres) => {
      const idx = new ZoneIndex(zs);
      for (const [lon, lat] of points) {
        const found = idx.near(lon, lat, metres);
        const expected = zs.filter((z) => idx.distance(z, lon, lat) <= metres);
        assert.deepEqual(ids(found.map((f) => f.zone)).sort(), ids(expected).sort());
        found.slice(1).forEach((f, i) => assert.ok(found[i]!.distance <= f.distance));
      }
    }),
    { seed: 42, numRuns: 100 },
  );
});
