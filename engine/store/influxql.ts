// The InfluxQL Seed reads with, one place for quoting. InfluxQL is what InfluxDB 1.x speaks and what
// 2.x, 3.x and 1.8+ answer on their v1-compatible /query endpoint, so one dialect reads every version.
import { nanos } from './influx-lines.ts';

/** A string literal: backslashes and single quotes escaped. */
export const literal = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** An identifier (database, retention policy, measurement): double-quoted, quotes escaped. */
export const ident = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** `time >= from AND time < to`; an infinite bound is left out. */
export function timeRange(from: number, to: number): string[] {
  const out: string[] = [];
  if (Number.isFinite(from)) out.push(`time >= ${nanos(from)}`);
  if (Number.isFinite(to)) out.push(`time < ${nanos(to)}`);
  return out;
}

/** One series, from its key `domain.station.metric` (tokens never hold dots). */
export function seriesWhere(series: string): string {
  const [domain = '', station = '', metric = ''] = series.split('.');
  return `(domain = ${literal(domain)} AND station = ${literal(station)} AND metric = ${literal(metric)})`;
}

export const anyOf = (field: string, values: readonly string[]): string => `(${values.map((v) => `${field} = ${literal(v)}`).join(' OR ')})`;

export const USABLE = anyOf('quality', ['reliable', 'doubtful']);

export const where = (clauses: string[]): string => (clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '');

/** Every column of one observation as stored: tags and fields. */
export const OBSERVATION_COLUMNS = 'domain, station, metric, value, lon, lat, speed, course, quality, unit, source';

/** A duration InfluxQL accepts, from ms: the largest whole unit. */
export function duration(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms * 1000)}u`;
}

export type Row = Record<string, unknown>;

interface Series {
  tags?: Record<string, string>;
  columns: string[];
  /** Absent when a series has no rows (SHOW CONTINUOUS QUERIES on a database without any). */
  values?: unknown[][];
}
export interface QueryResponse {
  results?: { error?: string; series?: Series[] }[];
  error?: string;
}

/** The rows of one /query response (one statement), tags merged in; an error in it is thrown. */
export function rowsOf(response: QueryResponse): Row[] {
  if (response.error) throw new Error(`InfluxDB: ${response.error}`);
  const out: Row[] = [];
  for (const result of response.results ?? []) {
    if (result.error) throw new Error(`InfluxDB: ${result.error}`);
    for (const s of result.series ?? []) {
      for (const values of s.values ?? []) {
        const row: Row = { ...s.tags };
        s.columns.forEach((c, i) => (row[c] = values[i]));
        out.push(row);
      }
    }
  }
  return out;
}
