// A warning event: what changed for one (rule, entity), and the evidence that decided it.
import type { Tier } from './tiers.ts';

export type WarningKind = 'issued' | 'upgraded' | 'downgraded' | 'lifted' | 'renotified';

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
  threshold?: number;
  /** Every tier's threshold at this station, so a reader sees the whole ladder. */
  thresholds?: Partial<Record<Tier, number>>;
  /** The values that decided it (readings, slopes, sums): where the run began, its extreme, the deciding one. */
  readings: Reading[];
  /** For a compound rule: each condition it read, with what it found. */
  members?: string[];
  /** For a geofence rule: the vessel's last fix (speed in knots) and the area it is in. */
  position?: { ts: number; lon: number; lat: number; speed?: number; course?: number };
  zone?: { id: string; name: string; kind: string };
}

/** Why an event is not to be disseminated: it is recorded and shown, but not sent. */
export interface Suppression {
  by: 'inhibition' | 'silence';
  /** The inhibiting rule or the silence. */
  id: string;
  reason: string;
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
  /** Set in emergency mode (战时), whose thresholds decided it. */
  mode?: 'emergency';
  suppressed?: Suppression;
  /** Issued, re-tiered or lifted by a forecaster rather than by the rule. */
  manual?: { by: string; reason: string };
}

export const warningSubject = (e: WarningEvent): string =>
  `warn.${e.domain}.${e.tier ?? 'none'}.${e.rule.id}.${e.entity}`;
