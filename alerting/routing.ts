// Routing policies in YAML, a tree like Alertmanager's: a warning event walks the routes in order;
// a matching route hands it to its children, and applies itself when none of them matches;
// `continue: true` lets the next sibling match too. A route names its targets (channel × group,
// people or speakers of the area, an endpoint), whether a forecaster must approve public channels
// at some tiers, and who is called next when nobody acknowledges.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../engine/duration.ts';
import { tierRank, TIERS } from '../engine/tiers.ts';
import type { WarningEvent } from '../engine/warning.ts';
import { YamlFile, type LocatedError } from '../engine/yaml-file.ts';
import { covers, type Contact, type Contacts } from './contacts.ts';

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (e.g. 30s, 10m, 4h)` });
  return ms ?? 0;
});
const list = <T extends z.ZodType>(t: T) => z.union([t, z.array(t)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
const tier = z.enum(TIERS);

const match = z.strictObject({
  domains: list(z.string()).optional(),
  rules: list(z.string()).optional(),
  tiers: list(tier).optional(),
  min_tier: tier.optional(),
  /** GB/T 2260 code prefixes: "3501" matches every area of Fuzhou. */
  regions: list(z.string().regex(/^\d{2,6}$/)).optional(),
  /** Any of these station tags. */
  tags: list(z.string()).optional(),
});

const target = z.union([
  z.strictObject({ channel: z.string(), group: z.string() }),
  z.strictObject({ channel: z.string(), people: z.literal('region') }),
  z.strictObject({ channel: z.string(), speakers: z.union([z.enum(['region', 'port', 'all']), z.array(z.string())]) }),
  z.strictObject({ channel: z.string(), endpoint: z.string() }),
]);

const approval = z.strictObject({
  /** The channels that wait for approval (the public ones). */
  channels: z.array(z.string()).min(1),
  min_tier: tier.default('orange'),
  /** The group asked to approve, and the channel they are asked on (they answer through the API, CLI or NATS). */
  approvers: z.string(),
  notify: z.string(),
  /** Approve by itself after this long when the warning is still rising (not lowered or lifted, last value above the first). */
  auto_approve_after: duration.optional(),
});

const escalation = z.strictObject({
  /** Nobody of the route's people acknowledged within this → the next group of the ladder is called. */
  ack_within: duration,
  ladder: z.array(z.string()).min(1),
  channel: z.string(),
  min_tier: tier.default('orange'),
});

const route = z.strictObject({
  name: z.string().optional(),
  match: match.default({}),
  to: z.array(target).default([]),
  approval: approval.optional(),
  escalation: escalation.optional(),
  group_wait: duration.optional(),
  repeat_interval: duration.optional(),
  continue: z.boolean().default(false),
  get routes(): z.ZodDefault<z.ZodArray<typeof route>> {
    return z.array(route).default([]);
  },
});
type RouteSpec = z.output<typeof route>;

const routesFile = z.strictObject({
  /** Events for one recipient and channel within this are sent as one message. */
  group_wait: duration.default(30_000),
  /** A warning still in force is sent again to a recipient no more often than this. */
  repeat_interval: duration.default(4 * 3_600_000),
  /** Attempts on a channel before the delivery fails (and goes to the channel's fallback). */
  max_attempts: z.number().int().positive().default(3),
  /** channel → the channel tried when it has failed max_attempts times. */
  fallback: z.record(z.string(), z.string()).default({}),
  routes: z.array(route).min(1),
});

type Match = z.output<typeof match>;
type Target = z.output<typeof target>;
export type Approval = z.output<typeof approval>;
export type Escalation = z.output<typeof escalation>;

export interface Route {
  name: string;
  match: Match;
  to: Target[];
  approval?: Approval;
  escalation?: Escalation;
  groupWaitMs: number;
  repeatMs: number;
  continue: boolean;
  routes: Route[];
}

export interface Routing {
  routes: Route[];
  maxAttempts: number;
  fallback: Record<string, string>;
}

/** What a route's walk gives for one event: where it goes and under what conditions. */
export interface RouteTarget {
  route: Route;
  channel: string;
  contacts: Contact[];
}

/** What a warning event is matched on besides itself: its station's tags. */
export type TagsOf = (station: string) => readonly string[];

export function matches(m: Match, e: WarningEvent, tags: readonly string[]): boolean {
  const t = e.tier ?? e.previousTier;
  if (m.domains && !m.domains.includes(e.domain)) return false;
  if (m.rules && !m.rules.includes(e.rule.id)) return false;
  if (m.tiers && (t === null || !m.tiers.includes(t))) return false;
  if (m.min_tier && tierRank(t) < tierRank(m.min_tier)) return false;
  if (m.regions && !m.regions.some((r) => e.station.region?.startsWith(r))) return false;
  if (m.tags && !m.tags.some((x) => tags.includes(x))) return false;
  return true;
}

/** The routes that apply to an event, in order (Alertmanager's walk). */
export function walk(routes: readonly Route[], e: WarningEvent, tags: readonly string[]): Route[] {
  const found: Route[] = [];
  for (const r of routes) {
    if (!matches(r.match, e, tags)) continue;
    const below = walk(r.routes, e, tags);
    found.push(...(below.length > 0 ? below : [r]));
    if (!r.continue) break;
  }
  return found;
}

/** The port a warning is about: the zone it is in when that is a port, else the vessel's home port. */
function portOf(e: WarningEvent, tags: readonly string[]): string | undefined {
  if (e.evidence.zone?.kind === 'port') return e.evidence.zone.id;
  return tags.find((t) => t.startsWith('port:'))?.slice(5);
}

/** The contacts a target names for this event. */
export function recipients(t: Target, e: WarningEvent, tags: readonly string[], c: Contacts): Contact[] {
  if ('group' in t) return c.groups.get(t.group) ?? [];
  if ('people' in t) return [...c.people.values()].filter((p) => covers(p, e.station.region));
  if ('endpoint' in t) return [c.endpoints.get(t.endpoint)].filter((x) => x !== undefined);
  const all = [...c.speakers.values()];
  if (Array.isArray(t.speakers)) return t.speakers.flatMap((s) => c.speakers.get(s) ?? []);
  if (t.speakers === 'all') return all;
  if (t.speakers === 'region') return all.filter((s) => covers(s, e.station.region));
  const port = portOf(e, tags);
  return port === undefined ? [] : all.filter((s) => s.port === port);
}

export function routeTargets(routing: Routing, e: WarningEvent, tags: readonly string[], contacts: Contacts): RouteTarget[] {
  return walk(routing.routes, e, tags).flatMap((route) =>
    route.to.map((t) => ({ route, channel: t.channel, contacts: recipients(t, e, tags, contacts) })),
  );
}

function toRoute(r: RouteSpec, path: string, defaults: { groupWaitMs: number; repeatMs: number }): Route {
  const groupWaitMs = r.group_wait ?? defaults.groupWaitMs;
  const repeatMs = r.repeat_interval ?? defaults.repeatMs;
  return {
    name: r.name ?? path,
    match: r.match,
    to: r.to,
    ...(r.approval && { approval: r.approval }),
    ...(r.escalation && { escalation: r.escalation }),
    groupWaitMs,
    repeatMs,
    continue: r.continue,
    routes: r.routes.map((c, i) => toRoute(c, `${path}.${i}`, { groupWaitMs, repeatMs })),
  };
}

/** Parse a routes file and check every name it uses against the contacts and the channels configured. */
export function parseRouting(file: string, text: string, contacts: Contacts, channels: readonly string[]): { routing?: Routing; errors: LocatedError[] } {
  const doc = new YamlFile(file, text);
  const { value, errors } = doc.validate(routesFile);
  if (!value) return { errors };
  const check = (path: (string | number)[], ok: boolean, message: string): void => {
    if (!ok) errors.push(doc.error(path, message));
  };
  const known = (ch: string): boolean => channels.includes(ch);
  const visit = (rs: RouteSpec[], path: (string | number)[]): void =>
    rs.forEach((r, i) => {
      const at = [...path, i];
      r.to.forEach((t, j) => {
        check([...at, 'to', j, 'channel'], known(t.channel), `no channel "${t.channel}" is configured (have: ${channels.join(', ') || 'none'})`);
        if ('group' in t) check([...at, 'to', j, 'group'], contacts.groups.has(t.group), `no group "${t.group}" in the contacts`);
        if ('endpoint' in t) check([...at, 'to', j, 'endpoint'], contacts.endpoints.has(t.endpoint), `no endpoint "${t.endpoint}" in the contacts`);
        if ('speakers' in t && Array.isArray(t.speakers)) t.speakers.forEach((s, k) => check([...at, 'to', j, 'speakers', k], contacts.speakers.has(s), `no speaker "${s}" in the contacts`));
      });
      if (r.approval) {
        check([...at, 'approval', 'approvers'], contacts.groups.has(r.approval.approvers), `no group "${r.approval.approvers}" in the contacts`);
        check([...at, 'approval', 'notify'], known(r.approval.notify), `no channel "${r.approval.notify}" is configured`);
        r.approval.channels.forEach((ch, k) => check([...at, 'approval', 'channels', k], known(ch), `no channel "${ch}" is configured`));
      }
      if (r.escalation) {
        r.escalation.ladder.forEach((g, k) => check([...at, 'escalation', 'ladder', k], contacts.groups.has(g), `no group "${g}" in the contacts`));
        check([...at, 'escalation', 'channel'], known(r.escalation.channel), `no channel "${r.escalation.channel}" is configured`);
      }
      visit(r.routes, [...at, 'routes']);
    });
  visit(value.routes, ['routes']);
  for (const [from, to] of Object.entries(value.fallback)) {
    check(['fallback', from], known(from) && known(to), `fallback ${from} → ${to}: both channels must be configured`);
  }
  if (errors.length > 0) return { errors };
  const defaults = { groupWaitMs: value.group_wait, repeatMs: value.repeat_interval };
  return {
    routing: { routes: value.routes.map((r, i) => toRoute(r, `routes.${i}`, defaults)), maxAttempts: value.max_attempts, fallback: value.fallback },
    errors: [],
  };
}

export function loadRouting(path: string, contacts: Contacts, channels: readonly string[]): { routing?: Routing; errors: LocatedError[] } {
  return parseRouting(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'), contacts, channels);
}
