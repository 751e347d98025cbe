// A compiled rule: the validated YAML with its expressions parsed, durations in ms, tiers ordered.
import type { Station } from '../engine/station.ts';
import type { Tier } from '../engine/tiers.ts';
import type { Expression } from './expression.ts';

export interface TierCondition {
  tier: Tier;
  op: 'above' | 'below';
  level: Expression;
  forMs: number;
  hysteresis: Expression;
  clearForMs: number;
}

export interface Rule {
  id: string;
  title: string;
  kind: 'threshold';
  domain: string;
  description?: string;
  match: { metric: string; stations?: ReadonlySet<string>; tags?: readonly string[] };
  /** Lowest tier first. */
  tiers: TierCondition[];
  /** Hash of the rule's definition: an edit gives a new hash, a comment or reformat does not. */
  hash: string;
  /** Where it was defined, for messages. */
  source: string;
}

/** Whether a rule watches a station: listed by id (when ids are given) and carrying every tag. */
export const appliesTo = (rule: Rule, station: Station): boolean =>
  (!rule.match.stations || rule.match.stations.has(station.id)) && (!rule.match.tags || rule.match.tags.every((t) => station.tags.includes(t)));
