// Event-time sliding windows over one series: the signal vector a rule's tiers compare with their
// levels. A window of W at time t is (t - W, t]: a reading exactly W old has already left it.
// Nothing reads a clock, so a replay gives the same signals.
import { linearRegression } from 'simple-statistics';
import type { Reading } from '../engine/warning.ts';

export type SignalSpec =
  | { kind: 'value' }
  | { kind: 'trend'; windowMs: number; minReadings: number }
  | { kind: 'accumulation'; windowsMs: number[] }
  | { kind: 'stat'; stat: 'mean' | 'min' | 'max' | 'change' | 'rate'; windowMs: number };

export interface SignalTracker {
  /** Add a reading newer than every reading so far; returns the signal vector at r.ts. */
  push(r: Reading): number[];
  /** Add a reading older than the newest one (out of order, within the caller's lateness): it amends the window for later pushes; no signal. A reading whose ts equals one already held is ignored. */
  insert(r: Reading): void;
}

const HOUR_MS = 3_600_000;

// Increments are summed as integer micro-units: integer adds and subtracts are exact (below 2^53,
// about 9e9 units), where a float running sum drifts as readings enter and leave.
const MICRO = 1e6;
const micro = (v: number): number => Math.round(v * MICRO);

/** Readings in time order in two parallel arrays. Those before `head` are gone; the arrays are cut
 *  once they are half dead, so forgetting a reading costs O(1) amortised, with no shift() each. */
class Series {
  readonly ts: number[] = [];
  readonly vs: number[] = [];
  head = 0;

  append(r: Reading): void {
    this.ts.push(r.ts);
    this.vs.push(r.value);
  }

  /** Put a late reading in its place, searching from the newest end (it is late by little);
   *  false when that ts is already held, unless readings at one ts add up (`additive`). */
  insert(r: Reading, additive = false): boolean {
    let i = this.ts.length;
    while (i > this.head && this.ts[i - 1]! > r.ts) i--;
    if (!additive && i > this.head && this.ts[i - 1] === r.ts) return false;
    this.ts.splice(i, 0, r.ts);
    this.vs.splice(i, 0, r.value);
    return true;
  }

  /** Forget the readings before index i; returns how far the remaining indices moved down. */
  dropBefore(i: number): number {
    this.head = i;
    if (i * 2 < this.ts.length) return 0;
    this.ts.splice(0, i);
    this.vs.splice(0, i);
    this.head = 0;
    return i;
  }

  /** Forget the readings at or before `bound`, but keep the latest of them when `keepOne`;
   *  returns whether one was kept (it is then at head). */
  trim(bound: number, keepOne: boolean): boolean {
    let i = this.head;
    while (i < this.ts.length && this.ts[i]! <= bound) i++;
    const kept = keepOne && i > this.head;
    this.dropBefore(kept ? i - 1 : i);
    return kept;
  }
}

/**
 * `additive`: several readings at one ts are parts of one total (a village's rain from its
 * gauges), all kept; otherwise a second reading at a held ts is a duplicate. Accumulation only.
 */
export function createTracker(spec: SignalSpec, additive = false): SignalTracker {
  const windows = spec.kind === 'value' ? [] : spec.kind === 'accumulation' ? spec.windowsMs : [spec.windowMs];
  // An empty window would give a mean of NaN and a min of Infinity instead of a signal.
  if (windows.some((w) => !(w > 0 && Number.isFinite(w)))) throw new RangeError(`${spec.kind}: windows must be positive durations`);
  switch (spec.kind) {
    case 'value':
      return { push: (r) => [r.value], insert: () => {} };
    case 'trend':
      return trend(spec.windowMs, Math.max(2, spec.minReadings));
    case 'accumulation':
      return accumulation(spec.windowsMs, additive);
    case 'stat':
      return stat(spec.stat, spec.windowMs);
  }
}

function trend(windowMs: number, minReadings: number): SignalTracker {
  const s = new Series();
  return {
    push(r) {
      s.append(r);
      s.trim(r.ts - windowMs, false);
      if (s.ts.length - s.head < minReadings) return [NaN];
      // x in hours before t, not since the epoch: centring ~5e5 h would cost about six digits.
      const points: number[][] = [];
      for (let i = s.head; i < s.ts.length; i++) points.push([(s.ts[i]! - r.ts) / HOUR_MS, s.vs[i]!]);
      return [linearRegression(points).m];
    },
    // The next push trims whatever the window no longer needs.
    insert: (r) => void s.insert(r),
  };
}

function accumulation(windowsMs: readonly number[], additive: boolean): SignalTracker {
  const s = new Series();
  // Per window: index of its oldest reading, and the sum of its readings in micro-units.
  let starts = windowsMs.map(() => 0);
  const sums = windowsMs.map(() => 0);
  let newest = 0;

  /** Slide every window to end at t, subtracting what leaves it; each reading leaves a window once. */
  function slide(t: number): number[] {
    const out = windowsMs.map((w, k) => {
      let i = starts[k]!;
      let sum = sums[k]!;
      for (; i < s.ts.length && s.ts[i]! <= t - w; i++) sum -= micro(s.vs[i]!);
      starts[k] = i;
      sums[k] = sum;
      return sum / MICRO;
    });
    // The longest window starts first; nothing before it can enter a window again.
    const moved = s.dropBefore(Math.min(...starts));
    if (moved) starts = starts.map((i) => i - moved);
    return out;
  }

  return {
    push(r) {
      s.append(r);
      const m = micro(r.value);
      for (let k = 0; k < sums.length; k++) sums[k]! += m;
      newest = r.ts;
      return slide(r.ts);
    },
    insert(r) {
      if (!s.insert(r, additive)) return;
      // Late readings are rare: rebuild every window from all held readings, then slide to the newest.
      let all = 0;
      for (let i = s.head; i < s.ts.length; i++) all += micro(s.vs[i]!);
      starts.fill(s.head);
      sums.fill(all);
      slide(newest);
    },
  };
}

function stat(kind: 'mean' | 'min' | 'max' | 'change' | 'rate', windowMs: number): SignalTracker {
  const s = new Series();
  // Change and rate are measured from the latest reading at or before t - W: keep that one too.
  const keepOlder = kind === 'change' || kind === 'rate';
  return {
    push(r) {
      s.append(r);
      const older = s.trim(r.ts - windowMs, keepOlder);
      if (keepOlder) {
        if (!older) return [NaN];
        const change = r.value - s.vs[s.head]!;
        return [kind === 'change' ? change : change / ((r.ts - s.ts[s.head]!) / HOUR_MS)];
      }
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = s.head; i < s.vs.length; i++) {
        const v = s.vs[i]!;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return [kind === 'mean' ? sum / (s.vs.length - s.head) : kind === 'min' ? min : max];
    },
    insert: (r) => void s.insert(r),
  };
}
