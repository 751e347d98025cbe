// The observation's wire shape. The zod schema is the definition and gives every rejection its
// reason; readWire is a hand-written check of the common, well-formed case that builds the same
// value without zod's cost (a third of the engine's decoding time). Anything it is unsure of it
// leaves to the schema, and a test holds the two to the same answers.
import { z } from 'zod';
import { QUALITIES, TOKEN, type Quality } from './observation.ts';

const token = z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"');

/** ISO 8601 with an explicit offset (a reading without one is ambiguous), or epoch milliseconds. */
const timestamp = z.union([
  z.number().int().nonnegative(),
  z.string().refine((s) => /(Z|[+-]\d\d:?\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be ISO 8601 with an offset (e.g. 2026-07-01T08:00:00+08:00) or epoch milliseconds',
  }),
]);

const finite = z.number().finite();

export const wire = z
  .object({
    domain: token.optional(),
    station: token.optional(),
    metric: token.optional(),
    ts: timestamp,
    value: finite.optional(),
    position: z
      .object({
        lon: finite.min(-180).max(180),
        lat: finite.min(-90).max(90),
        speed: finite.nonnegative().optional(),
        course: finite.min(0).max(360).optional(),
      })
      .optional(),
    unit: z.string().max(32).optional(),
    quality: z.enum(QUALITIES).default('reliable'),
    source: z.string().max(128).optional(),
  })
  .refine((o) => o.value !== undefined || o.position !== undefined, { message: 'needs a value or a position' });

export type Wire = z.infer<typeof wire>;

const KEYS = new Set(['domain', 'station', 'metric', 'ts', 'value', 'position', 'unit', 'quality', 'source']);
const POSITION_KEYS = new Set(['lon', 'lat', 'speed', 'course']);
const QUALITY_SET: ReadonlySet<unknown> = new Set(QUALITIES);

const isToken = (v: unknown): boolean => v === undefined || (typeof v === 'string' && TOKEN.test(v));
const isText = (v: unknown, max: number): boolean => v === undefined || (typeof v === 'string' && v.length <= max);
const isIn = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

function readPosition(p: unknown): Wire['position'] | null {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
  for (const k in p) if (!POSITION_KEYS.has(k)) return null;
  const { lon, lat, speed, course } = p as Record<string, unknown>;
  if (!isIn(lon, -180, 180) || !isIn(lat, -90, 90)) return null;
  if (speed !== undefined && !isIn(speed, 0, Infinity)) return null;
  if (course !== undefined && !isIn(course, 0, 360)) return null;
  const position: NonNullable<Wire['position']> = { lon, lat };
  if (speed !== undefined) position.speed = speed;
  if (course !== undefined) position.course = course;
  return position;
}

/** The wire value of a well-formed message in its usual shape, or undefined: then ask the schema. */
export function readWire(json: unknown): Wire | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  for (const k in json) if (!KEYS.has(k)) return undefined;
  const o = json as Record<string, unknown>;
  const { ts, value, quality = 'reliable' } = o;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) return undefined;
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) return undefined;
  if (!isToken(o.domain) || !isToken(o.station) || !isToken(o.metric)) return undefined;
  if (!isText(o.unit, 32) || !isText(o.source, 128) || !QUALITY_SET.has(quality)) return undefined;
  const position = o.position === undefined ? undefined : readPosition(o.position);
  if (position === null || (value === undefined && position === undefined)) return undefined;
  const w: Wire = { ts, quality: quality as Quality };
  for (const k of ['domain', 'station', 'metric', 'unit', 'source'] as const) if (o[k] !== undefined) w[k] = o[k] as string;
  if (value !== undefined) w.value = value;
  if (position !== undefined) w.position = position;
  return w;
}
