// Epoch milliseconds as a DuckDB TIMESTAMP, which holds microseconds: reading back epoch_us / 1000
// returns the same ms number, fractions too.
import { DuckDBTimestampValue } from '@duckdb/node-api';

export const timestamp = (ms: number): DuckDBTimestampValue => new DuckDBTimestampValue(BigInt(Math.round(ms * 1000)));
