// The QuestDB store's SQL: table definitions and queries, as text with their parameters. No I/O.
// Strings from callers (series, ids, keys, rules) are always bind parameters ($n). Only numbers we
// compute are spliced in (time bounds as ISO literals, bucket widths, limits): each is checked to be
// an integer first, so nothing a caller passes can change a statement.
import type { DeliveryQuery } from '../delivery.ts';
import type { WarningQuery } from './store.ts';

export const DEFAULT_PREFIX = 'seed_';

export type TableNames = Record<'observations' | 'warnings' | 'deadLetters' | 'audit' | 'ruleState' | 'checkpoints' | 'deliveryLog' | 'episodes', string>;

/** The store's tables, each named `<prefix><name>`; a prefix is a plain identifier so it needs no quoting. */
export function tableNames(prefix: string = DEFAULT_PREFIX): TableNames {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new RangeError(`QuestDB table prefix must be letters, digits and _: ${JSON.stringify(prefix)}`);
  return {
    observations: `${prefix}observations`,
    warnings: `${prefix}warnings`,
    deadLetters: `${prefix}dead_letters`,
    audit: `${prefix}audit`,
    ruleState: `${prefix}rule_state`,
    checkpoints: `${prefix}checkpoints`,
    deliveryLog: `${prefix}delivery_log`,
    episodes: `${prefix}episodes`,
  };
}

export interface Query {
  text: string;
  values: string[];
}

/** Collects bind values and hands back their placeholders. */
function binder(): { values: string[]; bind: (value: string) => string; list: (items: readonly string[]) => string } {
  const values: string[] = [];
  const bind = (value: string): string => {
    values.push(value);
    return `$${values.length}`;
  };
  return { values, bind, list: (items) => items.map(bind).join(', ') };
}

// Every table has a designated timestamp `ts`, daily partitions and a WAL (which dedup needs).
// Dedup keys make a resent row replace its first copy: a commit replayed after a crash, or a request
// the client retried because its answer was lost. Symbols for every column that is filtered, grouped
// or keyed on (LATEST ON partitions by symbols; dedup keys are fixed-size columns such as symbols).
// Parsing order (QuestDB's SqlParser): PARTITION BY, TTL, WAL, WITH, DEDUP.
export function createTables(t: TableNames, opts: { ttlDays?: number } = {}): string[] {
  let ttl = '';
  if (opts.ttlDays !== undefined) {
    if (!Number.isSafeInteger(opts.ttlDays) || opts.ttlDays < 1) throw new RangeError(`ttlDays must be a whole number of days >= 1, got ${opts.ttlDays}`);
    ttl = ` TTL ${opts.ttlDays} DAYS`;
  }
  const table = (name: string, columns: string, keys: string, extra = ''): string =>
    `CREATE TABLE IF NOT EXISTS ${name} (${columns}, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY${extra} WAL DEDUP UPSERT KEYS(ts, ${keys})`;
  return [
    // One row per reading. A reading of one series at one time from another source (AIS and
    // Beidou) is another row. `usable` (reliable or doubtful) is always written, so every line has
    // a field, as line protocol requires even of a reading with no value and no position.
    table(
      t.observations,
      'series SYMBOL, domain SYMBOL, station SYMBOL, metric SYMBOL, quality SYMBOL, unit SYMBOL, source SYMBOL, ' +
        'value DOUBLE, lon DOUBLE, lat DOUBLE, speed DOUBLE, course DOUBLE, usable BOOLEAN',
      'series, source',
      ttl,
    ),
    // ts = the event's `at`; ins orders events of the same `at` by insertion.
    table(t.warnings, 'id SYMBOL, kind SYMBOL, rule_id SYMBOL, domain SYMBOL, entity SYMBOL, tier SYMBOL, summary VARCHAR, event VARCHAR, ins LONG', 'id'),
    // Logs: ts = the row's `at`, moved on by 1 µs past the previous row where needed, so rows keep
    // their order and never collide; at_ms keeps `at` exactly.
    table(t.deadLetters, 'subject SYMBOL, reason VARCHAR, payload VARCHAR, at_ms DOUBLE', 'subject'),
    table(t.audit, 'action SYMBOL, value VARCHAR, actor VARCHAR, reason VARCHAR, at_ms DOUBLE', 'action'),
    // Keyed records: every save appends a row stamped with the save time; a key's newest row wins.
    table(t.ruleState, 'key SYMBOL, rule_hash SYMBOL, state VARCHAR', 'key'),
    table(t.checkpoints, 'consumer SYMBOL, seq LONG', 'consumer'),
    table(t.deliveryLog, 'key SYMBOL, event SYMBOL, episode SYMBOL, channel SYMBOL, state SYMBOL, delivery VARCHAR', 'key'),
    table(t.episodes, 'key SYMBOL, state VARCHAR', 'key'),
  ];
}

export const dropTables = (t: TableNames): string[] => Object.values(t).map((name) => `DROP TABLE IF EXISTS ${name}`);

/** The tables whose rows carry stamps handed out by the writer (see questdb-lines.ts), and the column. */
export const STAMPED = { deadLetters: 'ts', audit: 'ts', ruleState: 'ts', checkpoints: 'ts', deliveryLog: 'ts', episodes: 'ts', warnings: 'ins' } as const;
export type Stamped = keyof typeof STAMPED;

/** The largest stamp a table holds (null when empty), so a reopened store stamps past it. */
export function lastStamp(t: TableNames, table: Stamped): Query {
  const column = STAMPED[table];
  if (column === 'ins') return { text: `SELECT max(ins) AS stamp FROM ${t[table]}`, values: [] };
  return { text: `SELECT cast(newest AS LONG) AS stamp FROM (SELECT max(ts) AS newest FROM ${t[table]})`, values: [] };
}

// Time: QuestDB TIMESTAMP is integer microseconds since the epoch. A JS number holds µs exactly
// up to 2^53 (years 1685 to 2255), which bounds every time the store writes or asks for.
const MAX_US = Number.MAX_SAFE_INTEGER;

/** Epoch ms (fractions to the µs) as integer µs, the precision stored. */
export const toMicros = (ms: number): number => Math.round(ms * 1000);

/** A query bound in ms as µs, held within what a number holds exactly (±Infinity included). */
export const boundMicros = (ms: number): number => Math.min(Math.max(toMicros(Math.min(Math.max(ms, -1e13), 1e13)), -MAX_US), MAX_US);

/** An ISO timestamp literal with microseconds, e.g. '2024-07-01T12:00:00.123250Z'. */
export function timeLiteral(us: number): string {
  if (!Number.isSafeInteger(us)) throw new RangeError(`not a whole number of microseconds: ${us}`);
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `'${new Date(ms).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}Z'`;
}

/** `ts` bounds from <= ts < to, in ms; an infinite bound adds no clause. */
function timeRange(from: number, to: number): string[] {
  const clauses: string[] = [];
  if (from > -Infinity) clauses.push(`ts >= ${timeLiteral(boundMicros(from))}`);
  if (to < Infinity) clauses.push(`ts < ${timeLiteral(boundMicros(to))}`);
  return clauses;
}

const where = (clauses: readonly string[]): string => (clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '');

// Reads cast ts to LONG (µs) in an outer query: a TIMESTAMP over pgwire comes back as text that pg
// turns into a Date, which has only milliseconds. Ordering stays in the inner query, on the table's
// own columns.
const OBSERVATION = 'domain, station, metric, cast(ts AS LONG) AS ts_us, value, lon, lat, speed, course, unit, quality, source';

/** Usable readings with a value: what scans and aggregates read. */
const USABLE = 'usable = true AND value IS NOT NULL';

export function rangeQuery(t: TableNames, series: string, from: number, to: number): Query {
  const { values, bind } = binder();
  const filter = where([`series = ${bind(series)}`, ...timeRange(from, to)]);
  return { text: `SELECT ${OBSERVATION} FROM (SELECT * FROM ${t.observations}${filter} ORDER BY ts)`, values };
}

/**
 * Part of a scan: measured usable readings from `fromUs` (inclusive, µs) to `toUs` (exclusive), in
 * time order, at most `limit` of them when given.
 */
export function scanQuery(t: TableNames, fromUs: number, toUs: number, limit?: number): Query {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw new RangeError(`bad scan chunk size: ${limit}`);
  const clauses = [`ts >= ${timeLiteral(fromUs)}`, `ts < ${timeLiteral(toUs)}`, USABLE, `(source IS NULL OR NOT (source LIKE 'derived:%'))`];
  const cap = limit === undefined ? '' : ` LIMIT ${limit}`;
  return {
    text: `SELECT series, cast(ts AS LONG) AS ts_us, value, quality, unit FROM (SELECT series, ts, value, quality, unit FROM ${t.observations}${where(clauses)} ORDER BY ts${cap})`,
    values: [],
  };
}

/** The newest reading of each series asked for; undefined when none is asked for. */
export function latestQuery(t: TableNames, series: readonly string[]): Query | undefined {
  if (series.length === 0) return undefined;
  const { values, list } = binder();
  return {
    text: `SELECT series, ${OBSERVATION} FROM (SELECT * FROM ${t.observations} WHERE series IN (${list(series)}) LATEST ON ts PARTITION BY series)`,
    values,
  };
}

const DAY_US = 86_400_000_000;
const UNITS: [number, string][] = [[DAY_US, 'd'], [3_600_000_000, 'h'], [60_000_000, 'm'], [1_000_000, 's'], [1000, 'T'], [1, 'U']];

/** A SAMPLE BY width, in the largest unit that divides it: 3_600_000_000 µs is '1h'. */
export function sampleWidth(us: number): string {
  const [unit, suffix] = UNITS.find(([u]) => us % u === 0) ?? [1, 'U'];
  return `${us / unit}${suffix}`;
}

/**
 * Buckets of `everyMs` starting at whole multiples of it since the epoch. SAMPLE BY ... ALIGN TO
 * CALENDAR starts buckets at UTC midnight, which is a multiple of the width only when the width
 * divides a day; any other width groups on a bucket computed from the epoch.
 */
export function aggregateQuery(t: TableNames, series: string, from: number, to: number, everyMs: number): Query {
  const width = toMicros(everyMs);
  if (!Number.isSafeInteger(width) || width < 1) throw new RangeError(`bucket width must be at least 1 µs, got ${everyMs} ms`);
  const { values, bind } = binder();
  const filter = where([`series = ${bind(series)}`, ...timeRange(from, to), USABLE]);
  const aggregates = 'count() AS n, min(value) AS lo, max(value) AS hi, avg(value) AS mean, sum(value) AS total, last(value) AS newest';
  const fields = 'n, lo, hi, mean, total, newest';
  if (DAY_US % width === 0) {
    return {
      text:
        `SELECT cast(ts AS LONG) AS start_us, ${fields} FROM (` +
        `SELECT ts, ${aggregates} FROM ${t.observations}${filter} SAMPLE BY ${sampleWidth(width)} ALIGN TO CALENDAR) ORDER BY start_us`,
      values,
    };
  }
  // Floor, not truncation, so a bucket before 1970 still starts at a multiple of the width.
  const bucket = `us - ((us % ${width}) + ${width}) % ${width}`;
  return {
    text:
      `SELECT start_us, ${aggregates} FROM (` +
      `SELECT ${bucket} AS start_us, value FROM (` +
      `SELECT cast(ts AS LONG) AS us, value FROM (SELECT ts, value FROM ${t.observations}${filter} ORDER BY ts))) ` +
      `GROUP BY start_us ORDER BY start_us`,
    values,
  };
}

/** Warning events in order of `at`, then insertion; undefined when the query cannot match (no ids). */
export function warningsQuery(t: TableNames, q: WarningQuery = {}): Query | undefined {
  if (q.ids?.length === 0) return undefined;
  const { values, bind, list } = binder();
  const clauses = timeRange(q.from ?? -Infinity, q.to ?? Infinity);
  if (q.rule !== undefined) clauses.push(`rule_id = ${bind(q.rule)}`);
  if (q.entity !== undefined) clauses.push(`entity = ${bind(q.entity)}`);
  if (q.ids !== undefined) clauses.push(`id IN (${list(q.ids)})`);
  return { text: `SELECT event FROM (SELECT event, ts, ins FROM ${t.warnings}${where(clauses)} ORDER BY ts, ins)`, values };
}

/** Which of these event ids are stored already: a stored event is kept as first written. */
export function knownWarningsQuery(t: TableNames, ids: readonly string[]): Query | undefined {
  if (ids.length === 0) return undefined;
  const { values, list } = binder();
  return { text: `SELECT id FROM ${t.warnings} WHERE id IN (${list(ids)})`, values };
}

export const deadLettersQuery = (t: TableNames): Query => ({
  text: `SELECT subject, reason, payload, at_ms FROM (SELECT * FROM ${t.deadLetters} ORDER BY ts)`,
  values: [],
});

export function auditQuery(t: TableNames, action?: string): Query {
  const { values, bind } = binder();
  const filter = action === undefined ? '' : ` WHERE action = ${bind(action)}`;
  return { text: `SELECT action, value, actor, reason, at_ms FROM (SELECT * FROM ${t.audit}${filter} ORDER BY ts)`, values };
}

/**
 * The newest row of each delivery, with when its key was first saved (for the order). Event,
 * episode and channel never change for a key, so they filter before LATEST ON; the state filter
 * applies to the newest row only, after it. Undefined when the query cannot match.
 */
export function deliveriesQuery(t: TableNames, q: DeliveryQuery = {}): Query | undefined {
  if (q.keys?.length === 0 || q.states?.length === 0) return undefined;
  const { values, bind, list } = binder();
  const clauses: string[] = [];
  if (q.warning !== undefined) clauses.push(`(event = ${bind(q.warning)} OR episode = ${bind(q.warning)})`);
  if (q.channel !== undefined) clauses.push(`channel = ${bind(q.channel)}`);
  if (q.keys !== undefined) clauses.push(`key IN (${list(q.keys)})`);
  const newest = `SELECT key, state, delivery FROM ${t.deliveryLog}${where(clauses)} LATEST ON ts PARTITION BY key`;
  const first = `SELECT key, cast(first_ts AS LONG) AS first_us FROM (SELECT key, min(ts) AS first_ts FROM ${t.deliveryLog} GROUP BY key)`;
  const state = q.states === undefined ? '' : ` WHERE d.state IN (${list(q.states)})`;
  return {
    text: `SELECT d.delivery AS delivery, f.first_us AS first_us FROM (${newest}) d JOIN (${first}) f ON d.key = f.key${state}`,
    values,
  };
}

export const episodesQuery = (t: TableNames): Query => ({ text: `SELECT key, state FROM ${t.episodes} LATEST ON ts PARTITION BY key`, values: [] });

export const checkpointQuery = (t: TableNames, consumer: string): Query => ({
  text: `SELECT seq FROM ${t.checkpoints} WHERE consumer = $1 LATEST ON ts PARTITION BY consumer`,
  values: [consumer],
});

export const statesQuery = (t: TableNames): Query => ({ text: `SELECT key, rule_hash, state FROM ${t.ruleState} LATEST ON ts PARTITION BY key`, values: [] });

/** Event time of the newest usable reading of each series: how far evaluation had got. */
export const lastTimesQuery = (t: TableNames): Query => ({
  text: `SELECT series, cast(ts AS LONG) AS ts_us FROM (SELECT series, ts FROM ${t.observations} WHERE usable = true LATEST ON ts PARTITION BY series)`,
  values: [],
});

/** How far each WAL table's writer has applied what its sequencer has accepted. */
export const walStatusQuery = (): Query => ({
  text: 'SELECT name, suspended, writerTxn AS writer_txn, sequencerTxn AS sequencer_txn FROM wal_tables()',
  values: [],
});
