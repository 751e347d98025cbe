// Window trackers: hand-made sequences with known answers, an exactness case a float running sum
// fails, and random irregular series (some readings late) checked against a naive recomputation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Reading } from '../engine/warning.ts';
import { createTracker, type SignalSpec, type SignalTracker } from './window.ts';

const T0 = Date.UTC(2026, 6, 1);
const MIN = 60_000;
const H = 3_600_000;
const at = (minutes: number, value: number): Reading => ({ ts: T0 + minutes * MIN, value });

/** Push readings given as [minute, value]; returns every signal vector. */
const pushAll = (t: SignalTracker, rs: [number, number][]): number[][] => rs.map(([m, v]) => t.push(at(m, v)));

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

test('value passes the reading through', () => {
  const t = createTracker({ kind: 'value' });
  assert.deepEqual(t.push(at(0, 4.2)), [4.2]);
  t.insert(at(-5, 9));
  assert.deepEqual(t.push(at(10, -1)), [-1]);
});

test('accumulation: one exact sum per window, (t - W, t], over irregular readings and a gap', () => {
  const t = createTracker({ kind: 'accumulation', windowsMs: [1 * H, 3 * H] });
  assert.deepEqual(
    pushAll(t, [[0, 1.0], [10, 0.5], [25, 2.0], [60, 0.3]]),
    [[1, 1], [1.5, 1.5], [3.5, 3.5], [2.8, 3.8]], // at 60 the reading at 0 is exactly 1 h old: out of the 1 h window
  );
  assert.deepEqual(t.push(at(300, 1.2)), [1.2, 1.2]); // a gap longer than both windows
  assert.deepEqual(t.push(at(360, 0.4)), [0.4, 1.6]);
  // A late reading counts from the next push; one at a time already held is ignored.
  t.insert(at(330, 0.7));
  t.insert(at(330, 9));
  t.insert(at(170, 5)); // older than every window
  assert.deepEqual(t.push(at(370, 0.1)), [1.2, 2.4]);
});

test('accumulation: 10,000 increments of 0.1 mm give exactly 1.2 mm per hour', () => {
  const t = createTracker({ kind: 'accumulation', windowsMs: [H] });
  let float = 0;
  let floatMisses = 0;
  for (let i = 1; i <= 10_000; i++) {
    const expected = Math.min(i, 12) / 10; // readings every 5 min: 12 in an hour
    assert.deepEqual(t.push({ ts: T0 + i * 5 * MIN, value: 0.1 }), [expected], `push ${i}`);
    float += 0.1;
    if (i > 12) float -= 0.1;
    if (float !== expected) floatMisses++;
  }
  // The case discriminates: a running float sum misses (0.30000000000000004 at the third push).
  assert.ok(floatMisses > 0);
});

test('accumulation: alternating 0.1 and 0.2 stay exact where a running float sum drifts', () => {
  const t = createTracker({ kind: 'accumulation', windowsMs: [H] });
  let last: number[] = [];
  for (let i = 1; i <= 10_000; i++) last = t.push({ ts: T0 + i * 5 * MIN, value: i % 2 ? 0.1 : 0.2 });
  assert.deepEqual(last, [1.8]); // a running float sum ends at 1.8000000000000005
});

test('trend: slope in units per hour; NaN below minReadings; the reading at t - W is out', () => {
  const t = createTracker({ kind: 'trend', windowMs: 30 * MIN, minReadings: 3 });
  // Rising 0.3 m/h after an outlier at minute 0, which is exactly 30 min old at minute 30.
  const slopes = pushAll(t, [[0, 9.0], [10, 2.05], [20, 2.1], [30, 2.15]]).map((s) => s[0]!);
  assert.ok(Number.isNaN(slopes[0]) && Number.isNaN(slopes[1]));
  assert.ok(slopes[2]! < -10); // the outlier is in the window at minute 20
  close(slopes[3]!, 0.3, 'slope');
  // A gap longer than the window leaves one reading: no slope.
  assert.ok(Number.isNaN(t.push(at(120, 2.5))[0]!));
  assert.ok(Number.isNaN(t.push(at(125, 2.6))[0]!)); // two readings, three needed
  close(t.push(at(130, 2.7))[0]!, 1.2, 'slope after the gap'); // 0.1 per 5 min
});

test('trend: a late reading joins the fit; fewer than two readings never give a slope', () => {
  const t = createTracker({ kind: 'trend', windowMs: H, minReadings: 1 });
  assert.ok(Number.isNaN(t.push(at(0, 1))[0]!));
  t.push(at(30, 1.5));
  t.insert(at(15, 3)); // late: breaks the line
  close(t.push(at(45, 2))[0]!, 0.6, 'slope with the late reading'); // fit of (0,1) (15,3) (30,1.5) (45,2)
});

test('stat: mean, min and max over (t - W, t]', () => {
  const readings: [number, number][] = [[0, 4], [20, 1], [50, 3], [60, 2], [180, 7]];
  const run = (stat: 'mean' | 'min' | 'max'): number[] =>
    pushAll(createTracker({ kind: 'stat', stat, windowMs: H }), readings).map((s) => s[0]!);
  // At 60 the reading at 0 (4) is exactly an hour old and out; at 180 only the new reading is in.
  assert.deepEqual(run('mean'), [4, 2.5, 8 / 3, 2, 7]);
  assert.deepEqual(run('min'), [4, 1, 1, 1, 7]);
  assert.deepEqual(run('max'), [4, 4, 4, 3, 7]);
});

test('stat: change and rate from the latest reading at or before t - W, kept through a gap', () => {
  const readings: [number, number][] = [[0, 1.0], [30, 1.5], [60, 1.8], [90, 2.4], [240, 3.0]];
  const change = pushAll(createTracker({ kind: 'stat', stat: 'change', windowMs: H }), readings).map((s) => s[0]!);
  const rate = pushAll(createTracker({ kind: 'stat', stat: 'rate', windowMs: H }), readings).map((s) => s[0]!);
  // Nothing an hour old yet at 0 and 30; at 60 the reading at 0 is exactly an hour old and counts.
  assert.deepEqual(change, [NaN, NaN, 1.8 - 1.0, 2.4 - 1.5, 3.0 - 2.4]);
  assert.deepEqual(rate, [NaN, NaN, 1.8 - 1.0, 2.4 - 1.5, (3.0 - 2.4) / 2.5]); // 90 -> 240 is 2.5 h
});

test('stat: a late reading can become the reference for change; a repeated ts is ignored', () => {
  const change = createTracker({ kind: 'stat', stat: 'change', windowMs: H });
  const max = createTracker({ kind: 'stat', stat: 'max', windowMs: H });
  for (const t of [change, max]) {
    t.push(at(0, 1));
    t.push(at(120, 3));
    t.insert(at(50, 2.5));
    t.insert(at(120, 100));
  }
  assert.deepEqual(change.push(at(130, 4)), [4 - 2.5]);
  assert.deepEqual(max.push(at(130, 4)), [4]);
});

test('windows must be positive', () => {
  assert.throws(() => createTracker({ kind: 'stat', stat: 'mean', windowMs: 0 }), RangeError);
  assert.throws(() => createTracker({ kind: 'accumulation', windowsMs: [H, -1] }), RangeError);
});

// ---- Properties: every push against a naive recomputation over every reading delivered so far.

type Op = { op: 'push' | 'insert'; r: Reading };

const step = fc.record({
  // Often on 5-minute marks so readings land exactly on window edges; sometimes longer than any window.
  gap: fc.oneof(fc.integer({ min: 1, max: 12 }).map((k) => k * 5 * MIN), fc.integer({ min: 1, max: 5 * H })),
  value: fc.integer({ min: -50, max: 500 }).map((n) => n / 10),
  // Pushes to wait before delivering it late (0: on time).
  delay: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: 1, max: 4 })),
  // Deliver it again later with another value: a repeat that must be ignored.
  repeat: fc.boolean(),
});

/** Delivery order: a late reading is inserted after `delay` more pushes, so it is older than the newest;
 *  a repeat (same ts, another value) comes one push after the reading it repeats. */
function deliveries(steps: { gap: number; value: number; delay: number; repeat: boolean }[]): Op[] {
  const ops: Op[] = [];
  const waiting: { r: Reading; due: number; repeat: boolean }[] = [];
  let pushes = 0;
  const deliver = (op: Op, repeat: boolean): void => {
    ops.push(op);
    if (repeat) waiting.push({ r: { ts: op.r.ts, value: op.r.value + 1 }, due: pushes + 1, repeat: false });
  };
  let ts = T0;
  for (const s of steps) {
    ts += s.gap;
    const r = { ts, value: s.value };
    if (s.delay > 0) {
      waiting.push({ r, due: pushes + s.delay, repeat: s.repeat });
      continue;
    }
    pushes++;
    deliver({ op: 'push', r }, s.repeat);
    for (const w of waiting.filter((w) => w.due <= pushes)) {
      waiting.splice(waiting.indexOf(w), 1);
      deliver({ op: 'insert', r: w.r }, w.repeat);
    }
  }
  return ops;
}

const windowMs = fc.oneof(fc.integer({ min: 1, max: 24 }).map((k) => k * 5 * MIN), fc.integer({ min: 1, max: 3 * H }));

/** Run the deliveries, comparing each push with `expected` over the readings held (first value per ts). */
function check(spec: SignalSpec, ops: Op[], expected: (held: Reading[], t: number) => number[], exact: boolean): void {
  const tracker = createTracker(spec);
  const held = new Map<number, number>();
  for (const { op, r } of ops) {
    if (!held.has(r.ts)) held.set(r.ts, r.value);
    if (op === 'insert') {
      tracker.insert(r);
      continue;
    }
    const got = tracker.push(r);
    const want = expected([...held].map(([ts, value]) => ({ ts, value })).sort((a, b) => a.ts - b.ts), r.ts);
    if (exact) assert.deepEqual(got, want);
    else {
      assert.equal(got.length, want.length);
      for (const [i, w] of want.entries()) {
        if (Number.isNaN(w)) assert.ok(Number.isNaN(got[i]), `${spec.kind}: ${got[i]} != NaN`);
        else close(got[i]!, w, spec.kind);
      }
    }
  }
}

const within = (rs: Reading[], t: number, w: number): Reading[] => rs.filter((r) => r.ts > t - w && r.ts <= t);
const runs = { seed: 42, numRuns: 200 };

test('property: accumulation equals the exact micro-unit sum of each window', () => {
  fc.assert(
    fc.property(fc.array(windowMs, { minLength: 1, maxLength: 3 }), fc.array(step, { minLength: 1, maxLength: 60 }), (ws, steps) => {
      const sum = (rs: Reading[]): number => rs.reduce((s, r) => s + Math.round(r.value * 1e6), 0) / 1e6;
      check({ kind: 'accumulation', windowsMs: ws }, deliveries(steps), (rs, t) => ws.map((w) => sum(within(rs, t, w))), true);
    }),
    runs,
  );
});

test('property: trend equals a least-squares slope over the window', () => {
  fc.assert(
    fc.property(windowMs, fc.integer({ min: 0, max: 5 }), fc.array(step, { minLength: 1, maxLength: 60 }), (w, minReadings, steps) => {
      const slope = (rs: Reading[], t: number): number => {
        if (rs.length < Math.max(2, minReadings)) return NaN;
        const xs = rs.map((r) => (r.ts - t) / H);
        const mx = xs.reduce((a, b) => a + b) / xs.length;
        const my = rs.reduce((a, r) => a + r.value, 0) / rs.length;
        let sxy = 0;
        let sxx = 0;
        rs.forEach((r, i) => {
          sxy += (xs[i]! - mx) * (r.value - my);
          sxx += (xs[i]! - mx) ** 2;
        });
        return sxy / sxx;
      };
      check({ kind: 'trend', windowMs: w, minReadings }, deliveries(steps), (rs, t) => [slope(within(rs, t, w), t)], false);
    }),
    runs,
  );
});

test('property: window statistics, change and rate', () => {
  const stats = ['mean', 'min', 'max', 'change', 'rate'] as const;
  fc.assert(
    fc.property(fc.constantFrom(...stats), windowMs, fc.array(step, { minLength: 1, maxLength: 60 }), (stat, w, steps) => {
      const expected = (rs: Reading[], t: number): number[] => {
        const vs = within(rs, t, w).map((r) => r.value);
        const now = vs.at(-1)!;
        const before = rs.filter((r) => r.ts <= t - w).at(-1);
        switch (stat) {
          case 'mean':
            return [vs.reduce((a, b) => a + b) / vs.length];
          case 'min':
            return [Math.min(...vs)];
          case 'max':
            return [Math.max(...vs)];
          case 'change':
            return [before ? now - before.value : NaN];
          case 'rate':
            return [before ? (now - before.value) / ((t - before.ts) / H) : NaN];
        }
      };
      check({ kind: 'stat', stat, windowMs: w }, deliveries(steps), expected, stat !== 'mean');
    }),
    runs,
  );
});
