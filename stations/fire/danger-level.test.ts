import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DANGER_LEVELS, dangerLevel, DEFAULT_BREAKS, parseBreaks } from './danger-level.ts';

test('default breaks follow the published five-class FWI chart (0–4.9, 5–13.9, 14–20.9, 21–32.9, 33+)', () => {
  assert.deepEqual(DEFAULT_BREAKS, [5, 14, 21, 33]);
  const cases: [number, number][] = [[0, 1], [4.9, 1], [5, 2], [13.9, 2], [14, 3], [20.9, 3], [21, 4], [32.9, 4], [33, 5], [120, 5]];
  for (const [fwi, level] of cases) assert.equal(dangerLevel(fwi), level, `FWI ${fwi}`);
  // The DOMAIN.md reference day (FWI 10.04) is level 2, blue.
  assert.equal(DANGER_LEVELS[dangerLevel(10.04)].colour, 'blue');
});

test('configured breaks replace the defaults', () => {
  const breaks = [5, 10, 20, 30];
  assert.deepEqual([4.99, 5, 10, 19.9, 20, 30].map((f) => dangerLevel(f, breaks)), [1, 2, 3, 3, 4, 5]);
});

test('the five levels, lowest first, and only level 5 bans all fire', () => {
  assert.deepEqual(Object.values(DANGER_LEVELS).map((l) => `${l.zh} ${l.colour}`), ['低 green', '较低 blue', '较高 yellow', '高 orange', '极高 red']);
  assert.deepEqual(Object.values(DANGER_LEVELS).map((l) => l.bansAllFire), [false, false, false, false, true]);
});

test('parseBreaks accepts four ascending finite numbers and says what is wrong otherwise', () => {
  assert.deepEqual(parseBreaks([1, 2.5, 7, 40]), [1, 2.5, 7, 40]);
  assert.throws(() => parseBreaks('5,10,20,30'), /four ascending finite numbers.*not a list/);
  assert.throws(() => parseBreaks([5, 10, 20]), /got \[5, 10, 20\]: 3 values/);
  assert.throws(() => parseBreaks([5, 10, Number.NaN, 30]), /value 3 is not a finite number/);
  assert.throws(() => parseBreaks([5, '10', 20, 30]), /value 2 is not a finite number/);
  assert.throws(() => parseBreaks([5, 20, 20, 30]), /value 3 \(20\) is not above value 2 \(20\)/);
  assert.throws(() => dangerLevel(12, [30, 20, 10, 5]), RangeError);
});

test('an FWI that is not a number or below zero is refused', () => {
  for (const fwi of [Number.NaN, -0.1, Infinity]) assert.throws(() => dangerLevel(fwi), RangeError);
});
