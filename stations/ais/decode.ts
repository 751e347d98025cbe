// One complete AIS payload (all fragments joined) and its fill bits to a typed message.
//
// Which code reads what (ggencoder 1.0.10 was checked against published vectors, see decode.test.ts):
// - ggencoder: every field of types 1, 2, 3, 5, 18, 19 and 24 except those below.
// - our bit reader (armor.ts): payload validation and exact length (ggencoder skips fill bits, reads
//   past the end as zeros, and marks a bad character only by `valid: false` with no reason), the
//   type and type-24 part number (to check the length before decoding), the position accuracy bit
//   (ggencoder does not decode it) and the type 5 AIS version.
// - fields.ts: ROT in degrees per minute (ggencoder gives the raw indicator) and every
//   not-available code (ggencoder returns them as numbers, and drops a whole report's position,
//   lon and lat alike, when either is not available).
import { unarmor, type Bits } from './armor.ts';
import { ggDecode } from './gg.ts';
import type { AisMessage } from './message.ts';
import { classAPosition, classBPosition } from './position.ts';
import { classBStatic, voyageData } from './static-data.ts';

export type { AisClassBStatic, AisEta, AisMessage, AisPosition, AisStatic, AisVoyageData } from './message.ts';

/** `unsupported`: a valid message of a type we do not decode (the caller may skip it quietly). */
export type DecodeResult = { ok: true; message: AisMessage } | { ok: false; reason: string; kind: 'invalid' | 'unsupported' };

const invalid = (reason: string): DecodeResult => ({ ok: false, reason, kind: 'invalid' });

/**
 * Shortest payload, in bits, that holds every field we read. Longer payloads are accepted (the
 * extra bits are ignored). Type 5 is 424 bits, but many transponders send 420 or 422 (gpsd
 * accepts them too); at 420 the destination's last character is cut short and left out.
 */
function minBits(type: number, bits: Bits): number {
  switch (type) {
    case 5:
      return 420;
    case 19:
      return 312;
    case 24:
      return bits.length >= 40 && bits.uint(38, 2) === 0 ? 160 : 168;
    default:
      return 168;
  }
}

const HANDLED = new Set([1, 2, 3, 5, 18, 19, 24]);

export function decodePayload(payload: string, fillBits: number): DecodeResult {
  const un = unarmor(payload, fillBits);
  if (!un.ok) return invalid(un.reason);
  const bits = un.bits;
  if (bits.length < 6) return invalid(`payload is ${bits.length} bits, too short to hold a message type`);
  const type = bits.uint(0, 6);
  if (type === 0 || type > 27) return invalid(`AIS message type ${type} does not exist`);
  if (!HANDLED.has(type)) return { ok: false, reason: `AIS message type ${type} is not handled`, kind: 'unsupported' };
  const min = minBits(type, bits);
  if (bits.length < min) return invalid(`AIS message type ${type} needs at least ${min} bits, this payload has ${bits.length}`);

  const gg = ggDecode(payload, fillBits);
  // ggencoder cuts its `mmsi` string to the last nine digits; a 30-bit field can hold ten.
  if (gg.immsi > 999_999_999) return invalid(`MMSI ${gg.immsi} has more than nine digits`);
  const mmsi = String(gg.immsi).padStart(9, '0');

  switch (type) {
    case 1:
    case 2:
    case 3:
      return { ok: true, message: classAPosition(gg, bits, type, mmsi) };
    case 18:
    case 19:
      return { ok: true, message: classBPosition(gg, bits, type, mmsi) };
    case 5:
      // ggencoder decodes nothing for version 3 ("future editions", whose layout may differ).
      if (bits.uint(38, 2) === 3) return invalid('type 5 from an AIS version 3 (future edition) station is not decoded');
      return { ok: true, message: voyageData(gg, mmsi) };
    default: {
      const part = bits.uint(38, 2);
      if (part > 1) return invalid(`type 24 part number ${part} is not defined (0 is part A, 1 is part B)`);
      return { ok: true, message: classBStatic(gg, part === 0 ? 'A' : 'B', mmsi) };
    }
  }
}
