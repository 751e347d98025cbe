// A compiled rule: the validated YAML with its expressions parsed, durations in ms, tiers ordered,
// and one variant per mode (平时 normal / 战时 emergency).
import type { Station } from '../engine/station.ts';
import type { Tier } from '../engine/tiers.ts';
import type { Expression } from './expression.ts';
import type { SignalSpec } from './window.ts';

export const MODES = ['normal', 'emergency'] as const;
export type Mode = (typeof MODES)[number];

export interface Match {
  metric: string;
  stations?: ReadonlySet<string>;
  tags?: readonly string[];
}

/** A series computed by a registered function from other metrics of the same station. */
export interface Derivation {
  function: string;
  /** Role name → input metric. */
  inputs: Record<string, string>;
  params: Record<string, Expression>;
}

/** One latch of the tier ladder: a tier's condition on one component of the rule's signal. */
export interface TierCondition {
  tier: Tier;
  op: 'above' | 'below';
  level: Expression;
  forMs: number;
  hysteresis: Expression;
  clearForMs: number;
  component: number;
}

export interface SeriesVariant {
  signal: SignalSpec;
  /** Lowest tier first. */
  conditions: TierCondition[];
}

export interface StaleTier {
  tier: Tier;
  afterMs?: number;
  /** Times the learned (or assumed) reporting interval. */
  missed?: number;
}

export interface StaleVariant {
  /** Lowest tier first. */
  tiers: StaleTier[];
  intervalMs?: number;
}

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { rule: string; atLeast: Tier }
  | { metric: string; domain: string; tags?: readonly string[]; op: 'above' | 'below'; level: Expression };

export interface CompoundVariant {
  /** Lowest tier first; with `by`, each tier's condition is `when` holding at that tier or above. */
  tiers: { tier: Tier; when: Condition; forMs: number; clearForMs: number }[];
  by?: 'max' | 'min';
}

export interface RuleOptions {
  holdMs: number;
  renotifyMs: number;
  inhibits: readonly string[];
  latenessMs: number;
}

interface Base {
  id: string;
  title: string;
  domain: string;
  description?: string;
  options: RuleOptions;
  /** Hash of the rule's definition: an edit gives a new hash, a comment or reformat does not. */
  hash: string;
  /** Where it was defined, for messages. */
  source: string;
}

export interface SeriesRule extends Base {
  kind: 'threshold' | 'trend' | 'stat' | 'accumulation';
  match: Match;
  derive?: Derivation;
  variants: Record<Mode, SeriesVariant>;
}

export interface StaleRule extends Base {
  kind: 'stale';
  match: Match;
  variants: Record<Mode, StaleVariant>;
}

export interface CompoundRule extends Base {
  kind: 'compound';
  scope: 'entity' | 'region';
  regionDigits: number;
  variants: Record<Mode, CompoundVariant>;
}

export type Rule = SeriesRule | StaleRule | CompoundRule;

/** Limits a reading must pass before any rule sees it; expressions resolve per station. */
export interface QualityGate {
  id: string;
  domain: string;
  match: Match;
  hard: { min?: Expression; max?: Expression };
  soft: { min?: Expression; max?: Expression };
  rate: { rise?: Expression; fall?: Expression };
  flatline?: { forMs: number; tolerance: number; flag: 'doubtful' | 'unreliable' };
  source: string;
}

export interface Silence {
  id: string;
  match: { rule?: string; domain?: string; entity?: string; region?: string };
  from: number;
  until: number;
  author: string;
  reason: string;
  source: string;
}

/** Whether a rule watches a station: listed by id (when ids are given) and carrying every tag. */
export const appliesTo = (match: Match, station: Station): boolean =>
  (!match.stations || match.stations.has(station.id)) && (!match.tags || match.tags.every((t) => station.tags.includes(t)));
