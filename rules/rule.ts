// A compiled rule: the validated YAML with its expressions parsed, durations in ms, tiers ordered,
// and one variant per mode (平时 normal / 战时 emergency).
import type { Station } from '../engine/station.ts';
import type { Tier } from '../engine/tiers.ts';
import type { ZoneKind } from '../stations/zones.ts';
import type { Expression } from './expression.ts';
import type { SignalSpec } from './window.ts';

export const MODES = ['normal', 'emergency'] as const;
export type Mode = (typeof MODES)[number];

export interface Match {
  metric: string;
  stations?: ReadonlySet<string>;
  tags?: readonly string[];
  /** At least one of these (e.g. vessel classes). */
  anyTags?: readonly string[];
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

export type GeofenceCondition = 'enter' | 'exit' | 'inside' | 'outside';

export interface GeofenceVariant {
  condition: GeofenceCondition;
  bufferM: number;
  /** Knots. */
  speed?: { above?: number; below?: number };
  /** Lowest tier first: how long the condition must have held for each. */
  tiers: { tier: Tier; forMs: number }[];
  clearForMs: number;
}

export interface ZoneSelection {
  kinds?: readonly ZoneKind[];
  ids?: ReadonlySet<string>;
  /** Moving circles: the latest reading of each station of this domain/metric (position = centre, value = radius, km). */
  hazard?: { domain: string; metric: string };
}

export interface GeofenceRule extends Base {
  kind: 'geofence';
  match: Match;
  zones: ZoneSelection;
  /** Zones where the condition does not hold whatever the watched areas say (a port, for the gale circle). */
  except?: ZoneSelection;
  /** In force only while rule `rule` has a warning at `atLeast` or above, from `deadlineMs` after it first had. */
  while?: { rule: string; atLeast: Tier; deadlineMs: number };
  variants: Record<Mode, GeofenceVariant>;
}

export type Rule = SeriesRule | StaleRule | CompoundRule | GeofenceRule;

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

/** Whether a rule watches a station: listed by id (when ids are given), carrying every tag and one of the any-tags. */
export const appliesTo = (match: Match, station: Station): boolean =>
  (!match.stations || match.stations.has(station.id)) &&
  (!match.tags || match.tags.every((t) => station.tags.includes(t))) &&
  (!match.anyTags || match.anyTags.some((t) => station.tags.includes(t)));
