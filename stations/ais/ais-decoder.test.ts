import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AisDecoder, type AisOutcome } from './ais-decoder.ts';
import type { AisMessage } from './message.ts';
import { nmeaChecksum } from './nmea.ts';
import { classAPayload, vdm, withChecksum } from './test-support.ts';

const T = 1_780_000_000_000;
const TYPE1 = '!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*41';
const TYPE18 = '!AIVDM,1,1,,A,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C';
// EVER DIADEM (DOMAIN.md), NORDIC HAMBURG (pyais tests/test_decode.py), HEALTH CONTROL 13 (gpsd
// test/sample.aivdm, channel multiplexing test): first parts and last parts, fill 0 and 2.
const EVER = ['55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8', '88888888880'] as const;
const NORDIC = ['538CQ>02A;h?D9QC800pu8@T>0P4l9E8L0000017Ah:;;5r50Ahm5;C0', 'F@V@00000000000'] as const;
const HEALTH = ['542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000', '00000000000'] as const;

function part(p: readonly [string, string], num: 1 | 2, seq: string, channel = 'A'): string {
  return vdm(p[num - 1]!, num === 1 ? 0 : 2, { total: 2, num, seq, channel });
}

function message(outs: AisOutcome[]): AisMessage {
  assert.equal(outs.length, 1, JSON.stringify(outs));
  const o = outs[0]!;
  if (!o.ok) assert.fail(o.reason);
  return o.message;
}

function failure(outs: AisOutcome[]): Extract<AisOutcome, { ok: false }> {
  assert.equal(outs.length, 1, JSON.stringify(outs));
  const o = outs[0]!;
  if (o.ok) assert.fail(`expected a failure, got ${JSON.stringify(o.message)}`);
  return o;
}

test('a single sentence: message, receivedAt as ts, source, channel and raw line', () => {
  const d = new AisDecoder();
  const [o] = d.push(`${TYPE1}\r\n`, 'shore-1', T);
  assert.ok(o?.ok);
  assert.equal(o.message.mmsi, '205278090');
  assert.equal(o.ts, T);
  assert.equal(o.source, 'shore-1');
  assert.equal(o.channel, 'B');
  assert.deepEqual(o.raw, [TYPE1]);
});

test('DOMAIN type 5 over two sentences', () => {
  const d = new AisDecoder();
  assert.deepEqual(d.push('!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C', 's', T), []);
  assert.equal(d.pending, 1);
  const m = message(d.push('!AIVDM,2,2,1,A,88888888880,2*25', 's', T + 40));
  assert.ok(m.type === 5);
  assert.equal(m.imo, 9134270);
  assert.equal(m.callsign, '3FOF8');
  assert.equal(m.name, 'EVER DIADEM');
  assert.equal(m.draught, 12.2);
  assert.equal(m.destination, 'NEW YORK');
  assert.equal(d.pending, 0);
});

test('tag block c: gives the timestamp, in seconds or ms; a first part with the tag times the whole message', () => {
  const d = new AisDecoder();
  const tag = (p: string): string => `\\${p}*${nmeaChecksum(p).toString(16).toUpperCase().padStart(2, '0')}\\`;
  const [a] = d.push(`${tag('s:rcvr1,c:1780000123')}${TYPE1}`, 's', T);
  assert.equal(a?.ok && a.ts, 1_780_000_123_000);
  const [b] = d.push(`${tag('c:1780000123456')}${TYPE1}`, 's', T);
  assert.equal(b?.ok && b.ts, 1_780_000_123_456);
  d.push(`${tag('g:1-2-73,c:1780000100')}${part(EVER, 1, '1')}`, 's', T);
  const [c] = d.push(`${tag('g:2-2-73')}${part(EVER, 2, '1')}`, 's', T + 5);
  assert.equal(c?.ok && c.ts, 1_780_000_100_000);
});

test('any talker, VDM and VDO', () => {
  const d = new AisDecoder();
  const { payload, fill } = classAPayload({ mmsi: 413000001 });
  for (const address of ['AIVDM', 'ABVDM', 'BSVDM', 'AIVDO', 'ABVDO']) {
    assert.equal(message(d.push(vdm(payload, fill, { address }), 's', T)).mmsi, '413000001', address);
  }
});

test('interleaved type 5s: sequence ids 1 and 2, the same id 1 on channel B, and from another source', () => {
  const d = new AisDecoder();
  const got: Record<string, string | undefined> = {};
  const collect = (outs: AisOutcome[]): void => {
    for (const o of outs) {
      assert.ok(o.ok, o.ok ? '' : o.reason);
      got[`${o.source}/${o.channel}/${o.message.mmsi}`] = o.message.type === 5 ? o.message.name : undefined;
    }
  };
  collect(d.push(part(EVER, 1, '1'), 's', T));
  collect(d.push(part(NORDIC, 1, '2'), 's', T + 1));
  collect(d.push(part(HEALTH, 1, '1', 'B'), 's', T + 2));
  collect(d.push(part(NORDIC, 1, '1'), 'other', T + 3));
  assert.equal(d.pending, 4);
  collect(d.push(part(NORDIC, 2, '2'), 's', T + 4));
  collect(d.push(part(HEALTH, 2, '1', 'B'), 's', T + 5));
  collect(d.push(part(NORDIC, 2, '1'), 'other', T + 6));
  collect(d.push(part(EVER, 2, '1'), 's', T + 7));
  assert.deepEqual(got, {
    's/A/351759000': 'EVER DIADEM',
    's/A/210035000': 'NORDIC HAMBURG',
    's/B/271010059': 'HEALTH CONTROL 13',
    'other/A/210035000': 'NORDIC HAMBURG',
  });
  assert.equal(d.pending, 0);
});

test('gpsd channel multiplexing test: two type 5s, A and B, interleaved', () => {
  const d = new AisDecoder();
  const lines = [
    '!AIVDM,2,1,6,B,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000,0*3B',
    '!AIVDM,2,1,2,A,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht500000000000000,0*3C',
    '!AIVDM,2,2,2,A,0000002,2*24',
    '!AIVDM,2,2,6,B,00000000000,2*21',
  ];
  const outs = lines.flatMap((l) => d.push(l, 's', T));
  assert.deepEqual(
    outs.map((o) => o.ok && `${o.channel} ${o.message.mmsi} ${o.message.type === 5 ? o.message.callsign : ''}`),
    ['A 271010059 TCA2350', 'B 271010059 TCA2350'],
  );
});

test('out-of-order parts are reassembled', () => {
  const d = new AisDecoder();
  assert.deepEqual(d.push(part(EVER, 2, '7'), 's', T), []);
  const m = message(d.push(part(EVER, 1, '7'), 's', T + 10));
  assert.equal(m.type === 5 && m.name, 'EVER DIADEM');
});

test('TTL: an incomplete message expires as a failure with its raw lines', () => {
  const d = new AisDecoder({ ttlMs: 2000 });
  const first = part(EVER, 1, '3');
  d.push(first, 's', T);
  assert.deepEqual(d.expire(T + 2000), []);
  const f = failure(d.expire(T + 2001));
  assert.match(f.reason, /incomplete 2-sentence message \(had part 1\) expired: nothing completed it within 2000 ms/);
  assert.deepEqual(f.raw, [first]);
  assert.equal(f.unsupported, undefined);
  assert.equal(d.pending, 0);
  // Its part 2, arriving after all, waits alone and expires in its turn.
  assert.deepEqual(d.push(part(EVER, 2, '3'), 's', T + 2500), []);
  assert.equal(failure(d.expire(T + 9999)).raw.length, 1);
});

test('a new part 1 on a key with an unfinished message: the old one fails, the new one completes', () => {
  const d = new AisDecoder();
  const oldFirst = part(EVER, 1, '5');
  d.push(oldFirst, 's', T);
  const f = failure(d.push(part(NORDIC, 1, '5'), 's', T + 100));
  assert.match(f.reason, /replaced: a new part 1/);
  assert.deepEqual(f.raw, [oldFirst]);
  assert.equal(message(d.push(part(NORDIC, 2, '5'), 's', T + 200)).mmsi, '210035000');
});

test('a duplicated fragment fails as a duplicate; the message still completes once', () => {
  const d = new AisDecoder();
  d.push(part(EVER, 1, '4'), 's', T);
  const dup = failure(d.push(part(EVER, 1, '4'), 's', T + 1));
  // A repeated part 1 cannot be told from a new message with the same content: it replaces the old.
  assert.match(dup.reason, /replaced/);
  d.push(part(EVER, 2, '8'), 's', T);
  assert.match(failure(d.push(part(EVER, 2, '8'), 's', T + 1)).reason, /duplicate of fragment 2 of 2/);
  assert.equal(message(d.push(part(EVER, 1, '8'), 's', T + 2)).mmsi, '351759000');
});

test('unsupported types are flagged so the caller can skip them quietly', () => {
  const f = failure(new AisDecoder().push('!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D', 's', T));
  assert.equal(f.reason, 'AIS message type 4 is not handled');
  assert.equal(f.unsupported, true);
});

test('a bad line of every kind fails with a reason, and the next good sentence still decodes', () => {
  const d = new AisDecoder();
  const { payload } = classAPayload();
  const cases: [string, RegExp][] = [
    [TYPE1.replace('*41', '*42'), /^checksum 0x41 expected, sentence says 0x42$/],
    [withChecksum('!', 'AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0,extra'), /has 7 fields, expected 6/],
    [withChecksum('!', 'AIVDM,1,1,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0'), /has 5 fields, expected 6/],
    [withChecksum('!', 'AIVDM,1,1,,B,133i;RPP1DPEbcD{V@1r:Ow:2>`<,0'), /character "\{" at position 16 is not in the AIS 6-bit alphabet/],
    [withChecksum('!', `AIVDM,1,1,,B,${payload},6`), /fill bits "6" are not 0 to 5/],
    [withChecksum('!', `AIVDM,1,1,,B,${payload},`), /fill bits "" are not 0 to 5/],
    [withChecksum('!', `AIVDM,1,1,,B,${payload},2`), /type 1 needs at least 168 bits, this payload has 166/],
    [withChecksum('!', 'AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r,0'), /type 1 needs at least 168 bits, this payload has 120/],
    [withChecksum('!', 'AIVDM,1,1,,B,,0'), /empty payload/],
    [withChecksum('!', `AIVDM,0,1,,B,${payload},0`), /sentence count "0" is not 1 to 9/],
    [withChecksum('!', `AIVDM,2,3,,B,${payload},0`), /sentence number "3" is not 1 to 2/],
    [withChecksum('!', `AIVDM,2,1,x,B,${payload},0`), /sequence id "x" is not a digit/],
    [withChecksum('!', `AIVDM,2,1,1,AB,${payload},0`), /radio channel "AB"/],
    [withChecksum('!', `AIVDM,2,1,1,A,${payload},2`), /fragment 1 of 2 has 2 fill bits; only the last may have any/],
    [TYPE1.slice(0, 30), /no checksum.*truncated/],
    ['\u0000\u00ff garbage ~~~', /non-printable/],
    ['hello', /starts with "!" or "\$"/],
    ['', /empty line/],
    ['$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A', /\$GPRMC is not an AIS sentence/],
    [withChecksum('$', `AIVDM,1,1,,B,${payload},0`), /\$AIVDM is not an AIS sentence/],
    [withChecksum('!', `AIVDX,1,1,,B,${payload},0`), /!AIVDX is not an AIS sentence/],
  ];
  for (const [line, reason] of cases) {
    const f = failure(d.push(line, 's', T));
    assert.match(f.reason, reason, line);
    assert.deepEqual(f.raw, [line]);
    assert.equal(message(d.push(TYPE18, 's', T)).mmsi, '338087471', `after ${line}`);
  }
});

test('a multipart message whose joined payload does not decode fails with all its lines', () => {
  const d = new AisDecoder();
  const a = vdm('133i;RPP1DPEbc', 0, { total: 2, num: 1, seq: '9' });
  const b = vdm('DMV@1r', 0, { total: 2, num: 2, seq: '9' });
  d.push(a, 's', T);
  const f = failure(d.push(b, 's', T));
  assert.match(f.reason, /needs at least 168 bits, this payload has 120/);
  assert.deepEqual(f.raw, [a, b]);
});

test('no channel given: the outcome has none', () => {
  const { payload, fill } = classAPayload();
  const [o] = new AisDecoder().push(vdm(payload, fill, { channel: '' }), 's', T);
  assert.ok(o?.ok);
  assert.equal('channel' in o, false);
});
