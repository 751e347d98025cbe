// The SMS encoding choice and the part split: limits at their edges, exact UDH bytes, and characters
// (GSM escapes, emoji surrogate pairs) that must never be cut in two.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smsParts } from './sms-parts.ts';

const udh = (ref: number, total: number, seq: number): Buffer => Buffer.from([0x05, 0x00, 0x03, ref, total, seq]);
const ucs2 = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();
/** The text a UCS2 part carries, UDH stripped. */
const ucs2Text = (part: Buffer, withUdh: boolean): string => Buffer.from(part.subarray(withUdh ? 6 : 0)).swap16().toString('utf16le');

const HAN = '水位超过警戒线请立即撤离到高处安全地点';

test('70 Chinese characters are one UCS2 message without a UDH', () => {
  const text = HAN.repeat(4).slice(0, 70);
  const r = smsParts(text, 1);
  assert.equal(r.dataCoding, 8);
  assert.equal(r.udh, false);
  assert.deepEqual(r.parts, [ucs2(text)]);
});

test('71 Chinese characters are two parts of 67 and 4, each behind 05 00 03 ref 02 seq', () => {
  const text = HAN.repeat(4).slice(0, 71);
  const r = smsParts(text, 0xa7);
  assert.equal(r.dataCoding, 8);
  assert.equal(r.udh, true);
  assert.equal(r.parts.length, 2);
  assert.deepEqual(r.parts[0], Buffer.concat([udh(0xa7, 2, 1), ucs2(text.slice(0, 67))]));
  assert.deepEqual(r.parts[1], Buffer.concat([udh(0xa7, 2, 2), ucs2(text.slice(67))]));
  assert.equal(r.parts[1].length, 6 + 4 * 2);
});

test('the reference is taken mod 256', () => {
  assert.deepEqual(smsParts('中'.repeat(71), 256 + 5).parts[0]!.subarray(0, 6), udh(5, 2, 1));
});

test('an emoji on a part boundary moves whole to the next part', () => {
  // 66 characters then a surrogate pair: code units 67 and 68 would straddle the 67-unit limit.
  const text = `${'中'.repeat(66)}🌊${'中'.repeat(10)}`;
  const r = smsParts(text, 3);
  assert.equal(r.parts.length, 2);
  assert.equal(ucs2Text(r.parts[0]!, true), '中'.repeat(66));
  assert.equal(ucs2Text(r.parts[1]!, true), `🌊${'中'.repeat(10)}`);
  assert.equal(r.parts.map((p) => ucs2Text(p, true)).join(''), text);
});

test('UCS2 counts UTF-16 code units: 35 emoji fit one message, 36 do not', () => {
  assert.equal(smsParts('🌊'.repeat(35), 0).parts.length, 1);
  const r = smsParts('🌊'.repeat(36), 0);
  assert.equal(r.parts.length, 2);
  // 67 units hold 33 whole pairs; the 34th would be split, so it waits.
  assert.equal(ucs2Text(r.parts[0]!, true), '🌊'.repeat(33));
});

test('ASCII: 160 characters are one GSM message, 161 are two parts of 153 and 8', () => {
  const one = smsParts('a'.repeat(160), 0);
  assert.equal(one.dataCoding, 0);
  assert.equal(one.udh, false);
  assert.deepEqual(one.parts, [Buffer.from('a'.repeat(160))]);
  const two = smsParts('a'.repeat(161), 9);
  assert.equal(two.dataCoding, 0);
  assert.deepEqual(two.parts, [Buffer.concat([udh(9, 2, 1), Buffer.from('a'.repeat(153))]), Buffer.concat([udh(9, 2, 2), Buffer.from('a'.repeat(8))])]);
});

test('GSM bytes are default-alphabet code points, extension characters escaped', () => {
  const r = smsParts('@$_Δ[€', 0);
  assert.equal(r.dataCoding, 0);
  assert.deepEqual(r.parts, [Buffer.from([0x00, 0x02, 0x11, 0x10, 0x1b, 0x3c, 0x1b, 0x65])]);
});

test('an extension character counts two septets and its escape is never cut off', () => {
  assert.equal(smsParts(`${'a'.repeat(158)}€`, 0).parts.length, 1);
  assert.equal(smsParts(`${'a'.repeat(159)}€`, 0).parts.length, 2);
  // 152 + 2 septets would overflow 153: the whole escape pair goes to part 2.
  const r = smsParts(`${'a'.repeat(152)}[${'a'.repeat(10)}`, 1);
  assert.deepEqual(r.parts[0]!.subarray(6), Buffer.from('a'.repeat(152)));
  assert.deepEqual(r.parts[1]!.subarray(6, 8), Buffer.from([0x1b, 0x3c]));
});

test('one character outside the GSM alphabet makes the whole text UCS2', () => {
  const r = smsParts('Water level 3.2m 请撤离', 0);
  assert.equal(r.dataCoding, 8);
  assert.deepEqual(r.parts, [ucs2('Water level 3.2m 请撤离')]);
  // A literal ESC is not a GSM character.
  assert.equal(smsParts('a\x1bb', 0).dataCoding, 8);
});

test('past 255 parts the text cannot be concatenated', () => {
  assert.equal(smsParts('中'.repeat(67 * 255), 0).parts.length, 255);
  assert.throws(() => smsParts('中'.repeat(67 * 255 + 1), 0), RangeError);
});
