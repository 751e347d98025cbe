// The warning lifecycle of one (rule, entity) as a pure reducer:
// none → issued at a tier → upgraded / downgraded → lifted, with a minimum hold before any step
// down and periodic renotification while a warning stays in force.
import { tierRank, type Tier } from '../engine/tiers.ts';
import type { WarningKind } from '../engine/warning.ts';

export interface LifecycleState {
  tier: Tier | null;
  /** When the current episode was issued; absent when no warning is active. */
  issuedAt?: number;
  /** When the current tier was reached. */
  since?: number;
  /** When the last notification (issue, change, renotification) went out. */
  notifiedAt?: number;
  /** When the rule first proposed a lower tier while the hold kept the current one. */
  pendingAt?: number;
}

export const idle: LifecycleState = { tier: null };

export interface LifecycleStep {
  state: LifecycleState;
  /** What happened, or undefined when nothing is announced. */
  kind?: WarningKind;
  /** The event time of what happened: a step down deferred by the hold takes effect when the hold ends. */
  at?: number;
}

/** Apply the tier a rule proposes at event time `at`; a step down waits until `holdMs` after the tier was reached. */
export function stepLifecycle(state: LifecycleState, tier: Tier | null, at: number, holdMs = 0): LifecycleStep {
  if (tier === state.tier) return state.pendingAt === undefined ? { state } : { state: withoutPending(state) };
  const down = tierRank(tier) < tierRank(state.tier);
  if (down && at - state.since! < holdMs) return { state: state.pendingAt === undefined ? { ...state, pendingAt: at } : state };
  const when = down && state.pendingAt !== undefined ? Math.max(state.pendingAt, state.since! + holdMs) : at;
  if (tier === null) return { state: idle, kind: 'lifted', at: when };
  if (state.tier === null) return { state: { tier, issuedAt: when, since: when, notifiedAt: when }, kind: 'issued', at: when };
  return { state: { tier, issuedAt: state.issuedAt!, since: when, notifiedAt: when }, kind: down ? 'downgraded' : 'upgraded', at: when };
}

/** When a step down held back is due: the hold has ended. */
export const holdEnds = (state: LifecycleState, holdMs: number): number | undefined =>
  state.pendingAt === undefined ? undefined : state.since! + holdMs;

/** A renotification due by clock time `now`: the latest multiple of the interval since the last notice. */
export function renotify(state: LifecycleState, now: number, everyMs: number): LifecycleStep {
  if (state.tier === null || everyMs <= 0 || now - state.notifiedAt! < everyMs) return { state };
  const at = state.notifiedAt! + Math.floor((now - state.notifiedAt!) / everyMs) * everyMs;
  return { state: { ...state, notifiedAt: at }, kind: 'renotified', at };
}

function withoutPending(state: LifecycleState): LifecycleState {
  const { pendingAt: _, ...rest } = state;
  return rest;
}
