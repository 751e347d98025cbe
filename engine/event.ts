// A warning event from a lifecycle step: a deterministic id and the one line that explains it.
import { createHash } from 'node:crypto';
import type { Mode, Rule } from '../rules/rule.ts';
import { summarize } from './explain.ts';
import type { Station } from './station.ts';
import type { Tier } from './tiers.ts';
import type { Evidence, WarningEvent, WarningKind } from './warning.ts';

export interface EventArgs {
  rule: Rule;
  station: Station;
  /** The entity warned about: the station id, or a region code for a regional compound rule. */
  entity: string;
  kind: WarningKind;
  tier: Tier | null;
  previousTier: Tier | null;
  at: number;
  issuedAt: number;
  mode: Mode;
  evidence: Evidence;
  /** What the evidence values are: readings (default), slopes, sums. */
  label?: string;
  /** Unit of the evidence values. */
  unit: string;
}

export function buildEvent(a: EventArgs): WarningEvent {
  const { rule, station } = a;
  const place = `${station.name} (${station.id}${station.region && station.region !== station.id ? `, ${station.region}` : ''})`;
  return {
    id: createHash('sha256').update(`${rule.id}|${rule.hash}|${a.entity}|${a.kind}|${a.tier}|${a.at}`).digest('hex').slice(0, 20),
    kind: a.kind,
    rule: { id: rule.id, title: rule.title, hash: rule.hash },
    domain: rule.domain,
    entity: a.entity,
    station: { id: station.id, name: station.name, lon: station.lon, lat: station.lat, ...(station.region && { region: station.region }) },
    tier: a.tier,
    previousTier: a.previousTier,
    at: a.at,
    issuedAt: a.issuedAt,
    evidence: a.evidence,
    summary: summarize({
      kind: a.kind,
      tier: a.tier,
      previousTier: a.previousTier,
      title: rule.title,
      place,
      condition: a.evidence.condition,
      readings: a.evidence.readings,
      unit: a.unit,
      ...(a.label && { label: a.label }),
    }),
    ...(a.mode === 'emergency' && { mode: 'emergency' as const }),
  };
}
