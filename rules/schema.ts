// The YAML rule language. Strict objects: a misspelt field is an error, not ignored. One schema per
// kind; the loader picks it by `kind` (default `threshold`), so an error names the fields of that
// kind only. `ruleDocument` (all kinds) is what the JSON Schema for editors is generated from.
import { z } from 'zod';
import { parseDistance } from '../engine/distance.ts';
import { parseDuration } from '../engine/duration.ts';
import { TOKEN } from '../engine/observation.ts';
import { ZONE_KINDS } from '../stations/zones.ts';

const token = z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"');

export const duration = z.union([
  z.literal(0),
  z.string().refine((s) => parseDuration(s) !== undefined, { message: 'must be a duration such as 30s, 10m, 1h30m' }),
]);

/** A window length: a duration longer than zero. */
const window = z.string().refine((s) => (parseDuration(s) ?? 0) > 0, { message: 'must be a duration longer than zero, such as 30m or 1h' });

/** A number, or an expression over station parameters such as `station.warning_stage - 0.5`. */
const level = z.union([z.number(), z.string().min(1)]);

const tierName = z.enum(['blue', 'yellow', 'orange', 'red']);

const clear = z.strictObject({
  /** How far back past the threshold the value must go before the tier clears. */
  hysteresis: level.optional(),
  /** How long it must stay there. */
  for: duration.optional(),
});

const oneOf = (a: string, b: string) => (t: Record<string, unknown>) => (t[a] === undefined) !== (t[b] === undefined);

/** A tier that compares one number (a reading, a slope, a window statistic) with a level. */
const levelTier = z
  .strictObject({ above: level.optional(), below: level.optional(), for: duration.optional(), clear: clear.optional() })
  .refine(oneOf('above', 'below'), { message: 'give exactly one of "above" or "below"' });

/** A tier reached when any window's sum reaches its level, e.g. `above: { 1h: 35, 3h: 55 }`. */
const windowsTier = z.strictObject({
  above: z.record(z.string(), level).refine((m) => Object.keys(m).length > 0, { message: 'give a level for at least one window' }),
  for: duration.optional(),
  clear: clear.optional(),
});

/** Silence long enough to warn: a fixed time, or k times the learned reporting interval. */
const staleTier = z
  .strictObject({ after: duration.optional(), missed: z.number().positive().optional() })
  .refine(oneOf('after', 'missed'), { message: 'give exactly one of "after" (a duration) or "missed" (how many reports)' });

const tiersOf = <T extends z.ZodType>(tier: T) =>
  z
    .strictObject({ blue: tier.optional(), yellow: tier.optional(), orange: tier.optional(), red: tier.optional() })
    .refine((t) => Object.values(t).some(Boolean), { message: 'needs at least one of blue, yellow, orange, red' });

const match = z.strictObject({
  metric: token,
  stations: z.array(token).min(1).optional(),
  tags: z.array(z.string()).min(1).optional(),
  /** At least one of these tags, e.g. the vessel classes a port-return order covers. */
  any_tags: z.array(z.string()).min(1).optional(),
  /** Watch a series computed by a registered function from other metrics of the same station. */
  derive: z
    .strictObject({
      function: token,
      inputs: z.record(z.string(), token),
      params: z.record(z.string(), level).optional(),
    })
    .optional(),
});

/** Options every warning rule has. */
const common = {
  id: token,
  title: z.string().min(1),
  domain: token,
  description: z.string().optional(),
  /** Minimum time a tier is held before it may go down (or be lifted). */
  hold: duration.optional(),
  /** While a warning stays active, notify again this often. */
  renotify: duration.optional(),
  /** Rules whose warnings for the same entity this rule suppresses while it is at an equal or higher tier. */
  inhibits: z.array(token).min(1).optional(),
  /** How much older than the newest reading of its series a reading may arrive and still count. */
  lateness: duration.optional(),
};

/** Emergency (战时) blocks: any of the rule's evaluation fields, replacing the normal ones. */
const modes = <T extends z.ZodRawShape>(fields: T) =>
  z.strictObject({ emergency: z.strictObject(fields).partial() }).partial().optional();

const seriesFields = { tiers: tiersOf(levelTier), clear: clear.optional() };

export const thresholdRule = z.strictObject({
  ...common,
  kind: z.literal('threshold').optional(),
  match,
  ...seriesFields,
  modes: modes(seriesFields),
});

const trendFields = { ...seriesFields, window, min_readings: z.number().int().min(2).optional() };
export const trendRule = z.strictObject({ ...common, kind: z.literal('trend'), match, ...trendFields, modes: modes(trendFields) });

const statFields = { ...seriesFields, stat: z.enum(['mean', 'min', 'max', 'change', 'rate']), window };
export const statRule = z.strictObject({ ...common, kind: z.literal('stat'), match, ...statFields, modes: modes(statFields) });

const accumulationFields = { windows: z.array(window).min(1), tiers: tiersOf(windowsTier), clear: clear.optional() };
export const accumulationRule = z.strictObject({
  ...common,
  kind: z.literal('accumulation'),
  match,
  ...accumulationFields,
  modes: modes(accumulationFields),
});

const staleFields = {
  tiers: tiersOf(staleTier),
  /** The reporting interval assumed until one is learned from the series (needed by `missed`). */
  interval: duration.optional(),
};
export const staleRule = z.strictObject({ ...common, kind: z.literal('stale'), match, ...staleFields, modes: modes(staleFields) });

/** A distance: metres as a number, or text such as 200m, 1.5km, 2nmi. */
export const distance = z.union([
  z.number().nonnegative(),
  z.string().refine((s) => parseDistance(s) !== undefined, { message: 'must be a distance such as 200m, 1.5km or 2nmi (or metres as a number)' }),
]);

const zoneKind = z.enum(ZONE_KINDS);

/** Which areas a geofence rule watches: zones of the registry by kind or id, or moving hazards (a typhoon's wind circle). */
const zonesSpec = z
  .strictObject({
    kinds: z.array(zoneKind).min(1).optional(),
    ids: z.array(token).min(1).optional(),
    /** Circles from the latest observation of each station of a domain/metric: centre = position, radius = value in km. */
    hazard: z.strictObject({ domain: token, metric: token }).optional(),
  })
  .refine((z) => (z.hazard === undefined) !== (z.kinds === undefined && z.ids === undefined), { message: 'give "kinds" and/or "ids" (registry zones), or "hazard" (moving circles)' });

const geofenceFields = {
  /** inside / outside the zones; enter / exit: the same, once the vessel has been seen on the other side. */
  condition: z.enum(['enter', 'exit', 'inside', 'outside']),
  /** Hysteresis at the boundary: inside from the edge in, outside only past the edge plus the buffer. */
  buffer: distance.optional(),
  /** A speed band in knots the vessel must also be in (e.g. loitering: below 2). */
  speed: z
    .strictObject({ above: z.number().nonnegative().optional(), below: z.number().positive().optional() })
    .refine((s) => s.above !== undefined || s.below !== undefined, { message: 'give "above" and/or "below" (knots)' })
    .optional(),
  /** Each tier: how long the condition must have held. */
  tiers: tiersOf(z.strictObject({ for: duration.optional() })),
  clear: z.strictObject({ for: duration.optional() }).optional(),
};
export const geofenceRule = z.strictObject({
  ...common,
  kind: z.literal('geofence'),
  match,
  zones: zonesSpec,
  ...geofenceFields,
  /** Not while the vessel is inside one of these registry zones (a vessel sheltering in port is not at risk from the gale circle). */
  except: z
    .strictObject({ kinds: z.array(zoneKind).min(1).optional(), ids: z.array(token).min(1).optional() })
    .refine((e) => e.kinds !== undefined || e.ids !== undefined, { message: 'give "kinds" and/or "ids"' })
    .optional(),
  /** Only while another rule has a warning in force at or above a tier, from `deadline` after it first did (typhoon port return). */
  while: z.strictObject({ rule: token, at_least: tierName.optional(), deadline: duration.optional() }).optional(),
  modes: modes(geofenceFields),
});

export interface ConditionSpec {
  all?: ConditionSpec[];
  any?: ConditionSpec[];
  not?: ConditionSpec;
  rule?: string;
  at_least?: z.infer<typeof tierName>;
  metric?: string;
  domain?: string;
  tags?: string[];
  above?: number | string;
  below?: number | string;
}

/** all / any / not over other rules' tiers and over the latest readings of series. */
export const condition: z.ZodType<ConditionSpec> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(condition).min(1) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ not: condition }),
    z.strictObject({ rule: token, at_least: tierName.optional() }),
    z
      .strictObject({ metric: token, domain: token.optional(), tags: z.array(z.string()).min(1).optional(), above: level.optional(), below: level.optional() })
      .refine(oneOf('above', 'below'), { message: 'give exactly one of "above" or "below"' }),
  ]),
);

const compoundTier = z.strictObject({ when: condition, for: duration.optional(), clear: z.strictObject({ for: duration.optional() }).optional() });
const compoundFields = {
  /** An explicit table: each tier's own condition. */
  tiers: tiersOf(compoundTier).optional(),
  /** Or one condition whose tier is the highest (max) or lowest (min) tier of the rules it names. */
  when: condition.optional(),
  tier: z.enum(['max', 'min']).optional(),
  for: duration.optional(),
  clear: z.strictObject({ for: duration.optional() }).optional(),
};
export const compoundRule = z
  .strictObject({
    ...common,
    kind: z.literal('compound'),
    /** Combine the rules' warnings for the same entity, or for every station of a region. */
    scope: z.enum(['entity', 'region']).default('entity'),
    /** Region: how many digits of the GB/T 2260 code group stations (2 province, 4 city, 6 county). */
    region_digits: z.union([z.literal(2), z.literal(4), z.literal(6)]).optional(),
    ...compoundFields,
    modes: modes(compoundFields),
  })
  .refine((r) => (r.tiers === undefined) !== (r.when === undefined), { message: 'give either "tiers" (a table) or "when" with "tier: max|min"' });

const bounds = z.strictObject({ min: level.optional(), max: level.optional() });
/** Validation before any rule (as in Delft-FEWS): hard and soft limits, rate of change, flatline. */
export const qualityGate = z.strictObject({
  id: token,
  kind: z.literal('quality'),
  domain: token,
  description: z.string().optional(),
  match: match.omit({ derive: true }),
  /** Outside: impossible, flagged unreliable. */
  hard: bounds.optional(),
  /** Outside: suspicious, flagged doubtful. */
  soft: bounds.optional(),
  /** Largest believable rise and fall, in units per hour; faster is flagged unreliable. */
  rate: z.strictObject({ rise: level.optional(), fall: level.optional() }).optional(),
  /** The same reading (within tolerance) for this long is flagged (doubtful unless told). */
  flatline: z
    .strictObject({ for: duration, tolerance: z.number().nonnegative().optional(), flag: z.enum(['doubtful', 'unreliable']).optional() })
    .optional(),
});

const instant = z.iso.datetime({ offset: true });
/** A time-bounded mute of matching warnings, with who and why. Red is never muted. */
export const silence = z.strictObject({
  id: token,
  kind: z.literal('silence'),
  match: z
    .strictObject({ rule: token.optional(), domain: token.optional(), entity: token.optional(), region: z.string().optional() })
    .refine((m) => Object.values(m).some((v) => v !== undefined), { message: 'give at least one of rule, domain, entity, region' }),
  from: instant,
  until: instant,
  author: z.string().min(1),
  reason: z.string().min(1),
});

export const SCHEMAS = {
  threshold: thresholdRule,
  trend: trendRule,
  stat: statRule,
  accumulation: accumulationRule,
  stale: staleRule,
  compound: compoundRule,
  geofence: geofenceRule,
  quality: qualityGate,
  silence,
} as const;

export type Kind = keyof typeof SCHEMAS;
export type Spec<K extends Kind = Kind> = z.output<(typeof SCHEMAS)[K]>;
export type WarningKindSpec = Exclude<Kind, 'quality' | 'silence'>;

/** Any one document of a rule file; what editors validate against. */
export const ruleDocument = z.union(Object.values(SCHEMAS));
export const ruleFile = z.union([ruleDocument, z.strictObject({ rules: z.array(ruleDocument) })]);
