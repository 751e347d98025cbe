import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nmeaChecksum, parseNmea, type NmeaResult, type NmeaSentence } from './nmea.ts';

function ok(r: NmeaResult): NmeaSentence {
  if (!r.ok) assert.fail(r.reason);
  return r.sentence;
}

function reason(r: NmeaResult): string {
  assert.equal(r.ok, false);
  return r.ok ? '' : r.reason;
}

function tagBlock(params: string): string {
  return `\\${params}*${nmeaChecksum(params).toString(16).toUpperCase().padStart(2, '0')}\\`;
}

const TYPE1 = '!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*41';

test('splits talker, formatter and fields', () => {
  const s = ok(parseNmea(TYPE1));
  assert.equal(s.start, '!');
  assert.equal(s.talker, 'AI');
  assert.equal(s.formatter, 'VDM');
  assert.deepEqual(s.fields, ['1', '1', '', 'B', '133i;RPP1DPEbcDMV@1r:Ow:2>`<', '0']);
  assert.deepEqual(s.tags, {});
  assert.equal(s.tagTime, undefined);
});

test('CR/LF and surrounding spaces are not part of the sentence; lower-case checksum hex is fine', () => {
  ok(parseNmea(`${TYPE1}\r\n`));
  ok(parseNmea('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6a'));
});

test('checksum mismatch names both values', () => {
  assert.equal(reason(parseNmea(TYPE1.replace('*41', '*42'))), 'checksum 0x41 expected, sentence says 0x42');
});

test('missing or malformed checksum, truncated sentence', () => {
  assert.match(reason(parseNmea('!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow')), /no checksum.*truncated/);
  assert.match(reason(parseNmea('!AIVDM,1,1,,B,133i,0*4')), /two hex digits/);
  assert.match(reason(parseNmea('!AIVDM,1,1,,B,133i,0*ZZ')), /two hex digits/);
});

test('USCG receiver metadata after the checksum is allowed and ignored', () => {
  const s = ok(parseNmea('!AIVDM,2,2,6,A,3OLc=UCRp,0*4A,b003660465'));
  assert.deepEqual(s.fields, ['2', '2', '6', 'A', '3OLc=UCRp', '0']);
});

test('garbage, empty lines, non-printable characters, wrong start', () => {
  assert.equal(reason(parseNmea('')), 'empty line');
  assert.equal(reason(parseNmea('\r\n')), 'empty line');
  assert.match(reason(parseNmea('hello world')), /starts with "!" or "\$"/);
  assert.match(reason(parseNmea('!AIVDM,1,1,,B,\u0001,0*00')), /non-printable character 0x1 at column 15/);
  assert.match(reason(parseNmea('!,1*' + nmeaChecksum(',1').toString(16))), /address field/);
});

test('tag block: source, Unix seconds, and its own checksum', () => {
  const s = ok(parseNmea(`${tagBlock('s:rcvr1,c:1700000000')}${TYPE1}`));
  assert.deepEqual(s.tags, { s: 'rcvr1', c: '1700000000' });
  assert.equal(s.tagTime, 1_700_000_000_000);
  assert.equal(s.formatter, 'VDM');
});

test('tag block c: in milliseconds is recognised as such', () => {
  assert.equal(ok(parseNmea(`${tagBlock('c:1700000000123')}${TYPE1}`)).tagTime, 1_700_000_000_123);
  assert.equal(ok(parseNmea(`${tagBlock('c:1700000000.5')}${TYPE1}`)).tagTime, 1_700_000_000_500);
});

test('tag block without a checksum is accepted; a wrong one is not', () => {
  assert.equal(ok(parseNmea(`\\c:1700000000\\${TYPE1}`)).tagTime, 1_700_000_000_000);
  assert.match(reason(parseNmea(`\\s:rcvr1,c:1700000000*00\\${TYPE1}`)), /^tag block checksum 0x[0-9A-F]{2} expected, tag block says 0x00$/);
});

test('malformed tag blocks fail with a reason', () => {
  assert.match(reason(parseNmea(`\\c:1700000000${TYPE1}`)), /no closing backslash|not "x:value"/);
  assert.match(reason(parseNmea(`${tagBlock('c:yesterday')}${TYPE1}`)), /c:yesterday is not a number/);
  assert.match(reason(parseNmea(`${tagBlock('rcvr1')}${TYPE1}`)), /"rcvr1" is not "x:value"/);
});
