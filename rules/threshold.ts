// The threshold rule as a pure reducer. Each tier is a latch with its own dwell and hysteresis
// (per-level reset): it turns on when the value has reached the level for `for`, and off when the
// value has been past the clear level (level ∓ hysteresis) for the clear dwell. The rule's tier is
// the highest latch that is on. Event time only: the dwell is measured between readings' times.
import type { Tier } from '../engine/tiers.ts';
import type { Reading } from '../engine/warning.ts';

/** One tier's condition resolved for a station. */
export interface Level {
  tier: Tier;
  op: 'above' | 'below';
  level: number;
  /** The value past which the tier clears: level - hysteresis (above) or level + hysteresis (below). */
  clearLevel: number;
  forMs: number;
  clearForMs: number;
}

/** A run of readings that satisfy a latch's flip condition, not yet long enough to flip it. */
interface Run {
  from: Reading;
  extreme: Reading;
}

interface Latch {
  on: boolean;
  run?: Run;
}

export interface ThresholdState {
  /** Event time of the last reading applied. */
  lastTs: number;
  latches: Latch[];
}

export interface Decision {
  level: Level;
  /** True when the tier was reached, false when it cleared. */
  raised: boolean;
  /** Start of the run, its extreme, and the deciding reading (distinct times, in order). */
  readings: Reading[];
}

export type ThresholdStep =
  | { applied: true; state: ThresholdState; tier: Tier | null; decision?: Decision }
  | { applied: false; reason: 'late' | 'duplicate' };

export const initialThreshold = (levels: readonly Level[]): ThresholdState => ({
  // Not -Infinity: the state is checkpointed as JSON.
  lastTs: Number.MIN_SAFE_INTEGER,
  latches: levels.map(() => ({ on: false })),
});

const reaches = (l: Level, v: number): boolean => (l.op === 'above' ? v >= l.level : v <= l.level);
const clears = (l: Level, v: number): boolean => (l.op === 'above' ? v < l.clearLevel : v > l.clearLevel);

/** The more extreme reading in the direction the run is heading. */
function extreme(l: Level, raising: boolean, a: Reading, b: Reading): Reading {
  const upward = (l.op === 'above') === raising;
  return (upward ? b.value > a.value : b.value < a.value) ? b : a;
}

/** Index of the highest latch that is on, or -1. */
const top = (state: ThresholdState): number => state.latches.findLastIndex((l) => l.on);

export function stepThreshold(levels: readonly Level[], state: ThresholdState, r: Reading): ThresholdStep {
  if (r.ts < state.lastTs) return { applied: false, reason: 'late' };
  if (r.ts === state.lastTs) return { applied: false, reason: 'duplicate' };
  const flips: Decision[] = [];
  const latches = levels.map((l, i): Latch => {
    const latch = state.latches[i]!;
    const raising = !latch.on;
    if (!(raising ? reaches(l, r.value) : clears(l, r.value))) return latch.run ? { on: latch.on } : latch;
    const run = latch.run ? { from: latch.run.from, extreme: extreme(l, raising, latch.run.extreme, r) } : { from: r, extreme: r };
    // The same latch object when nothing changed in substance: callers checkpoint only real changes.
    if (r.ts - run.from.ts < (raising ? l.forMs : l.clearForMs)) return run.extreme === latch.run?.extreme ? latch : { on: latch.on, run };
    const readings = [run.from, run.extreme, r].filter((x, k, all) => k === 0 || x.ts !== all[k - 1]!.ts);
    flips[i] = { level: l, raised: raising, readings };
    return { on: raising };
  });
  const next = { lastTs: r.ts, latches };
  const before = top(state);
  const after = top(next);
  const tier = levels[after]?.tier ?? null;
  if (before === after) return { applied: true, state: next, tier };
  // Up: the new top latch has just turned on. Down: the old top latch has just turned off.
  return { applied: true, state: next, tier, decision: flips[Math.max(before, after)]! };
}
