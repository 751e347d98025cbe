import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dcBand, dcDayLengthFactor, dmcBand, dmcDayLength } from './day-length.ts';
import { dc, dmc } from './fwi.ts';

test('southern China (lat 25) takes the 10–30°N DMC table and the northern DC table', () => {
  assert.equal(dmcBand(25), '20N');
  assert.equal(dmcDayLength(4, 25), 9.5);
  assert.equal(dcBand(25), 'north');
  assert.equal(dcDayLengthFactor(4, 25), 0.9);
  // DMC drying scales with Le: cffdrs' published 8.54505 at 46°N (Le 12.8 in April) becomes
  // 6 + 2.54505 × 9.5 / 12.8 = 7.88890 with the 20°N April Le of 9.5; the DC is unchanged.
  assert.ok(Math.abs(dmc(6, 17, 42, 0, 4, 25) - 7.8889) <= 0.00005);
  assert.ok(Math.abs(dc(15, 17, 0, 4, 25) - 19.014) <= 0.0005);
});

test('band boundaries are those of cffdrs', () => {
  const dmcCases: [number, string][] = [[90, '46N'], [30.01, '46N'], [30, '20N'], [10.01, '20N'], [10, 'equator'], [-9.99, 'equator'], [-10, '20S'], [-29.99, '20S'], [-30, '40S'], [-90, '40S']];
  for (const [lat, band] of dmcCases) assert.equal(dmcBand(lat), band, `DMC at ${lat}`);
  const dcCases: [number, string][] = [[20.01, 'north'], [20, 'equator'], [-19.99, 'equator'], [-20, 'south']];
  for (const [lat, band] of dcCases) assert.equal(dcBand(lat), band, `DC at ${lat}`);
});

test('other bands agree with values published in cffdrs tests (DuffMoistureCode.csv, DroughtCode.csv)', () => {
  // Dry days at 18.6 °C, 55.61 % RH; [yesterday, month, lat, printed today].
  const dmcRows: [number, number, number, number][] = [[121.8, 1, -90, 123.7], [129.9, 1, -17.1, 131.57], [138, 1, 55.8, 139.08], [146.1, 4, -90, 147.41], [154.2, 4, -17.1, 155.61]];
  for (const [prev, month, lat, printed] of dmcRows) {
    assert.ok(Math.abs(dmc(prev, 18.6, 55.61, 0, month, lat) - printed) <= 0.005, `DMC ${prev} at ${lat}° month ${month}`);
  }
  const dcRows: [number, number, number][] = [[121.8, -90, 128.85], [129.9, -17.1, 134.45], [138, 55.8, 141.05]];
  for (const [prev, lat, printed] of dcRows) assert.ok(Math.abs(dc(prev, 18.6, 0, 1, lat) - printed) <= 0.005, `DC ${prev} at ${lat}°`);
});

test('months and latitudes outside the tables are refused', () => {
  for (const month of [0, 13, 4.5]) assert.throws(() => dmcDayLength(month, 25), RangeError);
  for (const lat of [91, -90.5, Number.NaN]) assert.throws(() => dcDayLengthFactor(4, lat), RangeError);
});
