import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePayload, type AisMessage, type AisPosition, type DecodeResult } from './decode.ts';
import { armor, BitWriter, classAPayload } from './test-support.ts';

/** Payload and fill bits of one or more sentences (parts in order). */
function decodeSentences(...sentences: string[]): DecodeResult {
  const fields = sentences.map((s) => s.split('*')[0]!.split(','));
  return decodePayload(fields.map((f) => f[5]).join(''), Number(fields.at(-1)![6]));
}

function ok(r: DecodeResult): AisMessage {
  if (!r.ok) assert.fail(`expected a message, got: ${r.reason}`);
  return r.message;
}

function pos(r: DecodeResult): AisPosition {
  const m = ok(r);
  assert.ok('class' in m, `expected a position report, got type ${m.type}`);
  return m;
}

function near(actual: number | undefined, expected: number, tol = 1e-6): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
}

// ---- The DOMAIN.md vectors (shared/DOMAIN.md, "Vessels") ----

test('DOMAIN type 1: MMSI 205278090 at 51.725665 N 4.73319 E, 8.4 kn, 260.1°', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*41'));
  assert.equal(m.type, 1);
  assert.equal(m.mmsi, '205278090');
  assert.equal(m.class, 'A');
  near(m.lat, 51.725665);
  near(m.lon, 4.73319);
  assert.equal(m.sog, 8.4);
  assert.equal(m.cog, 260.1);
  // Heading 511 and ROT -128 are its not-available codes.
  assert.ok(!('heading' in m) && !('rot' in m));
});

test('DOMAIN type 18: MMSI 338087471 at 40.68454 N 74.0721317 W, 0.1 kn, 79.6°', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,A,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C'));
  assert.deepEqual(
    { ...m, lon: undefined },
    { type: 18, class: 'B', mmsi: '338087471', lat: 40.68454, lon: undefined, sog: 0.1, cog: 79.6, second: 49, accuracy: false },
  );
  near(m.lon, -74.0721317);
});

test('DOMAIN type 5 over two sentences: IMO 9134270, 3FOF8, EVER DIADEM, 12.2 m, NEW YORK', () => {
  const m = ok(
    decodeSentences('!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C', '!AIVDM,2,2,1,A,88888888880,2*25'),
  );
  // Ship type and dimensions from gpsd's test/sample.aivdm (70; 225 + 70 by 1 + 31). Its comment gives
  // ETA hour 16, but bits 283-287 are 01110 = 14 (read by hand, and by ggencoder).
  assert.deepEqual(m, {
    type: 5,
    mmsi: '351759000',
    imo: 9134270,
    callsign: '3FOF8',
    name: 'EVER DIADEM',
    shipType: 70,
    length: 295,
    beam: 32,
    draught: 12.2,
    destination: 'NEW YORK',
    eta: { month: 5, day: 15, hour: 14, minute: 0 },
  });
});

// ---- Published vectors ----

test('gpsd test/sample.aivdm type 1 (Kurt Schwehr): ROT -127 is no rate, accuracy 1', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A'));
  assert.equal(m.mmsi, '371798000');
  assert.ok(!('rot' in m));
  assert.equal(m.navStatus, 0);
  assert.equal(m.sog, 12.3);
  assert.equal(m.accuracy, true);
  near(m.lon, -123.395383333);
  near(m.lat, 48.38163333333);
  assert.equal(m.cog, 224);
  assert.equal(m.heading, 215);
  assert.equal(m.second, 33);
});

test('gpsd test/sample.aivdm type 1: ROT -128 and heading 511 absent, SOG 0 kept', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42'));
  assert.equal(m.mmsi, '440348000');
  assert.equal(m.sog, 0);
  assert.ok(!('rot' in m) && !('heading' in m));
  near(m.lon, -70.7582);
  near(m.lat, 43.08015);
  assert.equal(m.cog, 93.4);
  assert.equal(m.second, 13);
});

test('gpsd test/sample.aivdm type 2: ROT 127 is no rate', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,B,25Cjtd0Oj;Jp7ilG7=UkKBoB0<06,0*60'));
  assert.equal(m.type, 2);
  assert.equal(m.mmsi, '356302000');
  assert.ok(!('rot' in m));
  assert.equal(m.sog, 13.9);
  near(m.lon, -71.62614333333);
  near(m.lat, 40.39235833333);
  assert.equal(m.cog, 87.7);
  assert.equal(m.heading, 91);
  assert.equal(m.second, 41);
  assert.equal(m.accuracy, false);
});

test('gpsd test/sample.aivdm type 3: moored, ROT 0', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,A,38Id705000rRVJhE7cl9n;160000,0*40'));
  assert.equal(m.type, 3);
  assert.equal(m.mmsi, '563808000');
  assert.equal(m.navStatus, 5);
  assert.equal(m.rot, 0);
  assert.equal(m.sog, 0);
  assert.equal(m.accuracy, true);
  near(m.lon, -76.32753333333);
  near(m.lat, 36.91);
  assert.equal(m.cog, 252);
  assert.equal(m.heading, 352);
  assert.equal(m.second, 35);
});

test('pyais tests/test_decode.py test_msg_type_1_a: restricted manoeuvrability, ROT 0', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C'));
  assert.deepEqual(m, { type: 1, class: 'A', mmsi: '366053209', lon: m.lon, lat: m.lat, sog: 0, cog: 219.3, heading: 1, navStatus: 3, rot: 0, second: 59, accuracy: false });
  near(m.lon, -122.341618);
  near(m.lat, 37.802118);
});

test('gpsd test/sample.aivdm type 18 with accuracy 1: 5.1 kn, 34.9°', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,B,B5O6hr00<veEKmUaMFdEow`UWP06,0*4F'));
  assert.equal(m.mmsi, '368161000');
  assert.equal(m.sog, 5.1);
  assert.equal(m.cog, 34.9);
  assert.equal(m.accuracy, true);
  assert.equal(m.second, 17);
  near(m.lon, -72.2338483333);
  near(m.lat, 39.480925);
});

test('gpsd test/sample.aivdm type 19 (Mike Greene, checked with noaadata and Maritec): CAPT.J.RIMES', () => {
  const m = pos(decodeSentences('!AIVDM,1,1,,B,C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220,0*0B'));
  assert.deepEqual(
    { ...m, lon: undefined },
    {
      type: 19,
      class: 'B',
      mmsi: '367059850',
      lon: undefined,
      lat: 29.543695,
      sog: 8.7,
      cog: 335.9,
      second: 46,
      accuracy: false,
      name: 'CAPT.J.RIMES',
      shipType: 70,
      length: 26,
      beam: 8,
    },
  );
  near(m.lon, -88.8103916667);
});

test('gpsd test/sample.aivdm type 24 part A (Nirgal, checked with Maritec): PROGUY', () => {
  assert.deepEqual(ok(decodeSentences('!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D')), { type: 24, part: 'A', mmsi: '271041815', name: 'PROGUY' });
});

test('gpsd test/sample.aivdm type 24 part B: TC6163, type 60, 0+15 by 0+5 m', () => {
  assert.deepEqual(ok(decodeSentences('!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40')), {
    type: 24,
    part: 'B',
    mmsi: '271041815',
    callsign: 'TC6163',
    shipType: 60,
    length: 15,
    beam: 5,
  });
});

test('pyais test_msg_type_24 part B: pleasure craft, empty callsign and zero dimensions absent', () => {
  assert.deepEqual(ok(decodeSentences('!AIVDM,1,1,,A,H52KMeDU653hhhi0000000000000,0*1A')), { type: 24, part: 'B', mmsi: '338091445', shipType: 37 });
});

test('pyais test_msg_with_more_that_82_chars_payload: a type 5 in one sentence, ship type 0 absent', () => {
  // pyais does not check checksums; this one says 0x35 where the sentence sums to 0x36.
  const m = ok(decodeSentences('!AIVDM,1,1,,B,53ktrJ82>ia4=50<0020<5=@Dhv0t8T@u<0000001PV854Si0;mR@CPH13p0hDm1C3h0000,2*36'));
  assert.deepEqual(m, {
    type: 5,
    mmsi: '255801960',
    imo: 9356945,
    callsign: 'CQPC',
    name: 'CASTELO OBIDOS',
    length: 50,
    beam: 13,
    draught: 4.7,
    destination: 'VIANA DO CASTELO',
    eta: { month: 2, day: 7, hour: 17, minute: 0 },
  });
});

// ---- Not-available codes, crafted ----

test('every not-available code of a class A report is absent', () => {
  const { payload, fill } = classAPayload({ mmsi: 412345678, nav: 15, rot: -128, sog: 1023, lon: 181 * 600000, lat: 91 * 600000, cog: 3600, heading: 511, second: 60 });
  assert.deepEqual(pos(decodePayload(payload, fill)), { type: 1, class: 'A', mmsi: '412345678', accuracy: false });
});

test('seconds 61-63 (manual, dead reckoning, inoperative) are no time either', () => {
  for (const second of [61, 62, 63]) {
    const { payload, fill } = classAPayload({ second });
    assert.ok(!('second' in ok(decodePayload(payload, fill))));
  }
});

test('negative and out-of-range positions: south-west kept, beyond ±180/±90 absent', () => {
  const sw = classAPayload({ lon: Math.round(-58.3816 * 600000), lat: Math.round(-34.6037 * 600000) });
  const m = pos(decodePayload(sw.payload, sw.fill));
  near(m.lon, -58.3816, 1e-6);
  near(m.lat, -34.6037, 1e-6);
  // ggencoder accepts lon -200 / lat -95 as a valid position (it only checks the upper bounds).
  const bad = classAPayload({ lon: -200 * 600000, lat: -95 * 600000 });
  const n = pos(decodePayload(bad.payload, bad.fill));
  assert.ok(!('lon' in n) && !('lat' in n));
});

test('a report with position not available keeps its speed and course', () => {
  const { payload, fill } = classAPayload({ lon: 181 * 600000, lat: 40 * 600000, sog: 55, cog: 900 });
  const m = pos(decodePayload(payload, fill));
  assert.ok(!('lon' in m) && !('lat' in m));
  assert.equal(m.sog, 5.5);
  assert.equal(m.cog, 90);
});

function voyage(o: { imo?: number; callsign?: string; name?: string; type?: number; dims?: number[]; eta?: number[]; draught?: number; dest?: string; version?: number }): { payload: string; fill: number } {
  const [a, b, c, d] = o.dims ?? [0, 0, 0, 0];
  const [mo, day, hr, min] = o.eta ?? [0, 0, 24, 60];
  const w = new BitWriter()
    .u(5, 6)
    .u(0, 2)
    .u(412000002, 30)
    .u(o.version ?? 0, 2)
    .u(o.imo ?? 0, 30)
    .text(o.callsign ?? '', 7)
    .text(o.name ?? '', 20)
    .u(o.type ?? 0, 8)
    .u(a!, 9)
    .u(b!, 9)
    .u(c!, 6)
    .u(d!, 6)
    .u(1, 4)
    .u(mo!, 4)
    .u(day!, 5)
    .u(hr!, 5)
    .u(min!, 6)
    .u(o.draught ?? 0, 8)
    .text(o.dest ?? '', 20)
    .padTo(424);
  return armor(w.bits);
}

test('type 5 with everything not available is only its MMSI', () => {
  const { payload, fill } = voyage({});
  assert.equal(fill, 2);
  assert.deepEqual(ok(decodePayload(payload, fill)), { type: 5, mmsi: '412000002' });
});

test("six-bit text: '@' ends the string, trailing spaces go", () => {
  const { payload, fill } = voyage({ callsign: 'BXYZ   ', name: 'MIN YU 1234@GARBAGE', dest: 'ZHOUSHAN    ', eta: [9, 10, 8, 0] });
  assert.deepEqual(ok(decodePayload(payload, fill)), {
    type: 5,
    mmsi: '412000002',
    callsign: 'BXYZ',
    name: 'MIN YU 1234',
    destination: 'ZHOUSHAN',
    eta: { month: 9, day: 10, hour: 8, minute: 0 },
  });
});

test('a partial ETA (date but hour 24) is no ETA', () => {
  const { payload, fill } = voyage({ eta: [9, 10, 24, 60] });
  assert.ok(!('eta' in ok(decodePayload(payload, fill))));
});

test('type 5 of 420 bits (transponders that drop the last bits) still decodes', () => {
  const { payload } = voyage({ name: 'SHORT ONE', dest: 'NINGBO' });
  const m = ok(decodePayload(payload.slice(0, 70), 0));
  assert.equal(m.type === 5 && m.destination, 'NINGBO');
});

// ---- Failures ----

function fails(r: DecodeResult, pattern: RegExp, kind: 'invalid' | 'unsupported' = 'invalid'): void {
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.reason, pattern);
    assert.equal(r.kind, kind);
  }
}

test('other message types are unsupported, not invalid', () => {
  fails(decodeSentences('!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D'), /^AIS message type 4 is not handled$/, 'unsupported');
  fails(decodeSentences('!AIVDM,1,1,,A,>5?Per18=HB1U:1@E=B0m<L,2*51'), /type 14 is not handled/, 'unsupported');
});

test('a payload too short for its type fails instead of reading zeros', () => {
  // ggencoder decodes this 120-bit type 1 as valid, with COG 256, heading 0 and second 0 made up.
  fails(decodePayload('133i;RPP1DPEbcDMV@1r', 0), /type 1 needs at least 168 bits, this payload has 120/);
  fails(decodePayload('H42O55i18tMET', 0), /type 24 needs at least 160 bits/);
  fails(decodePayload('5', 0), /type 5 needs at least 420 bits/);
});

test('fill bits count: 168 bits with 2 fill bits is 166, too short', () => {
  const { payload } = classAPayload();
  assert.equal(decodePayload(payload, 0).ok, true);
  fails(decodePayload(payload, 2), /needs at least 168 bits, this payload has 166/);
  fails(decodePayload(payload, 6), /fill bits must be 0 to 5, not 6/);
});

test('bad payload characters, empty payload, non-existent types', () => {
  fails(decodePayload('133i;RPP1DPEbcDMV@1r:Ow:2>`<x', 0), /character "x" at position 29/);
  fails(decodePayload('', 0), /empty payload/);
  fails(decodePayload('0', 0), /type 0 does not exist/);
  fails(decodePayload('N', 0), /type 30 does not exist/);
});

test('type 24 parts 2 and 3 and type 5 version 3 fail with reasons', () => {
  const part2 = armor(new BitWriter().u(24, 6).u(0, 2).u(412000003, 30).u(2, 2).padTo(168).bits);
  fails(decodePayload(part2.payload, part2.fill), /part number 2 is not defined/);
  const v3 = voyage({ version: 3, name: 'FUTURE' });
  fails(decodePayload(v3.payload, v3.fill), /AIS version 3/);
});

test('an MMSI of ten digits fails (ggencoder would cut it to 000000000)', () => {
  // pyais test_empty_channel: MMSI 1000000000, everything else not available.
  fails(decodeSentences('!AIVDO,1,1,,,B>qc:003wk?8mP=18D3Q3wgTiT;T,0*13'), /MMSI 1000000000 has more than nine digits/);
});
