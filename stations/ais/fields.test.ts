import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePayload } from './decode.ts';
import * as f from './fields.ts';
import { classAPayload } from './test-support.ts';

test('ROT: indicator to degrees per minute, (ROT_AIS / 4.733)² with its sign', () => {
  assert.equal(f.rot(0), 0);
  assert.equal(f.rot(40), 71.4); // (40 / 4.733)² = 71.42
  assert.equal(f.rot(-40), -71.4);
  assert.equal(f.rot(126), 708.7); // the largest rate the field can carry
  assert.equal(f.rot(-126), -708.7);
  assert.equal(f.rot(5), 1.1);
  assert.equal(Object.is(f.rot(-1), 0), true, '-0.04 rounds to 0, not -0');
});

test('ROT: -128 not available, ±127 "turning faster than 5°/30 s" with no rate', () => {
  assert.equal(f.rot(-128), undefined);
  assert.equal(f.rot(127), undefined);
  assert.equal(f.rot(-127), undefined);
  assert.equal(f.rot(undefined), undefined);
});

test('ROT through the whole decoder (ggencoder gives the raw indicator, we convert)', () => {
  const rotOf = (rot: number): number | undefined => {
    const { payload, fill } = classAPayload({ rot });
    const r = decodePayload(payload, fill);
    assert.ok(r.ok && r.message.type === 1);
    return r.message.rot;
  };
  assert.equal(rotOf(40), 71.4);
  assert.equal(rotOf(-40), -71.4);
  assert.equal(rotOf(0), 0);
  assert.equal(rotOf(127), undefined);
  assert.equal(rotOf(-127), undefined);
  assert.equal(rotOf(-128), undefined);
});

test('speed, course, heading and second limits', () => {
  assert.equal(f.sog(102.2), 102.2);
  assert.equal(f.sog(102.3), undefined);
  assert.equal(f.cog(359.9), 359.9);
  assert.equal(f.cog(360), undefined);
  assert.equal(f.cog(409.5), undefined);
  assert.equal(f.heading(359), 359);
  assert.equal(f.heading(511), undefined);
  assert.equal(f.second(59), 59);
  assert.equal(f.second(60), undefined);
  assert.equal(f.navStatus(7), 7);
  assert.equal(f.navStatus(15), undefined);
});

test('dimensions: 0 + 0 is not available, one side 0 is a real size', () => {
  assert.equal(f.span(0, 0), undefined);
  assert.equal(f.span(0, 15), 15);
  assert.equal(f.span(225, 70), 295);
  assert.equal(f.span(undefined, undefined), undefined);
});

test('ETA needs all four parts in range', () => {
  assert.deepEqual(f.eta(5, 15, 14, 0), { month: 5, day: 15, hour: 14, minute: 0 });
  assert.equal(f.eta(0, 15, 14, 0), undefined);
  assert.equal(f.eta(5, 0, 14, 0), undefined);
  assert.equal(f.eta(5, 15, 24, 0), undefined);
  assert.equal(f.eta(5, 15, 14, 60), undefined);
});

test('compact drops undefined keys only', () => {
  assert.deepEqual(f.compact({ a: 1, b: undefined, c: 0, d: '' }), { a: 1, c: 0, d: '' });
});
