// How a warning event maps onto CAP's coded info fields, as small tables a reader can check at a
// glance. The wording of what to do is the instruction's (the templates'); these codes only let a
// machine sort and route.
import { TIER_INFO, type Tier } from '../../engine/tiers.ts';
import type { WarningEvent, WarningKind } from '../../engine/warning.ts';

export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapCategory = 'Geo' | 'Met' | 'Safety' | 'Security' | 'Rescue' | 'Fire' | 'Health' | 'Env' | 'Transport' | 'Infra' | 'CBRNE' | 'Other';
export type CapResponseType = 'Shelter' | 'Evacuate' | 'Prepare' | 'Execute' | 'Avoid' | 'Monitor' | 'Assess' | 'AllClear' | 'None';
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past';
export type CapCertainty = 'Observed' | 'Likely';

export const MSG_TYPES: Record<WarningKind, CapMsgType> = {
  issued: 'Alert',
  upgraded: 'Update',
  downgraded: 'Update',
  renotified: 'Update',
  // GB/T 35965.1 lifts (解除) a warning with Cancel.
  lifted: 'Cancel',
};

/** By rule domain; CAP's Met covers floods, and storm surge and typhoons are weather. */
const CATEGORIES: Record<string, CapCategory[]> = {
  hydrology: ['Met'],
  tide: ['Met'],
  typhoon: ['Met'],
  fire: ['Fire'],
  vessel: ['Transport', 'Safety'],
  fleet: ['Safety'],
};

export const categoriesOf = (domain: string): CapCategory[] => CATEGORIES[domain] ?? ['Other'];

/**
 * Red is Execute, not Evacuate: it calls for the pre-planned Level I response, and whether that means
 * evacuating is for the plan and the instruction to say, not an automatic code. Vessels are told to
 * keep away (Avoid) from the zone or the gale circle before that.
 */
const RESPONSES: Record<Tier, CapResponseType> = { blue: 'Monitor', yellow: 'Prepare', orange: 'Prepare', red: 'Execute' };
const DOMAIN_RESPONSES: Record<string, Record<Tier, CapResponseType>> = {
  vessel: { blue: 'Monitor', yellow: 'Avoid', orange: 'Avoid', red: 'Execute' },
};

const URGENCIES: Record<Tier, CapUrgency> = { blue: 'Future', yellow: 'Expected', orange: 'Immediate', red: 'Immediate' };

/** A forecast rule (by its id or metric) warns of what is likely, not of what was measured. */
const isForecast = (e: WarningEvent): boolean => /forecast|predicted/i.test(`${e.rule.id} ${e.evidence.metric}`);

export interface InfoCodes {
  categories: CapCategory[];
  responseType: CapResponseType;
  urgency: CapUrgency;
  severity: string;
  certainty: CapCertainty;
}

/** The codes of `event`; a lift (tier null) is an all-clear: past, minor, observed. */
export function infoCodes(event: WarningEvent): InfoCodes {
  const categories = categoriesOf(event.domain);
  const tier = event.tier;
  if (tier === null) return { categories, responseType: 'AllClear', urgency: 'Past', severity: 'Minor', certainty: 'Observed' };
  return {
    categories,
    responseType: (DOMAIN_RESPONSES[event.domain] ?? RESPONSES)[tier],
    urgency: URGENCIES[tier],
    severity: TIER_INFO[tier].severity,
    certainty: isForecast(event) ? 'Likely' : 'Observed',
  };
}
