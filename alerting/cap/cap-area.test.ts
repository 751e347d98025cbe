// CAP areas: a zone's exterior rings lat first and closed (its holes left out), a circle and its
// polygon around the station or the vessel's fix, and the GB/T 2260 geocode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import turfDistance from '@turf/distance';
import type { Zone } from '../../stations/zones.ts';
import { capArea, capPolygon } from './cap-area.ts';
import { HOLED_ZONE, STATION, warningEvent } from './cap-test-events.ts';

const pairs = (polygon: string): [number, number][] => polygon.split(' ').map((p) => p.split(',').map(Number) as [number, number]);

test('a zone: one polygon per exterior ring, lat first and closed, no hole, the zone region as geocode', () => {
  const area = capArea(warningEvent({ rule: 'nofish', kind: 'issued', tier: 'yellow', position: true, zone: HOLED_ZONE }), HOLED_ZONE);
  assert.equal(area.areaDesc, '南麂禁渔区');
  assert.deepEqual(area.polygons, ['28,122.2 28,122.3 28.1,122.3 28.1,122.2 28,122.2', '28,122.5 28,122.6 28.1,122.6 28.1,122.5 28,122.5']);
  assert.deepEqual(area.circles, []);
  assert.deepEqual(area.geocodes, [{ valueName: 'GB/T 2260', value: '330300' }]);
});

test('a zone without a region falls back to the station region; a zone other than the one named is refused', () => {
  const { region: _, ...unnamed } = HOLED_ZONE;
  const zone: Zone = { ...unnamed, geometry: { type: 'Polygon', coordinates: HOLED_ZONE.geometry.coordinates[0] as number[][][] } };
  const area = capArea(warningEvent({ rule: 'nofish', kind: 'issued', tier: 'yellow', zone }), zone);
  assert.equal(area.polygons.length, 1);
  assert.deepEqual(area.geocodes, [{ valueName: 'GB/T 2260', value: '350122' }]);
  const other = { ...zone, id: 'nf-2' };
  assert.throws(() => capArea(warningEvent({ rule: 'nofish', kind: 'issued', tier: 'yellow', zone }), other), /zone "nf-1", not "nf-2"/);
});

test('a station: a circle "lat,lon km" and the same circle as a closed 33-pair polygon', () => {
  const area = capArea(warningEvent({ rule: 'river', kind: 'issued', tier: 'orange' }), undefined, 5);
  assert.equal(area.areaDesc, STATION.name);
  assert.deepEqual(area.circles, ['26.15,119.13 5']);
  assert.equal(area.polygons.length, 1);
  const ring = pairs(area.polygons[0]!);
  assert.equal(ring.length, 33);
  assert.deepEqual(ring[0], ring.at(-1));
  for (const [lat, lon] of ring) {
    assert.ok(Math.abs(turfDistance([STATION.lon, STATION.lat], [lon, lat]) - 5) < 0.01, `${lat},${lon} is 5 km from the station`);
  }
});

test('a vessel with a fix and no zone: the circle is around the fix, not the home station', () => {
  const area = capArea(warningEvent({ rule: 'gale', kind: 'issued', tier: 'orange', position: true }), undefined, 20);
  assert.deepEqual(area.circles, ['28.05,122.55 20']);
  assert.ok(pairs(area.polygons[0]!).every(([lat]) => Math.abs(lat - 28.05) < 0.2));
});

test('no region anywhere: no geocode; a radius of 0 is refused', () => {
  const e = warningEvent({ rule: 'online', kind: 'issued', tier: 'blue', noRegion: true });
  assert.deepEqual(capArea(e).geocodes, []);
  assert.throws(() => capArea(e, undefined, 0), /radius must be above 0/);
});

test('polygons are rounded to 5 decimals, closed when the ring is not, and need 4 pairs', () => {
  assert.equal(capPolygon([[121.123456789, 28.000004], [121.2, 28], [121.2, 28.1]]), '28,121.12346 28,121.2 28.1,121.2 28,121.12346');
  assert.throws(() => capPolygon([[121, 28], [121.1, 28], [121, 28]]), /at least 4 coordinate pairs/);
});
