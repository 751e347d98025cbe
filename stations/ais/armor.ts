// The AIS 6-bit payload armour: validation, the exact bit length (fill bits removed) and a small bit
// reader for the few fields ggencoder does not give us (see decode.ts for which).

export class Bits {
  /** One 0/1 per payload bit, fill bits already dropped. */
  readonly bits: Uint8Array;
  constructor(bits: Uint8Array) {
    this.bits = bits;
  }
  get length(): number {
    return this.bits.length;
  }
  /** Unsigned big-endian field; callers check `length` first (reading past the end is a bug, so it throws). */
  uint(start: number, width: number): number {
    if (start < 0 || width < 1 || width > 32 || start + width > this.bits.length) {
      throw new RangeError(`bits ${start}..${start + width - 1} are outside a ${this.bits.length}-bit payload`);
    }
    let v = 0;
    // Multiplication, not <<, so a 32-bit field stays positive.
    for (let i = start; i < start + width; i++) v = v * 2 + this.bits[i]!;
    return v;
  }
  /** Two's complement signed field. */
  int(start: number, width: number): number {
    const u = this.uint(start, width);
    return u >= 2 ** (width - 1) ? u - 2 ** width : u;
  }
}

export type UnarmorResult = { ok: true; bits: Bits } | { ok: false; reason: string };

/** Payload characters are '0'..'W' and '`'..'w'; each carries six bits. */
export function sixBit(ch: number): number {
  if (ch >= 0x30 && ch <= 0x57) return ch - 0x30;
  if (ch >= 0x60 && ch <= 0x77) return ch - 0x38;
  return -1;
}

export function unarmor(payload: string, fillBits: number): UnarmorResult {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 5) return { ok: false, reason: `fill bits must be 0 to 5, not ${fillBits}` };
  if (payload.length === 0) return { ok: false, reason: 'empty payload' };
  const bad = checkArmor(payload);
  if (bad) return { ok: false, reason: bad };
  const total = payload.length * 6 - fillBits;
  const bits = new Uint8Array(total);
  for (let i = 0; i < payload.length; i++) {
    const v = sixBit(payload.charCodeAt(i));
    for (let b = 0; b < 6; b++) {
      const at = i * 6 + b;
      if (at < total) bits[at] = (v >> (5 - b)) & 1;
    }
  }
  return { ok: true, bits: new Bits(bits) };
}

/** Only the characters, for checking one fragment of a multipart message before it is held. */
export function checkArmor(payload: string): string | undefined {
  for (let i = 0; i < payload.length; i++) {
    if (sixBit(payload.charCodeAt(i)) < 0) return `payload character "${payload[i]}" at position ${i + 1} is not in the AIS 6-bit alphabet`;
  }
  return undefined;
}
