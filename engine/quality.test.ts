// Quality gates on their own: hard and soft limits, rate of rise and fall, flatline, and how the
// state (the base for rate and flatline) moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkQuality, type Limits, type QualityResult, type QualityState } from './quality.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-07-01T00:00:00Z');
const r = (minute: number, value: number) => ({ ts: T0 + minute * MIN, value });

/** Run readings through one gate; returns [minute, quality, reasons] per reading. */
function run(limits: Limits, readings: [number, number][]): [number, string, string[]][] {
  let state: QualityState = {};
  return readings.map(([m, v]) => {
    const out: QualityResult = checkQuality(limits, state, r(m, v));
    state = out.state;
    return [m, out.quality, out.reasons];
  });
}

test('hard limits make a reading unreliable, soft limits doubtful, with the reason', () => {
  const limits: Limits = { hardMin: 0, hardMax: 30, softMin: 1, softMax: 12 };
  assert.deepEqual(run(limits, [[0, 5], [5, 12.5], [10, 31], [15, -0.25], [20, 0.5], [25, 12]]), [
    [0, 'reliable', []],
    [5, 'doubtful', ['12.5 is above the soft maximum 12']],
    [10, 'unreliable', ['31 is above the hard maximum 30', '31 is above the soft maximum 12']],
    [15, 'unreliable', ['-0.25 is below the hard minimum 0', '-0.25 is below the soft minimum 1']],
    [20, 'doubtful', ['0.5 is below the soft minimum 1']],
    [25, 'reliable', []],
  ]);
});

test('a flag never raises the quality the source gave', () => {
  assert.equal(checkQuality({ softMax: 10 }, {}, r(0, 11), 'unreliable').quality, 'unreliable');
  assert.equal(checkQuality({ hardMax: 10 }, {}, r(0, 5), 'doubtful').quality, 'doubtful');
  assert.deepEqual(checkQuality({ hardMax: 10 }, {}, r(0, 11), 'doubtful').quality, 'unreliable');
});

test('rate of rise and fall, per hour, against the last reading that passed', () => {
  // 0.5 m in 5 minutes is 6 m/h; the limit is 2 m/h up and 3 m/h down.
  const limits: Limits = { rise: 2, fall: 3 };
  assert.deepEqual(run(limits, [[0, 5], [5, 5.1], [10, 5.6], [15, 5.2], [30, 5.3], [40, 4.7], [50, 4.4]]), [
    [0, 'reliable', []],
    [5, 'reliable', []], // 1.2 m/h
    [10, 'unreliable', ['rose 6/h, faster than the limit 2/h']],
    // The spike did not become the base: 5.1 → 5.2 over 10 minutes is 0.6 m/h.
    [15, 'reliable', []],
    [30, 'reliable', []], // 0.4 m/h
    [40, 'unreliable', ['fell 3.6/h, faster than the limit 3/h']],
    [50, 'reliable', []], // 5.3 → 4.4 over 20 minutes: 2.7 m/h
  ]);
});

test('a reading past a hard limit is not the base of the next rate check', () => {
  // Were -50 the base, 5.9 would be a rise of 61 m/h.
  const out = run({ hardMin: 0, rise: 1 }, [[0, 5], [5, -50], [60, 5.9]]);
  assert.deepEqual(out.map(([m, q]) => [m, q]), [[0, 'reliable'], [5, 'unreliable'], [60, 'reliable']]);
});

test('an out-of-order reading is checked on limits only and leaves the state alone', () => {
  const first = checkQuality({ rise: 1, hardMax: 10, flatline: { forMs: 30 * MIN, tolerance: 0, flag: 'doubtful' } }, {}, r(10, 5));
  const late = checkQuality({ rise: 1, hardMax: 10 }, first.state, r(5, 9));
  assert.deepEqual(late, { quality: 'reliable', reasons: [], state: first.state });
  const lateBad = checkQuality({ rise: 1, hardMax: 10 }, first.state, r(5, 11));
  assert.deepEqual([lateBad.quality, lateBad.state], ['unreliable', first.state]);
});

test('flatline: the same reading for the period is flagged, with where the run began', () => {
  const limits: Limits = { flatline: { forMs: 30 * MIN, tolerance: 0.01, flag: 'doubtful' } };
  const out = run(limits, [[0, 2], [10, 2.005], [20, 1.995], [29, 2], [30, 2.01], [40, 2.02], [50, 2.02], [80, 2.02]]);
  assert.deepEqual(out, [
    [0, 'reliable', []],
    [10, 'reliable', []],
    [20, 'reliable', []],
    [29, 'reliable', []],
    [30, 'doubtful', ['the same reading 2 since 2026-07-01T00:00:00.000Z']],
    // 2.02 is more than the tolerance from 2: a new run starts at 40.
    [40, 'reliable', []],
    [50, 'reliable', []],
    [80, 'doubtful', ['the same reading 2.02 since 2026-07-01T00:40:00.000Z']],
  ]);
});

test('flatline can flag unreliable; a change ends the run', () => {
  const limits: Limits = { flatline: { forMs: 20 * MIN, tolerance: 0, flag: 'unreliable' } };
  assert.deepEqual(run(limits, [[0, 3], [10, 3], [20, 3], [30, 3], [40, 3.5]]).map(([m, q]) => [m, q]), [
    [0, 'reliable'],
    [10, 'reliable'],
    [20, 'unreliable'],
    [30, 'unreliable'],
    [40, 'reliable'],
  ]);
});

test('no limits: every reading passes and becomes the base', () => {
  const out = checkQuality({}, {}, r(0, 1e9));
  assert.deepEqual(out, { quality: 'reliable', reasons: [], state: { last: r(0, 1e9), flatFrom: r(0, 1e9) } });
});
