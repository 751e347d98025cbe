// The ggencoder AIS decoder, wrapped: it is handed one already-reassembled, already-validated
// payload as a synthetic single sentence, because its own multipart handling throws without a
// session object and holds only one message in flight (interleaved type 5s would be mixed up).
import { createRequire } from 'node:module';
import { nmeaChecksum } from './nmea.ts';

/** The fields ggencoder 1.0.10 sets (lib/GG-AisDecode.js); raw scaled values, not-available codes included. */
export interface GgAis {
  valid: boolean;
  error: string;
  aistype: number;
  /** MMSI as a number (its `mmsi` string is cut to the last 9 digits, so it is not used). */
  immsi: number;
  navstatus?: number;
  /** Only set when both are within range: a 181/91 "not available" position leaves both out. */
  lon?: number;
  lat?: number;
  /** Raw ROT indicator (-128..127), not degrees per minute. */
  rot?: number;
  sog?: number;
  cog?: number;
  hdg?: number;
  utc?: number;
  shipname?: string;
  callsign?: string;
  cargo?: number;
  dimA?: number;
  dimB?: number;
  dimC?: number;
  dimD?: number;
  imo?: number;
  draught?: number;
  destination?: string;
  etaMo?: number;
  etaDay?: number;
  etaHr?: number;
  etaMin?: number;
  part?: number;
  mothership?: string;
}

type AisDecodeCtor = new (input: string, session?: object) => GgAis;

const require = createRequire(import.meta.url);
const { AisDecode } = require('ggencoder') as { AisDecode: AisDecodeCtor };

export function ggDecode(payload: string, fillBits: number): GgAis {
  const body = `AIVDM,1,1,,A,${payload},${fillBits}`;
  return new AisDecode(`!${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`);
}
