// Tests only: build AIS payloads bit by bit and wrap them in sentences with valid checksums, for
// values no published vector has (ROT ±127, not-available codes, corrupt lengths).
import { hex2, nmeaChecksum } from './nmea.ts';

export class BitWriter {
  private s = '';
  u(value: number, width: number): this {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** width) throw new RangeError(`${value} does not fit ${width} unsigned bits`);
    this.s += value.toString(2).padStart(width, '0');
    return this;
  }
  i(value: number, width: number): this {
    return this.u(value < 0 ? 2 ** width + value : value, width);
  }
  /** Six-bit ASCII, padded with '@'. */
  text(value: string, chars: number): this {
    for (const ch of value.padEnd(chars, '@').slice(0, chars)) {
      const c = ch.charCodeAt(0);
      this.u(c >= 64 ? c - 64 : c, 6);
    }
    return this;
  }
  padTo(width: number): this {
    this.s = this.s.padEnd(width, '0');
    return this;
  }
  get bits(): string {
    return this.s;
  }
}

export function armor(bits: string): { payload: string; fill: number } {
  const fill = (6 - (bits.length % 6)) % 6;
  const padded = bits.padEnd(bits.length + fill, '0');
  let payload = '';
  for (let i = 0; i < padded.length; i += 6) {
    const v = parseInt(padded.slice(i, i + 6), 2);
    payload += String.fromCharCode(v < 40 ? v + 0x30 : v + 0x38);
  }
  return { payload, fill };
}

/** `start` + body + `*hh`, the checksum made right. */
export function withChecksum(start: '!' | '$', body: string): string {
  return `${start}${body}*${hex2(nmeaChecksum(body)).slice(2)}`;
}

export interface VdmOpts {
  total?: number;
  num?: number;
  seq?: string;
  channel?: string;
  address?: string;
}

export function vdm(payload: string, fill: number, o: VdmOpts = {}): string {
  return withChecksum('!', `${o.address ?? 'AIVDM'},${o.total ?? 1},${o.num ?? 1},${o.seq ?? ''},${o.channel ?? 'A'},${payload},${fill}`);
}

export interface ClassAFields {
  type?: number;
  mmsi?: number;
  nav?: number;
  rot?: number;
  sog?: number;
  accuracy?: number;
  lon?: number;
  lat?: number;
  cog?: number;
  heading?: number;
  second?: number;
}

/** A 168-bit type 1/2/3 payload from raw field values (lon/lat in 1/10000 minute). */
export function classAPayload(f: ClassAFields = {}): { payload: string; fill: number } {
  const w = new BitWriter()
    .u(f.type ?? 1, 6)
    .u(0, 2)
    .u(f.mmsi ?? 412000001, 30)
    .u(f.nav ?? 0, 4)
    .i(f.rot ?? 0, 8)
    .u(f.sog ?? 0, 10)
    .u(f.accuracy ?? 0, 1)
    .i(f.lon ?? 0, 28)
    .i(f.lat ?? 0, 27)
    .u(f.cog ?? 0, 12)
    .u(f.heading ?? 0, 9)
    .u(f.second ?? 0, 6)
    .padTo(168);
  return armor(w.bits);
}
