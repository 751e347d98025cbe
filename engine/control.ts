// Operator requests to a running engine, the same over NATS request/reply and HTTP: read and
// switch the mode (平时 normal / 战时 emergency, recorded with who and why), list active warnings
// and the rules in force. Requests are validated; a bad one gets a clear error, never a crash.
import { z } from 'zod';
import { MODES } from '../rules/rule.ts';
import { comingHighWaters } from '../stations/high-waters.ts';
import type { Evaluator } from './evaluator.ts';
import type { EngineControl } from './pipeline.ts';

export const CONTROL_SUBJECTS = {
  mode: 'seed.mode.get',
  setMode: 'seed.mode.set',
  active: 'seed.warnings.active',
  rules: 'seed.rules.list',
  /** A tide station's coming high waters, with the forecast from the surge observed now. */
  highWaters: 'seed.tides.high-waters',
  /** Where a geofence rule stands: for a port-return order, who is still out. */
  fleet: 'seed.fleet.standing',
  /** Published when a changed rule set is rejected: file:line:column errors. */
  ruleErrors: 'seed.rules.errors',
} as const;

const modeRequest = z.strictObject({ mode: z.enum(MODES), by: z.string().min(1), reason: z.string().min(1) });

export type ControlReply = { ok: true; [k: string]: unknown } | { ok: false; error: string };

export interface Controls {
  evaluator: Evaluator;
  control: EngineControl;
  /** The engine's clock (simulated in the demo). Default Date.now. */
  clock?: () => number;
}

function getMode({ evaluator }: Controls): ControlReply {
  return { ok: true, mode: evaluator.currentMode };
}

async function setMode({ evaluator, control }: Controls, body: unknown): Promise<ControlReply> {
  const parsed = modeRequest.safeParse(body);
  if (!parsed.success) return badRequest('{"mode": "normal"|"emergency", "by": "<who>", "reason": "<why>"}', parsed.error);
  const { mode, by, reason } = parsed.data;
  const before = evaluator.currentMode;
  await control.setMode(mode, by, reason);
  return { ok: true, mode, previous: before };
}

const activeWarnings = ({ evaluator }: Controls): ControlReply => ({ ok: true, active: evaluator.active() });

const listRules = ({ evaluator }: Controls): ControlReply => ({
  ok: true,
  rules: evaluator.rules.map((r) => ({ id: r.id, kind: r.kind, domain: r.domain, hash: r.hash, source: r.source })),
});

const highWatersRequest = z.strictObject({
  station: z.string().min(1),
  /** How far ahead, hours (query strings give text, hence the coercion). */
  hours: z.coerce.number().positive().max(24 * 31).default(48),
});

/** The station's high waters from now (the engine's clock) on, with the surge of its latest level reading. */
function highWaters({ evaluator, clock = Date.now }: Controls, body: unknown): ControlReply {
  const parsed = highWatersRequest.safeParse(body);
  if (!parsed.success) return badRequest('{"station": "<tide station id>", "hours": <1..744>}', parsed.error);
  const { station: id, hours } = parsed.data;
  const station = evaluator.station(id);
  if (!station?.harmonics) return { ok: false, error: station ? `station ${id} has no harmonic constants` : `no station "${id}"` };
  const level = evaluator.latestReading(`${station.domain}.${id}.level`);
  return { ok: true, ...comingHighWaters(station, clock(), hours, level) };
}

const fleetRequest = z.strictObject({ rule: z.string().min(1).default('typhoon-port-return') });

/** A geofence rule's standing over the fleet: in force or not, the deadline, and every vessel it holds for. */
function fleetStanding({ evaluator }: Controls, body: unknown): ControlReply {
  const parsed = fleetRequest.safeParse(body);
  if (!parsed.success) return badRequest('{"rule": "<geofence rule id>"}', parsed.error);
  const standing = evaluator.fleetStanding(parsed.data.rule);
  return standing ? { ok: true, ...standing } : { ok: false, error: `no geofence rule "${parsed.data.rule}"` };
}

/** One operator request, the same over NATS (its subject) and HTTP (its route, e.g. `GET /mode`). */
export interface Handler {
  subject: string;
  route: string;
  handle: (body: unknown) => ControlReply | Promise<ControlReply>;
}

export const engineHandlers = (c: Controls): Handler[] => [
  { subject: CONTROL_SUBJECTS.mode, route: 'GET /mode', handle: () => getMode(c) },
  { subject: CONTROL_SUBJECTS.setMode, route: 'POST /mode', handle: (body) => setMode(c, body) },
  { subject: CONTROL_SUBJECTS.active, route: 'GET /warnings/active', handle: () => activeWarnings(c) },
  { subject: CONTROL_SUBJECTS.rules, route: 'GET /rules', handle: () => listRules(c) },
  { subject: CONTROL_SUBJECTS.highWaters, route: 'GET /tides/high-waters', handle: (body) => highWaters(c, body) },
  { subject: CONTROL_SUBJECTS.fleet, route: 'GET /fleet/standing', handle: (body) => fleetStanding(c, body) },
];

/** A zod failure as one line: what was expected, and each issue with its path. */
export const badRequest = (expected: string, error: z.ZodError): ControlReply => ({
  ok: false,
  error: `expected ${expected}: ${error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
});

/** JSON text → value, or a reply saying what is wrong with it. */
export function parseBody(text: string): { body?: unknown; error?: ControlReply } {
  try {
    return { body: text.trim() ? (JSON.parse(text) as unknown) : {} };
  } catch (e) {
    return { error: { ok: false, error: `body is not JSON: ${e instanceof Error ? e.message : String(e)}` } };
  }
}
