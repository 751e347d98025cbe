// Quality gates before any rule, as in Delft-FEWS: hard limits and an impossible rate of change
// make a reading unreliable (it is stored, never evaluated); soft limits and a flatline make it
// doubtful (evaluated, and said so). A pure reducer per series.
import type { Quality } from './observation.ts';
import type { Reading } from './warning.ts';

/** A gate resolved for one station: numbers, rates in units per hour. */
export interface Limits {
  hardMin?: number;
  hardMax?: number;
  softMin?: number;
  softMax?: number;
  rise?: number;
  fall?: number;
  flatline?: { forMs: number; tolerance: number; flag: 'doubtful' | 'unreliable' };
}

export interface QualityState {
  /** The last reading that passed the hard checks: the base for the rate check. */
  last?: Reading;
  /** Where the current run of the same reading began. */
  flatFrom?: Reading;
}

export interface QualityResult {
  quality: Quality;
  reasons: string[];
  state: QualityState;
}

const RANK: Record<Quality, number> = { reliable: 0, doubtful: 1, unreliable: 2, missing: 3 };
const num = (v: number): string => String(Number(v.toFixed(3)));

/** Lower the result's flag to `q` if that is worse, and say why. A module function, not a closure
 *  per reading: this runs for every observation. */
function flag(out: QualityResult, q: Quality, reason: string): void {
  if (RANK[q] > RANK[out.quality]) out.quality = q;
  out.reasons.push(reason);
}

export function checkQuality(limits: Limits, state: QualityState, r: Reading, incoming: Quality = 'reliable'): QualityResult {
  // One result object, filled in place: this runs for every observation, and most pass clean.
  const out: QualityResult = { quality: incoming, reasons: [], state };
  const v = r.value;
  if (limits.hardMin !== undefined && v < limits.hardMin) flag(out, 'unreliable', `${num(v)} is below the hard minimum ${num(limits.hardMin)}`);
  if (limits.hardMax !== undefined && v > limits.hardMax) flag(out, 'unreliable', `${num(v)} is above the hard maximum ${num(limits.hardMax)}`);
  if (limits.softMin !== undefined && v < limits.softMin) flag(out, 'doubtful', `${num(v)} is below the soft minimum ${num(limits.softMin)}`);
  if (limits.softMax !== undefined && v > limits.softMax) flag(out, 'doubtful', `${num(v)} is above the soft maximum ${num(limits.softMax)}`);
  // Rate and flatline compare with earlier readings; an out-of-order one is checked on limits only.
  const { last, flatFrom } = state;
  if (last && r.ts <= last.ts) return out;
  if (last) {
    const perHour = ((v - last.value) * 3_600_000) / (r.ts - last.ts);
    if (limits.rise !== undefined && perHour > limits.rise) flag(out, 'unreliable', `rose ${num(perHour)}/h, faster than the limit ${num(limits.rise)}/h`);
    if (limits.fall !== undefined && -perHour > limits.fall) flag(out, 'unreliable', `fell ${num(-perHour)}/h, faster than the limit ${num(limits.fall)}/h`);
  }
  if (RANK[out.quality] >= RANK.unreliable) return out;
  const f = limits.flatline;
  const same = f && flatFrom && Math.abs(v - flatFrom.value) <= f.tolerance;
  const from = same ? flatFrom : r;
  if (f && same && r.ts - from.ts >= f.forMs) flag(out, f.flag, `the same reading ${num(from.value)} since ${new Date(from.ts).toISOString()}`);
  out.state = { last: r, flatFrom: from };
  return out;
}
