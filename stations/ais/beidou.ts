// Beidou fishing-terminal reports in the three forms terminals and their gateways send: a JSON fix,
// a JSON envelope around an RMC sentence, or a bare RMC sentence whose terminal id the caller knows
// (e.g. from the NATS subject). Never throws: a bad report comes back with a plain reason.
import { z } from 'zod';
import { TOKEN } from '../../engine/observation.ts';
import { parseRmc } from './rmc.ts';

export interface TerminalFix {
  terminal: string;
  ts: number;
  lon: number;
  lat: number;
  /** Knots. */
  speed?: number;
  course?: number;
}

export type BeidouResult = { ok: true; fix: TerminalFix } | { ok: false; reason: string };

const terminalId = z.string().regex(TOKEN, 'terminal id must be letters, digits, "-" or "_"');
const finite = z.number().finite();

/** ISO 8601 with an offset (a time without one is ambiguous), or epoch ms (seconds would land in 1970). */
const timestamp = z.union([
  z.number().int().min(1e11, 'epoch milliseconds expected (this looks like seconds)'),
  z.string().refine((s) => /^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:?\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be ISO 8601 with an offset (e.g. 2026-09-10T08:00:00+08:00) or epoch milliseconds',
  }),
]);

// Unknown keys (altitude, satellites, battery...) are ignored, not errors.
const fixJson = z.object({
  terminal: terminalId.optional(),
  ts: timestamp,
  lon: finite.min(-180).max(180),
  lat: finite.min(-90).max(90),
  speed: finite.nonnegative().optional(),
  course: finite.min(0).max(360).optional(),
});

const envelopeJson = z.object({ terminal: terminalId.optional(), nmea: z.string() });

function describe(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function parseBeidou(text: string, terminal?: string): BeidouResult {
  try {
    if (terminal !== undefined && !TOKEN.test(terminal)) return { ok: false, reason: `terminal id "${terminal}" must be letters, digits, "-" or "_"` };
    const body = String(text).trim();
    if (body.startsWith('$')) return fromRmc(body, terminal);
    if (!body.startsWith('{')) return { ok: false, reason: 'neither a JSON object nor an RMC sentence' };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (e) {
      return { ok: false, reason: `not valid JSON: ${(e as Error).message}` };
    }
    if (json !== null && typeof json === 'object' && 'nmea' in json) {
      const env = envelopeJson.safeParse(json);
      if (!env.success) return { ok: false, reason: describe(env.error) };
      const who = pick(env.data.terminal, terminal);
      return typeof who === 'object' ? who : fromRmc(env.data.nmea, who);
    }
    const fix = fixJson.safeParse(json);
    if (!fix.success) return { ok: false, reason: describe(fix.error) };
    const who = pick(fix.data.terminal, terminal);
    if (typeof who === 'object') return who;
    const { ts, lon, lat, speed, course } = fix.data;
    const out: TerminalFix = { terminal: who, ts: typeof ts === 'number' ? ts : Date.parse(ts), lon, lat };
    if (speed !== undefined) out.speed = speed;
    if (course !== undefined) out.course = course % 360;
    return { ok: true, fix: out };
  } catch (e) {
    return { ok: false, reason: `internal error reading this report: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The body's terminal id and the caller's must agree; one of them is needed. */
function pick(inBody: string | undefined, given: string | undefined): string | { ok: false; reason: string } {
  if (inBody !== undefined && given !== undefined && inBody !== given) return { ok: false, reason: `terminal "${inBody}" in the report contradicts "${given}"` };
  const who = inBody ?? given;
  return who ?? { ok: false, reason: 'no terminal id, in the report or from the caller' };
}

function fromRmc(line: string, terminal: string | undefined): BeidouResult {
  if (terminal === undefined) return { ok: false, reason: 'an RMC sentence needs the terminal id from the caller' };
  const r = parseRmc(line);
  return r.ok ? { ok: true, fix: { terminal, ...r.fix } } : r;
}
