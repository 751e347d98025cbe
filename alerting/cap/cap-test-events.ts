// Test support: warning events, zones and texts for the CAP tests, all at fixed times so every
// identifier and date is known in advance.
import type { Tier } from '../../engine/tiers.ts';
import type { Evidence, WarningEvent, WarningKind } from '../../engine/warning.ts';
import type { Zone } from '../../stations/zones.ts';
import type { CapText } from './cap-message.ts';

/** 14:05:00 in China. */
export const T0 = Date.parse('2026-07-28T06:05:00Z');
export const MIN = 60_000;

export const STATION = { id: 'H01', name: '闽侯水文站', region: '350122', lon: 119.13, lat: 26.15 };
export const VESSEL = { id: 'V0412', name: '闽连渔05678', region: '350122', lon: 119.6, lat: 26.3 };

const RULES: Record<string, { id: string; title: string; domain: string; metric: string; unit: string }> = {
  river: { id: 'river-stage', title: '河道水位超警 River above warning stage', domain: 'hydrology', metric: 'level', unit: 'm' },
  surge: { id: 'surge-forecast-12h', title: 'Storm surge forecast, next 12 hours', domain: 'tide', metric: 'forecast_12h', unit: 'm' },
  nofish: { id: 'no-fishing-area', title: '渔船在禁渔区内作业 Fishing in a no-fishing area', domain: 'vessel', metric: 'position', unit: '' },
  gale: { id: 'typhoon-gale-circle', title: '渔船处于台风七级风圈内 Vessel inside the typhoon gale circle', domain: 'vessel', metric: 'position', unit: '' },
  online: { id: 'fleet-online-rate', title: 'Fleet online rate below target', domain: 'fleet', metric: 'online_rate', unit: '%' },
};
export type RuleName = keyof typeof RULES;

/** A no-fishing zone of two squares, the first with an island (a hole) in it. */
export const HOLED_ZONE: Zone = {
  id: 'nf-1',
  name: '南麂禁渔区',
  kind: 'no-fishing',
  region: '330300',
  geometry: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [[122.2, 28.0], [122.3, 28.0], [122.3, 28.1], [122.2, 28.1], [122.2, 28.0]],
        [[122.24, 28.04], [122.24, 28.06], [122.26, 28.06], [122.26, 28.04], [122.24, 28.04]],
      ],
      [[[122.5, 28.0], [122.6, 28.0], [122.6, 28.1], [122.5, 28.1], [122.5, 28.0]]],
    ],
  },
  bbox: [122.2, 28.0, 122.6, 28.1],
  properties: {},
};

export interface EventSpec {
  rule: RuleName;
  kind: WarningKind;
  tier: Tier | null;
  previousTier?: Tier | null;
  /** Minutes after T0. */
  minute?: number;
  /** Minutes after T0 the episode was issued (default: the event's own minute). */
  issuedMinute?: number;
  /** A vessel event with a fix (and the zone it is in). */
  position?: boolean;
  zone?: Zone;
  noRegion?: boolean;
}

export function warningEvent(s: EventSpec): WarningEvent {
  const rule = RULES[s.rule]!;
  const at = T0 + (s.minute ?? 0) * MIN;
  const vessel = rule.domain === 'vessel';
  const { region, ...place } = vessel ? VESSEL : STATION;
  const evidence: Evidence = {
    metric: rule.metric,
    unit: rule.unit,
    condition: `${rule.metric} above its tier threshold`,
    threshold: 7.5,
    thresholds: { blue: 7, yellow: 7.5, orange: 8, red: 9 },
    readings: [{ ts: at - 10 * MIN, value: 7.2 }, { ts: at, value: 7.61 }],
    ...(s.position && { position: { ts: at, lon: 122.55, lat: 28.05, speed: 2.5 } }),
    ...(s.zone && { zone: { id: s.zone.id, name: s.zone.name, kind: s.zone.kind } }),
  };
  const entity = place.id;
  return {
    id: `${rule.id}|${entity}|${s.kind}|${s.tier}|${at}`,
    kind: s.kind,
    rule: { id: rule.id, title: rule.title, hash: 'a1b2c3d4' },
    domain: rule.domain,
    entity,
    station: { ...place, ...(!s.noRegion && { region }) },
    tier: s.tier,
    previousTier: s.previousTier ?? null,
    at,
    issuedAt: T0 + (s.issuedMinute ?? s.minute ?? 0) * MIN,
    evidence,
    summary: `${s.kind} ${s.tier ?? 'none'}: ${rule.title} at ${place.name}`,
  };
}

export const textsFor = (e: WarningEvent): CapText[] => [
  { lang: 'zh-CN', headline: `${e.station.name}${e.rule.title}`, description: `${e.station.name}发布预警。`, instruction: '请注意防范。' },
  { lang: 'en-US', headline: `${e.rule.title} at ${e.station.name}`, description: `Warning for ${e.station.name}.`, instruction: 'Take care.' },
];
