import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkArmor, sixBit, unarmor } from './armor.ts';

test('the two ranges of the 6-bit alphabet', () => {
  assert.equal(sixBit('0'.charCodeAt(0)), 0);
  assert.equal(sixBit('W'.charCodeAt(0)), 39);
  assert.equal(sixBit('`'.charCodeAt(0)), 40);
  assert.equal(sixBit('w'.charCodeAt(0)), 63);
  for (const bad of ['X', '_', '/', 'x', ' ', '*']) assert.equal(sixBit(bad.charCodeAt(0)), -1, bad);
});

test('bits, with fill bits dropped from the end', () => {
  const r = unarmor('1w', 2);
  assert.ok(r.ok);
  assert.equal(r.bits.length, 10);
  assert.deepEqual([...r.bits.bits], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.equal(r.bits.uint(0, 6), 1);
  assert.equal(r.bits.uint(6, 4), 15);
  assert.equal(r.bits.int(6, 4), -1);
  assert.equal(r.bits.int(4, 2), 1);
  assert.equal(r.bits.int(5, 2), -1);
});

test('a 32-bit field stays unsigned', () => {
  const r = unarmor('wwwwww', 0);
  assert.ok(r.ok);
  assert.equal(r.bits.uint(0, 32), 2 ** 32 - 1);
  assert.equal(r.bits.int(0, 32), -1);
});

test('reading past the end is a bug and throws (decode.ts checks lengths first)', () => {
  const r = unarmor('1', 0);
  assert.ok(r.ok);
  assert.throws(() => r.bits.uint(4, 3), /outside a 6-bit payload/);
});

test('bad characters, fill bits and empty payloads fail with reasons', () => {
  assert.deepEqual(unarmor('1x', 0), { ok: false, reason: 'payload character "x" at position 2 is not in the AIS 6-bit alphabet' });
  assert.deepEqual(unarmor('1', 6), { ok: false, reason: 'fill bits must be 0 to 5, not 6' });
  assert.deepEqual(unarmor('1', -1), { ok: false, reason: 'fill bits must be 0 to 5, not -1' });
  assert.deepEqual(unarmor('', 0), { ok: false, reason: 'empty payload' });
  assert.equal(checkArmor('15RTgt0PAso;90TKcjM8h6g208CQ'), undefined);
});
