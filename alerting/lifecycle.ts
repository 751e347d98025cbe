// The warning lifecycle of one (rule, entity) as a pure reducer:
// none → issued at a tier → upgraded / downgraded → lifted.
import { tierRank, type Tier } from '../engine/tiers.ts';
import type { WarningKind } from '../engine/warning.ts';

export interface LifecycleState {
  tier: Tier | null;
  /** When the current episode was issued; absent when no warning is active. */
  issuedAt?: number;
}

export const idle: LifecycleState = { tier: null };

export interface LifecycleStep {
  state: LifecycleState;
  /** What happened, or undefined when the proposed tier is the current one. */
  kind?: WarningKind;
}

/** Apply the tier a rule proposes at event time `at`. */
export function stepLifecycle(state: LifecycleState, tier: Tier | null, at: number): LifecycleStep {
  if (tier === state.tier) return { state };
  if (tier === null) return { state: idle, kind: 'lifted' };
  if (state.tier === null) return { state: { tier, issuedAt: at }, kind: 'issued' };
  return { state: { ...state, tier }, kind: tierRank(tier) > tierRank(state.tier) ? 'upgraded' : 'downgraded' };
}
