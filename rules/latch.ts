// The tier ladder every warning rule shares, as a pure reducer. A rule kind turns readings into a
// signal vector (the reading itself, a slope, one sum per window, 0/1 per compound condition); each
// level watches one component and is a latch with its own dwell and hysteresis (per-level reset):
// it turns on when its component has reached the level for `for`, and off when it has been past
// the clear level (level ∓ hysteresis) for the clear dwell. The rule's tier is the highest tier with
// a latch on. Event time only: dwells are measured between the signal's times. An unknown
// component (NaN: too few readings for a slope) neither raises nor clears, and breaks a run.
import { tierRank, type Tier } from '../engine/tiers.ts';
import type { Reading } from '../engine/warning.ts';

/** One latch: a tier's condition on one signal component, resolved for a station. */
export interface Level {
  tier: Tier;
  /** Which component of the signal it watches. */
  component: number;
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

export interface LadderState {
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

export type LadderStep =
  | { applied: true; state: LadderState; tier: Tier | null; decision?: Decision }
  | { applied: false; reason: 'late' | 'duplicate' };

export const initialLadder = (levels: readonly Level[]): LadderState => ({
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

/** The highest tier with a latch on, or null. Levels are ordered lowest tier first. */
export function topTier(levels: readonly Level[], state: LadderState): Tier | null {
  for (let i = state.latches.length - 1; i >= 0; i--) if (state.latches[i]!.on) return levels[i]!.tier;
  return null;
}

/** No latch moves on this signal: none is mid-dwell, none's condition flips. Most readings are so. */
export function quiet(levels: readonly Level[], state: LadderState, signal: readonly number[]): boolean {
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    const latch = state.latches[i]!;
    const value = signal[l.component]!;
    if (latch.run || (latch.on ? clears(l, value) : reaches(l, value))) return false;
  }
  return true;
}

/** `again`: a reading at the last ts re-decides with the new signal (additive series) instead of being a duplicate. */
export function stepLadder(levels: readonly Level[], state: LadderState, ts: number, signal: readonly number[], again = false): LadderStep {
  if (ts < state.lastTs) return { applied: false, reason: 'late' };
  if (ts === state.lastTs && !again) return { applied: false, reason: 'duplicate' };
  // Only the time moves: the same latches, no allocation per latch.
  if (quiet(levels, state, signal)) return { applied: true, state: { lastTs: ts, latches: state.latches }, tier: topTier(levels, state) };
  const flips: Decision[] = [];
  // A plain loop, and a reading object only for a latch whose condition holds: this runs for every
  // reading that moves some latch (or its dwell), which in a busy storm is still many.
  const latches: Latch[] = new Array<Latch>(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    const latch = state.latches[i]!;
    const value = signal[l.component]!;
    const raising = !latch.on;
    if (!(raising ? reaches(l, value) : clears(l, value))) {
      latches[i] = latch.run ? { on: latch.on } : latch;
      continue;
    }
    const r = { ts, value };
    const run = latch.run ? { from: latch.run.from, extreme: extreme(l, raising, latch.run.extreme, r) } : { from: r, extreme: r };
    // The same latch object when nothing changed in substance: callers checkpoint only real changes.
    if (ts - run.from.ts < (raising ? l.forMs : l.clearForMs)) {
      latches[i] = run.extreme === latch.run?.extreme ? latch : { on: latch.on, run };
      continue;
    }
    const readings = [run.from, run.extreme, r].filter((x, k, all) => k === 0 || x.ts !== all[k - 1]!.ts);
    flips[i] = { level: l, raised: raising, readings };
    latches[i] = { on: raising };
  }
  const next = { lastTs: ts, latches };
  const before = topTier(levels, state);
  const tier = topTier(levels, next);
  if (before === tier) return { applied: true, state: next, tier };
  // Up: a latch of the new tier has just turned on. Down: the old tier's last latch has just turned
  // off. Several latches of that tier may flip at once (two windows); the first one explains it.
  const deciding = tierRank(tier) > tierRank(before) ? tier : before;
  return { applied: true, state: next, tier, decision: flips.find((f) => f && f.level.tier === deciding)! };
}

/** Carry latches over to a new set of levels (a mode switch): same tier and component keep their state. */
export function realign(from: readonly Level[], state: LadderState, to: readonly Level[]): LadderState {
  const latches = to.map((l) => {
    const i = from.findIndex((f) => f.tier === l.tier && f.component === l.component);
    return i < 0 ? { on: false } : state.latches[i]!;
  });
  return { lastTs: state.lastTs, latches };
}
