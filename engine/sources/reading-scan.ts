// The decoding worker's fast path for the usual message: a flat JSON object of one reading (epoch ms,
// a plain decimal value, a quality, a unit and source, names that repeat the subject's), read from its
// bytes into numbers with no string, object or schema check made. Over the bench's messages the
// chunk writer took ~2.4 µs a message through decodeObservation (UTF-8 decoding, JSON.parse and the
// checks most of it) and takes ~0.9 µs this way.
// It takes only what it reads exactly; anything else (an escape, an exponent, a position, a repeated
// or unknown key) it leaves to decodeObservation. It does not judge a unit or source: the chunk
// writer takes a scanned reading only when those bytes are a series decodeObservation has numbered
// under the subject, and a test holds the two to the same answers.
import { QUALITIES } from '../observation.ts';

const encoder = new TextEncoder();

const KEYS = ['domain', 'station', 'metric', 'ts', 'value', 'quality', 'unit', 'source'] as const;
const KEY_BYTES = KEYS.map((k) => encoder.encode(k));
const [TS, VALUE, QUALITY, UNIT] = (['ts', 'value', 'quality', 'unit'] as const).map((k) => KEYS.indexOf(k)) as [number, number, number, number];
/** Keys below this are the names, compared with the subject's. */
const NAME_KEYS = 3;
const QUALITY_BYTES = QUALITIES.map((q) => encoder.encode(q));
const RELIABLE = QUALITIES.indexOf('reliable');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** Digits a number read here may have: as an integer they stay below 2^53, so they are exact. */
const MAX_DIGITS = 15;
const POW10 = Array.from({ length: MAX_DIGITS + 1 }, (_, k) => 10 ** k);

const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= ZERO && b <= NINE;

/** data[start..end] holds exactly `bytes`. */
export function spanEquals(data: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let k = 0; k < bytes.length; k++) if (data[start + k] !== bytes[k]) return false;
  return true;
}

/** The first non-space at or after i. */
function skip(data: Uint8Array, i: number): number {
  while (isSpace(data[i])) i++;
  return i;
}

/** The end quote of the string whose opening quote is at i, or -1 for one with an escape, a control character or no end. */
function stringEnd(data: Uint8Array, i: number): number {
  for (let j = i + 1; j < data.length; j++) {
    const b = data[j]!;
    if (b === QUOTE) return j;
    if (b === BACKSLASH || b < 0x20) return -1;
  }
  return -1;
}

/** The key whose name is the string at i (its quote), or -1. */
function keyAt(data: Uint8Array, i: number, end: number): number {
  for (let k = 0; k < KEY_BYTES.length; k++) if (spanEquals(data, i + 1, end, KEY_BYTES[k]!)) return k;
  return -1;
}

/** Reads messages one at a time; what a scan found is in its fields, which hold only after it returned true. */
export class ReadingScanner {
  ts = 0;
  value = 0;
  /** The quality's index in QUALITIES. */
  quality = RELIABLE;
  /** Byte spans of the unit and the source strings (without quotes); start -1 when absent. */
  unitStart = -1;
  unitEnd = -1;
  sourceStart = -1;
  sourceEnd = -1;

  /**
   * Reads a reading of the subject whose domain, station and metric are `names`, as the bytes of
   * TOKENs (the caller makes sure). False when the message is not in the shape read here.
   */
  scan(data: Uint8Array, names: readonly Uint8Array[]): boolean {
    this.quality = RELIABLE;
    this.unitStart = this.sourceStart = -1;
    let seen = 0;
    let i = skip(data, 0);
    if (data[i] !== 0x7b) return false;
    i = skip(data, i + 1);
    for (;;) {
      if (data[i] !== QUOTE) return false;
      const keyEnd = stringEnd(data, i);
      const key = keyEnd < 0 ? -1 : keyAt(data, i, keyEnd);
      if (key < 0 || (seen & (1 << key)) !== 0) return false;
      seen |= 1 << key;
      i = skip(data, keyEnd + 1);
      if (data[i] !== 0x3a) return false;
      i = skip(data, i + 1);
      i = key === TS || key === VALUE ? this.number(data, i, key === TS) : this.text(data, i, key, names);
      if (i < 0) return false;
      i = skip(data, i);
      if (data[i] === 0x2c) {
        i = skip(data, i + 1);
        continue;
      }
      if (data[i] !== 0x7d) return false;
      return skip(data, i + 1) === data.length && (seen & (1 << TS)) !== 0 && (seen & (1 << VALUE)) !== 0;
    }
  }

  /**
   * A decimal at i without exponent and with at most MAX_DIGITS digits, as the double nearest to it:
   * its digits as an integer and the power of ten are exact, and one division rounds correctly, as
   * JSON.parse does. A time is a non-negative integer written as one (a "1.0" is JSON.parse's to read).
   * Returns where it ends, or -1.
   */
  private number(data: Uint8Array, i: number, time: boolean): number {
    const negative = data[i] === MINUS;
    if (negative) {
      if (time) return -1;
      i++;
    }
    // JSON allows no leading zero.
    if (data[i] === ZERO && isDigit(data[i + 1])) return -1;
    const start = i;
    let m = 0;
    for (; isDigit(data[i]); i++) m = m * 10 + data[i]! - ZERO;
    if (i === start) return -1;
    let scale = 0;
    if (data[i] === DOT && !time) {
      const fraction = ++i;
      for (; isDigit(data[i]); i++) m = m * 10 + data[i]! - ZERO;
      scale = i - fraction;
      if (scale === 0) return -1;
    }
    const b = data[i];
    const digits = i - start - (scale > 0 ? 1 : 0); // less the decimal point
    if (digits > MAX_DIGITS || b === DOT || b === 0x65 || b === 0x45) return -1;
    if (time) this.ts = m;
    else {
      const v = m / POW10[scale]!;
      this.value = negative ? -v : v;
    }
    return i;
  }

  /** A string value at i: a name equal to the subject's, a known quality, or a unit or source (its span kept). Returns where it ends, or -1. */
  private text(data: Uint8Array, i: number, key: number, names: readonly Uint8Array[]): number {
    if (data[i] !== QUOTE) return -1;
    const end = stringEnd(data, i);
    if (end < 0) return -1;
    const start = i + 1;
    if (key < NAME_KEYS) return spanEquals(data, start, end, names[key]!) ? end + 1 : -1;
    if (key === QUALITY) {
      this.quality = QUALITY_BYTES.findIndex((q) => spanEquals(data, start, end, q));
      return this.quality < 0 ? -1 : end + 1;
    }
    if (key === UNIT) {
      this.unitStart = start;
      this.unitEnd = end;
    } else {
      this.sourceStart = start;
      this.sourceEnd = end;
    }
    return end + 1;
  }
}
