// Small conversions between the store and DuckDB.
import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

/** Epoch ms as a TIMESTAMP, which holds microseconds: reading back epoch_us / 1000 returns the same ms number, fractions too. */
export const timestamp = (ms: number): DuckDBTimestampValue => new DuckDBTimestampValue(BigInt(Math.round(ms * 1000)));

/** The number a query selects as `n`. */
export const count = async (db: DuckDBConnection, sql: string): Promise<number> => Number((await db.runAndReadAll(sql)).getRowObjectsJS()[0]!.n);

/** A text column's value to an appender, null when absent. */
export const appendText = (a: DuckDBAppender, s: string | null | undefined): void => (s === null || s === undefined ? a.appendNull() : a.appendVarchar(s));
