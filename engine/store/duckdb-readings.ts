// Reading rows into DuckDB a chunk at a time: each column is filled in a typed array and copied into
// the chunk's vector in one call, its nulls as a validity mask built here. Through the appender's
// per-value calls every value was a call into DuckDB, ten per reading, and the node-api's vectors
// mark each null with BigInt arithmetic.
import duckdb from '@duckdb/node-bindings';
import { DOUBLE, DuckDBDataChunk, INTEGER, TIMESTAMP, UTINYINT, type DuckDBAppender } from '@duckdb/node-api';
import { QUALITIES, QUALITY_CODE, type Observation } from '../observation.ts';

const SIZE = duckdb.vector_size();
const TWO_32 = 2 ** 32;

/** The readings table's column types, in order: series number, time, value, lon, lat, speed, course, quality. */
const TYPES = [INTEGER, TIMESTAMP, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, UTINYINT];

/** Nullable numbers of a reading, in column order from the value on. */
const NULLABLE: readonly ((o: Observation) => number | undefined)[] = [
  (o) => o.value,
  (o) => o.position?.lon,
  (o) => o.position?.lat,
  (o) => o.position?.speed,
  (o) => o.position?.course,
];

export class ReadingChunks {
  /** One chunk for the store's life, refilled for each run of rows: DuckDB copies what is appended. */
  private readonly chunk = DuckDBDataChunk.create(TYPES, SIZE);
  private readonly vectors = TYPES.map((_, c) => duckdb.data_chunk_get_vector(this.chunk.chunk, c));
  private readonly series = new Int32Array(SIZE);
  /** Microseconds as int64 in two 32-bit halves (low first), so no BigInt is made per reading. */
  private readonly micros = new Uint32Array(SIZE * 2);
  private readonly numbers = NULLABLE.map(() => new Float64Array(SIZE));
  /** One bit per row (set: not null), as DuckDB's validity masks lay them out. */
  private readonly valid = NULLABLE.map(() => new Uint8Array(SIZE / 8));
  private readonly quality = new Uint8Array(SIZE);
  private count = 0;

  constructor(private readonly appender: DuckDBAppender) {}

  /**
   * Appends a row per reading, its series numbered by `idOf` (given the reading and its index). On a
   * failure nothing more is appended and the rows held are dropped; the caller clears the appender of those it took.
   */
  write(observations: readonly Observation[], idOf: (o: Observation, i: number) => number): void {
    try {
      for (let i = 0; i < observations.length; i++) {
        const o = observations[i]!;
        this.add(o, idOf(o, i));
        if (this.count === SIZE) this.flush();
      }
      this.flush();
    } finally {
      this.count = 0;
    }
  }

  private add(o: Observation, id: number): void {
    const quality = QUALITY_CODE.get(o.quality);
    if (quality === undefined) throw new TypeError(`quality ${JSON.stringify(o.quality)} is not one of ${QUALITIES.join(', ')}`);
    const i = this.count++;
    this.series[i] = id;
    // Two's complement by halves: the high half is floor(us / 2^32), stored as its low 32 bits.
    const us = Math.round(o.ts * 1000);
    const high = Math.floor(us / TWO_32);
    this.micros[2 * i] = us - high * TWO_32;
    this.micros[2 * i + 1] = high;
    const byte = i >> 3;
    const bit = 1 << (i & 7);
    for (let c = 0; c < NULLABLE.length; c++) {
      const v = NULLABLE[c]!(o);
      const valid = this.valid[c]!;
      if (v === undefined) valid[byte] = valid[byte]! & ~bit;
      else {
        this.numbers[c]![i] = v;
        valid[byte] = valid[byte]! | bit;
      }
    }
    this.quality[i] = quality;
  }

  private flush(): void {
    const n = this.count;
    if (n === 0) return;
    const copy = (c: number, data: ArrayBufferView, bytes: number): void => duckdb.copy_data_to_vector(this.vectors[c]!, 0, data.buffer as ArrayBuffer, data.byteOffset, bytes);
    copy(0, this.series, n * 4);
    copy(1, this.micros, n * 8);
    for (let c = 0; c < NULLABLE.length; c++) {
      const vector = this.vectors[2 + c]!;
      copy(2 + c, this.numbers[c]!, n * 8);
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, this.valid[c]!.buffer, 0, Math.ceil(n / 8));
    }
    copy(7, this.quality, n);
    this.chunk.rowCount = n;
    this.appender.appendDataChunk(this.chunk);
    this.count = 0;
  }
}
