// A warning event: what changed for one (rule, entity), and the evidence that decided it.
import type { Tier } from './tiers.ts';

export type WarningKind = 'issued' | 'upgraded' | 'downgraded' | 'lifted';

export interface Reading {
  ts: number;
  value: number;
}

export interface Evidence {
  metric: string;
  unit?: string;
  /** The condition in words, with the rule's expression and its value at this station. */
  condition: string;
  /** The threshold (or clear level) that decided this event, resolved for the station. */
  threshold: number;
  /** Every tier's threshold at this station, so a reader sees the whole ladder. */
  thresholds: Partial<Record<Tier, number>>;
  /** The readings that decided it: where the run began, its extreme, and the deciding one. */
  readings: Reading[];
}

export interface WarningEvent {
  /** Deterministic from rule, entity, kind and time: replays and redeliveries give the same id. */
  id: string;
  kind: WarningKind;
  rule: { id: string; title: string; hash: string };
  domain: string;
  /** The thing warned about; for station rules, the station id. */
  entity: string;
  station: { id: string; name: string; region?: string; lon: number; lat: number };
  /** The tier after this event; null once lifted. */
  tier: Tier | null;
  previousTier: Tier | null;
  /** Event time of the deciding observation. */
  at: number;
  /** When this warning episode was first issued. */
  issuedAt: number;
  evidence: Evidence;
  /** One readable line that explains the event on its own. */
  summary: string;
}

export const warningSubject = (e: WarningEvent): string =>
  `warn.${e.domain}.${e.tier ?? 'none'}.${e.rule.id}.${e.entity}`;
