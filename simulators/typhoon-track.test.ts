import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { MAINLAND } from './demo-coast.ts';
import { LANDFALL_HOUR, typhoonTrack } from './typhoon-track.ts';

const HOUR = 3_600_000;
const start = Date.parse('2026-07-27T08:00:00+08:00');
const track = typhoonTrack({ id: 'TY2608', start, hours: 48, seed: 3 });
const hourOf = (ts: number): number => (ts - start) / HOUR;
const mainland = { type: 'Polygon' as const, coordinates: [MAINLAND as [number, number][]] };
const ashore = (o: (typeof track)[number]): boolean => booleanPointInPolygon([o.position!.lon, o.position!.lat], mainland);

describe('typhoonTrack', () => {
  it('gives the centre and r7 every 10 minutes as typhoon observations', () => {
    assert.equal(track.length, 48 * 6 + 1);
    assert.ok(track.every((o, i) => o.ts === start + i * 10 * 60_000));
    assert.ok(track.every((o) => o.domain === 'typhoon' && o.station === 'TY2608' && o.metric === 'r7' && o.unit === 'km' && o.quality === 'reliable' && o.source === 'track'));
    assert.equal(typhoonTrack({ id: 'TY2608', start, hours: 6, stepMinutes: 30 }).length, 13);
  });

  it('comes from the east-south-east at a typhoon\'s pace, and makes landfall on the county around hour 30', () => {
    const first = track[0]!.position!;
    assert.ok(Math.abs(first.lon - 126) < 0.2 && Math.abs(first.lat - 24) < 0.2);
    const landfall = track.find(ashore)!;
    assert.ok(Math.abs(hourOf(landfall.ts) - LANDFALL_HOUR) <= 1, `landfall at hour ${hourOf(landfall.ts)}`);
    // On the Lianjiang coast, between the Min River mouth and Luoyuan Bay.
    assert.ok(landfall.position!.lat > 26.2 && landfall.position!.lat < 26.45 && landfall.position!.lon > 119.6 && landfall.position!.lon < 120, JSON.stringify(landfall.position));
    assert.ok(track.filter((o) => o.ts > landfall.ts).every(ashore), 'stays over land');
    assert.ok(track.every((o) => o.position!.speed! > 2 && o.position!.speed! < 20));
    assert.ok(track.every((o) => o.position!.course! >= 270 && o.position!.course! < 360), 'heading north-west');
  });

  it('widens its gales from ~250 to ~350 km at sea and narrows them over land', () => {
    const r7 = (hour: number): number => track.find((o) => hourOf(o.ts) >= hour)!.value!;
    assert.ok(Math.abs(r7(0) - 250) <= 15);
    assert.ok(Math.abs(r7(LANDFALL_HOUR) - 350) <= 15);
    assert.ok(r7(15) > r7(0) && r7(LANDFALL_HOUR) > r7(15));
    assert.ok(r7(48) < 200 && r7(40) < r7(LANDFALL_HOUR));
  });

  it('is deterministic, the seed moving the centre a little', () => {
    assert.deepEqual(typhoonTrack({ id: 'TY2608', start, hours: 48, seed: 3 }), track);
    const other = typhoonTrack({ id: 'TY2608', start, hours: 48, seed: 4 });
    assert.notDeepEqual(other, track);
    const apart = Math.max(...other.map((o, i) => Math.hypot(o.position!.lon - track[i]!.position!.lon, o.position!.lat - track[i]!.position!.lat)));
    assert.ok(apart < 0.15, 'within ~15 km');
    assert.throws(() => typhoonTrack({ id: 'TY2608', start, hours: 100 }), RangeError);
  });
});
