import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LonLat } from './lonlat.ts';
import { CLEAR_KM, Sea } from './sea.ts';

// A square island 0.1° across at 120°E 26°N, an islet north-east of it, and waypoints round them.
const square = (lon: number, lat: number, d: number): LonLat[] => [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]];
const island = square(120, 26, 0.1);
const islet = square(120.2, 26.2, 0.02);
const sea = new Sea([island, islet], [[119.95, 25.95], [120.15, 25.95], [120.15, 26.15], [119.95, 26.15]]);
const km = (a: LonLat, b: LonLat): number => Math.hypot((b[0] - a[0]) * 100.06, (b[1] - a[1]) * 110.574);

describe('Sea', () => {
  it('knows land from water, and how far the nearest shore is', () => {
    assert.equal(sea.afloat([120.05, 26.05]), false);
    assert.equal(sea.afloat([120.21, 26.21]), false, 'on the islet');
    assert.equal(sea.afloat([120.05, 26.15]), true);
    assert.equal(sea.clearanceKm([120.05, 26.05]), 0);
    assert.ok(Math.abs(sea.clearanceKm([120.05, 26.15]) - 0.05 * 110.574) < 0.1);
    assert.equal(sea.clearanceKm([121, 27], 20), 20, 'no farther than asked');
  });

  it('measures how close a straight leg passes land, 0 if it crosses', () => {
    assert.equal(sea.legClearanceKm([119.95, 26.05], [120.15, 26.05]), 0);
    const past = sea.legClearanceKm([119.95, 26.12], [120.15, 26.12]);
    assert.ok(Math.abs(past - 0.02 * 110.574) < 0.05, `${past}`);
  });

  it('goes straight where it can, round the island through the waypoints where it cannot, and never across', () => {
    assert.deepEqual(sea.passage([119.95, 26.12], [120.15, 26.12]), [[120.15, 26.12]]);
    const a: LonLat = [119.97, 26.05];
    const b: LonLat = [120.13, 26.05];
    const legs = sea.passage(a, b);
    assert.equal(legs.at(-1), b);
    assert.equal(legs.length, 3, 'round one side: two corners');
    [a, ...legs].slice(1).forEach((p, i) => assert.ok(sea.legClearanceKm([a, ...legs][i]!, p, 1) >= CLEAR_KM - 1e-6));
    assert.ok(legs.reduce((s, p, i) => s + km(i ? legs[i - 1]! : a, p), 0) < 45);
    assert.deepEqual(sea.passage(a, [120.21, 26.21]), [[120.21, 26.21]], 'to a point ashore: straight, nothing to keep clear of');
  });

  it('finds open water off a point, and stays put where no waypoint leads', () => {
    const off = sea.seaward([120.05, 25.99], 3);
    assert.ok(sea.afloat(off) && off[1] < 25.99, 'away from the island, not across it');
    const walled = new Sea([square(120, 26, 0.1)], [[119.5, 25.5]]);
    assert.deepEqual(walled.passage([119.97, 26.05], [120.13, 26.05]), []);
  });
});
