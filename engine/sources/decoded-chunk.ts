// How the decoding worker hands messages to the engine's thread. Cloning one decoded object per
// message cost about as much on each side as decoding it did, and left garbage on both: so a
// reading travels as numbers in typed arrays (seq, time, value, quality) and the index of its series
// in a table both sides keep, whose new entries (names, unit, source) go with the first chunk that
// uses them. Only what does not fit (a position, a failure) is cloned as it is. The arrays and the
// bytes as received are transferred, not copied. A reading of a subject already numbered is read
// straight from its bytes into the columns when it has the usual shape (reading-scan.ts).
import { decodeObservation, type Decoded } from '../codec.ts';
import { QUALITIES, QUALITY_CODE, TOKEN, seriesKey, type Observation } from '../observation.ts';
import { ReadingScanner, spanEquals } from './reading-scan.ts';

/** One message as decoded in the worker; the subject travels only when decoding failed. */
export interface DecodedItem {
  seq: number;
  decoded: Decoded;
  subject?: string;
}

/** What a series index stands for: everything of a reading but its time, value and quality. */
export interface SeriesNames {
  domain: string;
  station: string;
  metric: string;
  unit?: string;
  source?: string;
}

/**
 * A chunk of messages (message i is the i-th of every column). `series[i]` is the series index, or
 * OTHER when the message is in `others` instead.
 * The bytes of message i are bytes[offsets[i]..offsets[i + 1]].
 */
export interface Chunk {
  count: number;
  seq: Float64Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  series: Uint32Array;
  /** Series first used in this chunk, in index order after those of the chunks before. */
  names: SeriesNames[];
  /** The messages whose series is OTHER, in order. */
  others: DecodedItem[];
  bytes: Uint8Array;
  offsets: Uint32Array;
}

const OTHER = 0xffff_ffff;
/** Units and sources one subject is numbered with at most: a source that names each message is not worth a table. */
const VARIANTS = 8;

const encoder = new TextEncoder();
const utf8 = new TextDecoder();
/** A string's UTF-8 bytes, or undefined when they do not give it back (a lone surrogate encodes as U+FFFD's). */
const exactBytes = (s: string): Uint8Array | undefined => {
  const bytes = encoder.encode(s);
  return utf8.decode(bytes) === s ? bytes : undefined;
};

/**
 * A series numbered under a subject, with its unit and source as bytes for the scanner to compare;
 * `bytes` is undefined when a unit or source has no exact bytes, and its readings are not scanned.
 */
interface Variant {
  names: SeriesNames;
  index: number;
  bytes: { unit: Uint8Array | undefined; source: Uint8Array | undefined } | undefined;
}

/**
 * A subject's series (nearly always one), and its domain, station and metric as bytes; `tokens` is
 * undefined when one is not a TOKEN (decodeObservation takes the subject's names as they are, but
 * rejects such a name in a message), and the subject's readings are not scanned.
 */
interface Subject {
  tokens: Uint8Array[] | undefined;
  variants: Variant[];
}

const scannable = (names: SeriesNames): Variant['bytes'] => {
  const unit = names.unit === undefined ? undefined : exactBytes(names.unit);
  const source = names.source === undefined ? undefined : exactBytes(names.source);
  if ((names.unit !== undefined && !unit) || (names.source !== undefined && !source)) return undefined;
  return { unit, source };
};

/** The span (start -1: absent) holds `bytes` (undefined: absent). */
const spanIs = (data: Uint8Array, start: number, end: number, bytes: Uint8Array | undefined): boolean =>
  start < 0 ? bytes === undefined : bytes !== undefined && spanEquals(data, start, end, bytes);

/**
 * The worker's side: collects up to `capacity` messages and gives them up as a chunk with what to
 * transfer. The table keeps `maxSeries` series at most (a source that varies its unit or source name
 * without end must not grow it without end); readings of any more travel as objects.
 */
export class ChunkWriter {
  /** Series by subject, then by unit and source. */
  private readonly table = new Map<string, Subject>();
  private readonly scanner = new ReadingScanner();
  private size = 0;
  private names: SeriesNames[] = [];
  private count = 0;
  private readonly seq: Float64Array;
  private readonly ts: Float64Array;
  private readonly value: Float64Array;
  private readonly quality: Uint8Array;
  private readonly series: Uint32Array;
  private others: DecodedItem[] = [];
  private payloads: Uint8Array[] = [];

  constructor(
    readonly capacity: number,
    private readonly maxSeries = 1_000_000,
  ) {
    [this.seq, this.ts, this.value] = [0, 1, 2].map(() => new Float64Array(capacity)) as [Float64Array, Float64Array, Float64Array];
    this.quality = new Uint8Array(capacity);
    this.series = new Uint32Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Decodes a message and adds it. */
  add(seq: number, subject: string, data: Uint8Array): void {
    if (this.full) throw new Error('the chunk is full: take it before adding more');
    const i = this.count++;
    this.seq[i] = seq;
    this.payloads.push(data);
    const known = this.table.get(subject);
    const { scanner } = this;
    const fast = known?.tokens && scanner.scan(data, known.tokens) ? this.variantOf(known, data) : undefined;
    if (fast) {
      this.put(i, fast.index, scanner.ts, scanner.value, scanner.quality);
      return;
    }
    const decoded = decodeObservation(subject, data);
    const index = decoded.ok && decoded.obs.value !== undefined && !decoded.obs.position ? this.seriesOf(subject, decoded.obs) : undefined;
    if (index === undefined || !decoded.ok) {
      this.series[i] = OTHER;
      this.others.push(decoded.ok ? { seq, decoded } : { seq, decoded, subject });
      return;
    }
    const { obs } = decoded;
    this.put(i, index, obs.ts, obs.value!, QUALITY_CODE.get(obs.quality)!);
  }

  private put(i: number, series: number, ts: number, value: number, quality: number): void {
    this.series[i] = series;
    this.ts[i] = ts;
    this.value[i] = value;
    this.quality[i] = quality;
  }

  /** The subject's series with the unit and source the scanner found. */
  private variantOf(known: Subject, data: Uint8Array): Variant | undefined {
    const { unitStart, unitEnd, sourceStart, sourceEnd } = this.scanner;
    for (const v of known.variants) if (v.bytes && spanIs(data, unitStart, unitEnd, v.bytes.unit) && spanIs(data, sourceStart, sourceEnd, v.bytes.source)) return v;
    return undefined;
  }

  take(): { chunk: Chunk; transfer: ArrayBuffer[] } {
    const { count, payloads } = this;
    const bytes = new Uint8Array(payloads.reduce((n, p) => n + p.length, 0));
    const offsets = new Uint32Array(count + 1);
    payloads.forEach((p, i) => {
      bytes.set(p, offsets[i]);
      offsets[i + 1] = offsets[i]! + p.length;
    });
    const chunk: Chunk = {
      count,
      seq: this.seq.slice(0, count),
      ts: this.ts.slice(0, count),
      value: this.value.slice(0, count),
      quality: this.quality.slice(0, count),
      series: this.series.slice(0, count),
      names: this.names,
      others: this.others,
      bytes,
      offsets,
    };
    this.count = 0;
    this.names = [];
    this.others = [];
    this.payloads = [];
    const { seq, ts, value, quality, series } = chunk;
    return { chunk, transfer: [seq, ts, value, quality, series, bytes, offsets].map((a) => a.buffer as ArrayBuffer) };
  }

  /** The series index of a reading, numbering it (and sending its names) when it is new. */
  private seriesOf(subject: string, obs: Observation): number | undefined {
    let known = this.table.get(subject);
    const found = known?.variants.find(({ names }) => names.unit === obs.unit && names.source === obs.source);
    if (found) return found.index;
    if (this.size >= this.maxSeries || (known?.variants.length ?? 0) >= VARIANTS) return undefined;
    const names: SeriesNames = { domain: obs.domain, station: obs.station, metric: obs.metric };
    if (obs.unit !== undefined) names.unit = obs.unit;
    if (obs.source !== undefined) names.source = obs.source;
    if (!known) {
      const tokens = [obs.domain, obs.station, obs.metric];
      known = { tokens: tokens.every((t) => TOKEN.test(t)) ? tokens.map((t) => encoder.encode(t)) : undefined, variants: [] };
      this.table.set(subject, known);
    }
    known.variants.push({ names, index: this.size, bytes: scannable(names) });
    this.names.push(names);
    return this.size++;
  }
}

/** The engine's side: the same series table, rebuilt from the names each chunk brings. */
export class ChunkReader {
  private readonly table: SeriesNames[] = [];
  /** Each series' key, made once. */
  private readonly keys: string[] = [];

  /** Takes in a chunk's new series; its messages are then read one by one, when wanted. */
  read(chunk: Chunk): ReadChunk {
    this.table.push(...chunk.names);
    this.keys.push(...chunk.names.map(seriesKey));
    return new ReadChunk(chunk, this.table, this.keys);
  }
}

/**
 * A chunk taken in. A message is decoded only when asked for: built on arrival, a message's objects
 * lived through the wait for its batch's turn, long enough to be promoted by the collector and to
 * need a full collection again, which cost the engine's thread more than building them did.
 */
export class ReadChunk {
  /** For each message travelling as an object, its index in `others` (-1 for the rest). */
  private readonly other: Int32Array | undefined;

  constructor(
    readonly chunk: Chunk,
    /** The reader's table: only appended to, so the indices of this chunk stand. */
    private readonly table: readonly SeriesNames[],
    private readonly keys: readonly string[],
  ) {
    if (chunk.others.length === 0) return;
    this.other = new Int32Array(chunk.count).fill(-1);
    for (let i = 0, k = 0; i < chunk.count; i++) if (chunk.series[i] === OTHER) this.other[i] = k++;
  }

  get count(): number {
    return this.chunk.count;
  }

  seq(i: number): number {
    return this.chunk.seq[i]!;
  }

  /** Message `i` as the worker decoded it. */
  item(i: number): DecodedItem {
    const { chunk } = this;
    const s = chunk.series[i]!;
    if (s === OTHER) return chunk.others[this.other![i]!]!;
    const n = this.table[s]!;
    // Built in the order decodeObservation builds it, so every reading has one shape.
    const obs: Observation = { domain: n.domain, station: n.station, metric: n.metric, ts: chunk.ts[i]!, quality: QUALITIES[chunk.quality[i]!]! };
    obs.value = chunk.value[i]!;
    if (n.unit !== undefined) obs.unit = n.unit;
    if (n.source !== undefined) obs.source = n.source;
    return { seq: chunk.seq[i]!, decoded: { ok: true, obs, key: this.keys[s]! } };
  }

  /** The bytes of message `i` as received; a view. */
  bytes(i: number): Uint8Array {
    const { bytes, offsets } = this.chunk;
    return bytes.subarray(offsets[i], offsets[i + 1]);
  }
}
