// What ggencoder 1.0.10 gets right and the defects decode.ts works around, each shown on a vector.
// If an upgrade changes one of these, this file says which workaround to revisit.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ggDecode } from './gg.ts';
import { armor, BitWriter, classAPayload } from './test-support.ts';

test('right: the DOMAIN and gpsd vectors decode field by field', () => {
  const t1 = ggDecode('133i;RPP1DPEbcDMV@1r:Ow:2>`<', 0);
  assert.equal(t1.immsi, 205278090);
  assert.equal(t1.lat, 51.725665);
  assert.equal(t1.lon, 4.73319);
  const t24b = ggDecode('H42O55lti4hhhilD3nink000?050', 0);
  assert.deepEqual([t24b.part, t24b.callsign, t24b.cargo, t24b.dimA, t24b.dimB, t24b.dimC, t24b.dimD], [1, 'TC6163', 60, 0, 15, 0, 5]);
  const t5 = ggDecode('55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880', 2);
  assert.deepEqual([t5.imo, t5.callsign, t5.shipname, t5.draught, t5.destination], [9134270, '3FOF8', 'EVER DIADEM', 12.2, 'NEW YORK']);
});

test('defect: multipart input throws without a session object', () => {
  const { AisDecode } = createRequire(import.meta.url)('ggencoder') as { AisDecode: new (s: string) => unknown };
  assert.throws(() => new AisDecode('!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C'), /session object is required/);
});

test('defect: ROT is the raw indicator, not degrees per minute', () => {
  // pyais rot test vector: indicator 24, i.e. (24 / 4.733)² = 25.7°/min.
  assert.equal(ggDecode('14QIG<5620KF@Gl:L9DI4o8N0P00', 0).rot, 24);
});

test('defect: not-available codes come back as numbers', () => {
  const gg = ggDecode('133i;RPP1DPEbcDMV@1r:Ow:2>`<', 0);
  assert.equal(gg.hdg, 511);
  assert.equal(gg.rot, -128);
  const na = classAPayload({ sog: 1023, cog: 3600, second: 60 });
  const g = ggDecode(na.payload, na.fill);
  assert.deepEqual([g.sog, g.cog, g.utc], [102.3, 360, 60]);
});

test('defect: a position not available marks the whole report invalid; speed and course are still there', () => {
  const { payload, fill } = classAPayload({ lon: 181 * 600000, lat: 40 * 600000, sog: 55 });
  const gg = ggDecode(payload, fill);
  assert.equal(gg.valid, false);
  assert.equal(gg.error, '');
  assert.equal(gg.lat, undefined);
  assert.equal(gg.sog, 5.5);
});

test('defect: positions below -180 / -90 pass as valid', () => {
  const { payload, fill } = classAPayload({ lon: -200 * 600000, lat: -95 * 600000 });
  const gg = ggDecode(payload, fill);
  assert.equal(gg.valid, true);
  assert.deepEqual([gg.lon, gg.lat], [-200, -95]);
});

test('defect: a short payload is read as zeros and called valid; fill bits are ignored', () => {
  const gg = ggDecode('133i;RPP1DPEbcDMV@1r', 0); // 120 of type 1's 168 bits
  assert.equal(gg.valid, true);
  assert.deepEqual([gg.cog, gg.hdg, gg.utc], [256, 0, 0]);
});

test('defect: a bad payload character gives valid false with no reason', () => {
  const gg = ggDecode('133i;RPP1DPEbcDMV@1r:Ow:2>`<x', 0);
  assert.equal(gg.valid, false);
  assert.equal(gg.error, '');
});

test('defect: a ten-digit MMSI is cut to its last nine digits', () => {
  // pyais test_empty_channel: MMSI 1000000000.
  const gg = ggDecode('B>qc:003wk?8mP=18D3Q3wgTiT;T', 0) as ReturnType<typeof ggDecode> & { mmsi: string };
  assert.equal(gg.immsi, 1_000_000_000);
  assert.equal(gg.mmsi, '000000000');
});

test('defect: type 5 from an AIS version 3 station decodes nothing', () => {
  const w = new BitWriter().u(5, 6).u(0, 2).u(412000001, 30).u(3, 2).u(9134270, 30).text('BXYZ', 7).text('FUTURE', 20).padTo(424);
  const { payload, fill } = armor(w.bits);
  const gg = ggDecode(payload, fill);
  assert.equal(gg.valid, false);
  assert.equal(gg.shipname, undefined);
});

test('missing: the position accuracy bit is not decoded', () => {
  const gg = ggDecode('15RTgt0PAso;90TKcjM8h6g208CQ', 0) as object; // gpsd: PositionAccuracy 1
  assert.equal(['accuracy', 'pa', 'posacc'].some((k) => k in gg), false);
});
