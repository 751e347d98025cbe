// The embedded store: one DuckDB file holds observations, warnings, dead letters and the checkpoint,
// so each batch and the checkpoint that covers it commit in a single transaction.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  BIGINT, DuckDBInstance, DuckDBTimestampValue, LIST, TIMESTAMP, VARCHAR, listValue,
  type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { QUALITIES, seriesKey, type Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import type { Delivery, DeliveryQuery } from '../delivery.ts';
import type { AlertingBatch, AuditEntry, Bucket, EpisodeRow, CommitBatch, DeadLetter, StateRow, Store, WarningQuery, Restored } from './store.ts';
import { ReadingChunks } from './duckdb-readings.ts';
import { SeriesNumbers, type SeriesRow } from './duckdb-series.ts';
import { LATEST_STATES, STATES_SCHEMA, StateLog } from './duckdb-states.ts';
import { appendText, timestamp } from './duckdb-values.ts';
import { WARNINGS_SCHEMA, WarningLog, warningsQuery } from './duckdb-warnings.ts';
import { transaction } from './duckdb-transaction.ts';
import { json, lastByKey, observationOf } from './rows.ts';
import { serial } from './serial.ts';

// "at" and "by" are quoted everywhere: DuckDB keywords (AT TIME ZONE, ORDER BY).
// Readings are all numbers: the series number (the series table names it: key, unit, source), the
// time, the value and position, the quality as its index in QUALITIES. The view `observations` joins
// the names back, one row per reading, for queries. No key on readings: the checkpoint already
// prevents doubles, and an index would slow appends. Domain, station and metric are read from the
// series key (domain.station.metric, tokens without dots).
// delivery_log keeps every state a delivery went through, appended (an upsert on a keyed table
// cost ~0.3 ms a row); a delivery is its newest row, and the log is the record of who got what when.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, key VARCHAR, unit VARCHAR, source VARCHAR);
CREATE TABLE IF NOT EXISTS readings (
  series INTEGER, ts TIMESTAMP, value DOUBLE, lon DOUBLE, lat DOUBLE, speed DOUBLE, course DOUBLE, quality UTINYINT);
${WARNINGS_SCHEMA}
CREATE TABLE IF NOT EXISTS dead_letters ("at" TIMESTAMP, subject VARCHAR, reason VARCHAR, payload VARCHAR);
${STATES_SCHEMA}
CREATE TABLE IF NOT EXISTS checkpoints (consumer VARCHAR PRIMARY KEY, seq BIGINT);
CREATE TABLE IF NOT EXISTS audit ("at" TIMESTAMP, action VARCHAR, value VARCHAR, "by" VARCHAR, reason VARCHAR);
CREATE SEQUENCE IF NOT EXISTS delivery_seq;
CREATE TABLE IF NOT EXISTS delivery_log (
  key VARCHAR, event VARCHAR, episode VARCHAR, channel VARCHAR, state VARCHAR, delivery JSON,
  seq BIGINT DEFAULT nextval('delivery_seq'));
CREATE TABLE IF NOT EXISTS episodes (key VARCHAR PRIMARY KEY, state JSON);
`;

const QUALITY_NAMES = `[${QUALITIES.map((q) => `'${q}'`).join(', ')}]`;

/** Readings with their names, as one table, for queries: `inserted` is the insertion order. */
const OBSERVATIONS_VIEW = `
CREATE OR REPLACE VIEW observations AS
SELECT s.key AS series, r.ts, r.value, r.lon, r.lat, r.speed, r.course, s.unit,
  ${QUALITY_NAMES}[r.quality + 1] AS quality, s.source, r.rowid AS inserted
FROM readings r JOIN series s ON s.id = r.series`;

const ms = (column: string): string => `epoch_us(${column}) / 1000`;
const NAMES = `split_part(series, '.', 1) AS domain, split_part(series, '.', 2) AS station, split_part(series, '.', 3) AS metric`;
/** A query bound; ±Infinity means open-ended. */
const bound = (ms: number): DuckDBTimestampValue =>
  Math.abs(ms) === Infinity ? (ms > 0 ? DuckDBTimestampValue.PosInf : DuckDBTimestampValue.NegInf) : timestamp(ms);

type Row = Record<string, unknown>;
const rows = async (db: DuckDBConnection, sql: string, values: (string | bigint | DuckDBTimestampValue)[] = []): Promise<Row[]> =>
  (await db.runAndReadAll(sql, values)).getRowObjectsJS();

// One statement per table per commit: each column bound as a list and unnested back into rows.
// A statement per row costs ~0.3 ms, ~1.6 ms on a keyed table; 1000 rows this way take ~25 ms.
async function insertColumns(db: DuckDBConnection, insert: string, columns: [DuckDBType, DuckDBValue[]][]): Promise<void> {
  const select = columns.map((_, i) => `unnest($${i + 1})`).join(', ');
  await db.run(`${insert} SELECT ${select}`, columns.map(([, values]) => listValue(values)), columns.map(([type]) => LIST(type)));
}

/**
 * Runs `append` and flushes its rows into the connection's open transaction (verified: a ROLLBACK
 * after the flush discards them, so no staging table is needed). Whatever a failure
 * leaves (a half-built row, rows not flushed) is dropped, so the appender serves the next commit as new.
 */
function flushed(appender: DuckDBAppender, append: () => void): void {
  try {
    append();
    appender.flushSync();
  } finally {
    appender.clear();
  }
}

const insertAudit = (db: DuckDBConnection, audit: readonly AuditEntry[]): Promise<void> =>
  insertColumns(db, 'INSERT INTO audit', [
    [TIMESTAMP, audit.map((a) => timestamp(a.at))],
    [VARCHAR, audit.map((a) => a.action)],
    [VARCHAR, audit.map((a) => a.value)],
    [VARCHAR, audit.map((a) => a.by)],
    [VARCHAR, audit.map((a) => a.reason)],
  ]);

/** `column IN ($n, ...)` with the items bound after `values` (an empty list matches nothing). */
function oneOf(column: string, items: readonly string[], values: unknown[]): string {
  const first = values.length + 1;
  values.push(...items);
  return items.length === 0 ? 'false' : `${column} IN (${items.map((_, i) => `$${first + i}`).join(', ')})`;
}


/**
 * Files from before readings were numbered have a table `observations` with the names on every row
 * (some with domain, station and metric too): its rows move to readings, in their order, and the
 * table gives way to the view.
 */
async function migrateObservations(db: DuckDBConnection): Promise<void> {
  const [old] = await rows(db, "SELECT 1 FROM information_schema.tables WHERE table_name = 'observations' AND table_type = 'BASE TABLE'");
  if (!old) return;
  await transaction(db, async () => {
    await db.run('INSERT INTO series SELECT row_number() OVER () - 1, * FROM (SELECT DISTINCT series, unit, source FROM observations)');
    await db.run(`INSERT INTO readings
      SELECT s.id, o.ts, o.value, o.lon, o.lat, o.speed, o.course, list_position(${QUALITY_NAMES}, o.quality) - 1 FROM observations o
      JOIN series s ON s.key = o.series AND s.unit IS NOT DISTINCT FROM o.unit AND s.source IS NOT DISTINCT FROM o.source ORDER BY o.rowid`);
    await db.run('DROP TABLE observations');
  });
}

/** A usable reading's quality (reliable or doubtful), by its number, for the readings table. */
const USABLE = `quality IN (${QUALITIES.indexOf('reliable')}, ${QUALITIES.indexOf('doubtful')})`;

/** Reads on one snapshot of the file, so what one read finds the next finds too. */
async function snapshot<T>(db: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await db.run('BEGIN TRANSACTION');
  try {
    return await work();
  } finally {
    await db.run('COMMIT');
  }
}

/**
 * The numbers a series key goes by (one per unit and source), with those names. Reading rows by
 * number is about twice as fast as through the view's join.
 */
async function numbersOf(db: DuckDBConnection, key: string): Promise<Map<number, { unit: string | null; source: string | null }>> {
  const found = await rows(db, 'SELECT id, unit, source FROM series WHERE key = $1', [key]);
  return new Map(found.map((r) => [Number(r.id), { unit: r.unit as string | null, source: r.source as string | null }]));
}

/** Runs a commit; the series it numbered are kept if it succeeds, freed if not (their rows went with it). */
async function numbered(numbers: SeriesNumbers, commit: () => Promise<void>): Promise<void> {
  try {
    await commit();
  } catch (err) {
    numbers.forget();
    throw err;
  }
  numbers.settle();
}

function appendSeries(appender: DuckDBAppender, added: readonly SeriesRow[]): void {
  for (const r of added) {
    appender.appendInteger(r.id);
    appender.appendVarchar(r.key);
    appendText(appender, r.unit);
    appendText(appender, r.source);
    appender.endRow();
  }
}

const seriesRowOf = (r: Row): SeriesRow => ({ id: Number(r.id), key: String(r.key), unit: (r.unit ?? undefined) as string | undefined, source: (r.source ?? undefined) as string | undefined });

export interface DuckDbOptions {
  /** Delete raw observations and dead letters older than this many days (warnings and deliveries are records, kept). */
  retentionDays?: number;
  /** The clock retention counts from; default Date.now. */
  clock?: () => number;
}

const PRUNE_EVERY_MS = 3_600_000;

export async function openDuckDbStore(path: string, opts: DuckDbOptions = {}): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path);
  const writer = await instance.connect();
  await writer.run(SCHEMA);
  await migrateObservations(writer);
  await writer.run(OBSERVATIONS_VIEW);
  // Reads use their own connection, so they see committed data only and never join a write transaction.
  const reader = await instance.connect();
  const [write, read] = [serial(), serial()];

  // One appender per table for the store's life: creating one takes ~2.4 ms, more than a small commit's rows.
  const appenders = {
    readings: await writer.createAppender('readings'),
    series: await writer.createAppender('series'),
    states: await writer.createAppender('rule_state_log'),
  };
  const readings = new ReadingChunks(appenders.readings);
  const stateLog = await StateLog.open(writer, appenders.states);
  const warningLog = await WarningLog.open(writer);
  const numbers = new SeriesNumbers((await rows(writer, 'SELECT id, key, unit, source FROM series')).map(seriesRowOf));
  const commitNow = (batch: CommitBatch): Promise<void> =>
    numbered(numbers, () => transaction(writer, async () => {
      if (batch.observations.length > 0) {
        const { keys } = batch;
        flushed(appenders.readings, () => readings.write(batch.observations, (o, i) => numbers.idOf(o, keys?.[i] ?? seriesKey(o))));
        // Appended (~3 µs a series), not bound as lists (~11 µs): a fresh file's first commits number thousands.
        const added = numbers.added;
        if (added.length > 0) flushed(appenders.series, () => appendSeries(appenders.series, added));
      }
      const { events, deadLetters, checkpoint } = batch;
      if (events.length > 0) flushed(warningLog.appender, () => warningLog.append(events));
      if (deadLetters.length > 0) {
        await insertColumns(writer, 'INSERT INTO dead_letters', [
          [TIMESTAMP, deadLetters.map((d) => timestamp(d.at))],
          [VARCHAR, deadLetters.map((d) => d.subject)],
          [VARCHAR, deadLetters.map((d) => d.reason)],
          [VARCHAR, deadLetters.map((d) => d.payload)],
        ]);
      }
      if (batch.audit?.length) await insertAudit(writer, batch.audit);
      if (checkpoint) {
        if (checkpoint.states.length > 0) {
          flushed(appenders.states, () => stateLog.append(checkpoint.states));
          await stateLog.compact(writer);
        }
        await writer.run('INSERT OR REPLACE INTO checkpoints VALUES ($1, $2)', [checkpoint.consumer, BigInt(checkpoint.seq)], [VARCHAR, BIGINT]);
      }
    }));

  const saveAlertingNow = (batch: AlertingBatch): Promise<void> =>
    transaction(writer, async () => {
      const deliveries = batch.deliveries;
      if (deliveries.length > 0) {
        // In order: the last row of a key within the batch is its newest state.
        await insertColumns(writer, 'INSERT INTO delivery_log (key, event, episode, channel, state, delivery)', [
          [VARCHAR, deliveries.map((d) => d.key)],
          [VARCHAR, deliveries.map((d) => d.event)],
          [VARCHAR, deliveries.map((d) => d.episode)],
          [VARCHAR, deliveries.map((d) => d.channel)],
          [VARCHAR, deliveries.map((d) => d.state)],
          [VARCHAR, deliveries.map((d) => JSON.stringify(d))],
        ]);
      }
      const episodes = lastByKey(batch.episodes ?? [], (e) => e.key);
      if (episodes.length > 0) {
        await insertColumns(writer, 'INSERT OR REPLACE INTO episodes', [
          [VARCHAR, episodes.map((e) => e.key)],
          [VARCHAR, episodes.map((e) => json(e.state))],
        ]);
      }
      if (batch.audit?.length) await insertAudit(writer, batch.audit);
    });

  // Retention runs at open and then at most hourly, after a commit, in the writer's turn.
  const { retentionDays, clock = Date.now } = opts;
  let prunedAt = -Infinity;
  const prune = async (): Promise<void> => {
    if (retentionDays === undefined || clock() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = clock();
    const cutoff = timestamp(prunedAt - retentionDays * 86_400_000);
    await writer.run('DELETE FROM readings WHERE ts < $1', [cutoff]);
    await writer.run('DELETE FROM dead_letters WHERE "at" < $1', [cutoff]);
  };
  await prune();

  return {
    commit: (batch) =>
      write(async () => {
        await commitNow(batch);
        await prune();
      }),

    range: (series, from, to) =>
      read(() =>
        snapshot(reader, async () => {
          const named = await numbersOf(reader, series);
          if (named.size === 0) return [];
          const [domain, station, metric] = series.split('.');
          const found = await rows(
            reader,
            `SELECT series, ${ms('ts')} AS ts, value, lon, lat, speed, course, quality FROM readings
             WHERE series IN (${[...named.keys()].join(', ')}) AND ts >= $1 AND ts < $2 ORDER BY ts`,
            [bound(from), bound(to)],
          );
          return found.map((r) => {
            const { unit, source } = named.get(r.series as number)!;
            // A literal, not a spread of the row: spreading DuckDB's row objects cost ~5 µs a row.
            const { value, lon, lat, speed, course } = r;
            return observationOf({ domain, station, metric, value, lon, lat, speed, course, unit, source, quality: QUALITIES[r.quality as number] }, r.ts as number);
          });
        }),
      ),

    scan: (from, to) => ({
      async *[Symbol.asyncIterator]() {
        // Its own connection: a long replay must not hold up the reader other queries queue on.
        const db = await instance.connect();
        try {
          // One snapshot for the series names and the rows, so a commit between them cannot add a
          // series number the names lack; closing the connection ends the (read-only) transaction.
          await db.run('BEGIN TRANSACTION');
          // No strings per row: rows carry their series number, the series table names it; quality as a flag.
          const names: (readonly [string, string, string, string | null])[] = [];
          for (const r of await rows(db, 'SELECT id, key, unit FROM series')) {
            names[Number(r.id)] = [...(String(r.key).split('.') as [string, string, string]), (r.unit ?? null) as string | null];
          }
          const result = await db.stream(
            `SELECT r.series, ${ms('r.ts')} AS ts, r.value, r.quality = ${QUALITIES.indexOf('doubtful')} AS doubtful FROM readings r
             WHERE r.ts >= $1 AND r.ts < $2 AND r.value IS NOT NULL AND ${USABLE}
               AND r.series IN (SELECT id FROM series WHERE source IS NULL OR source NOT LIKE 'derived:%')
             ORDER BY r.ts, r.rowid`,
            [bound(from), bound(to)],
          );
          // The next chunk is fetched (in DuckDB's threads) while the caller works on this one.
          for (let next = result.fetchChunk(), chunk = await next; chunk && chunk.rowCount > 0; chunk = await next) {
            next = result.fetchChunk();
            const [id, ts, value, doubtful] = chunk.getColumns() as [number[], number[], number[], boolean[]];
            const out: Observation[] = new Array<Observation>(chunk.rowCount);
            for (let i = 0; i < chunk.rowCount; i++) {
              const [domain, station, metric, unit] = names[id[i]!]!;
              const o: Observation = { domain, station, metric, ts: ts[i]!, value: value[i]!, quality: doubtful[i] ? 'doubtful' : 'reliable' };
              if (unit !== null) o.unit = unit;
              out[i] = o;
            }
            yield out;
          }
        } finally {
          db.closeSync();
        }
      },
    }),

    latest: (series) =>
      read(async () => {
        if (series.length === 0) return new Map<string, Observation>();
        const values: unknown[] = [];
        const found = await rows(
          reader,
          `SELECT series, ${NAMES}, ${ms('ts')} AS ts, value, lon, lat, speed, course, unit, quality, source
           FROM observations WHERE ${oneOf('series', series, values)} QUALIFY row_number() OVER (PARTITION BY series ORDER BY ts DESC, inserted DESC) = 1`,
          values as string[],
        );
        return new Map(found.map((r) => [r.series as string, observationOf(r, r.ts as number)]));
      }),

    aggregate: (series, from, to, everyMs) =>
      read(async () => {
        // Integer microseconds, so bucket boundaries are exact multiples of the width since the epoch.
        const width = BigInt(Math.round(everyMs * 1000));
        const found = await snapshot(reader, async () => {
          const named = await numbersOf(reader, series);
          if (named.size === 0) return [];
          return rows(
            reader,
            `SELECT (epoch_us(ts) // $3) * $3 / 1000 AS start, count(*) AS count, min(value) AS min, max(value) AS max,
                    avg(value) AS mean, sum(value) AS sum, arg_max(value, ts) AS last
             FROM readings WHERE series IN (${[...named.keys()].join(', ')}) AND ts >= $1 AND ts < $2 AND value IS NOT NULL AND ${USABLE}
             GROUP BY 1 ORDER BY 1`,
            [bound(from), bound(to), width],
          );
        });
        return found.map((r): Bucket => ({ start: Number(r.start), count: Number(r.count), min: r.min as number, max: r.max as number, mean: r.mean as number, sum: r.sum as number, last: r.last as number }));
      }),

    warnings: (query: WarningQuery = {}) =>
      read(async () => {
        const where: string[] = [];
        const values: (string | DuckDBTimestampValue)[] = [];
        const add = (clause: string, value: string | DuckDBTimestampValue): void => {
          values.push(value);
          where.push(`${clause} $${values.length}`);
        };
        if (query.from !== undefined) add('"at" >=', bound(query.from));
        if (query.to !== undefined) add('"at" <', bound(query.to));
        if (query.rule !== undefined) add('rule_id =', query.rule);
        if (query.entity !== undefined) add('entity =', query.entity);
        if (query.ids !== undefined) where.push(oneOf('id', query.ids, values));
        const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
        const found = await rows(reader, warningsQuery(filter), values);
        return found.map((r) => JSON.parse(r.event as string) as WarningEvent);
      }),

    saveAlerting: (batch) => write(() => saveAlertingNow(batch)),

    deliveries: (query: DeliveryQuery = {}) =>
      read(async () => {
        const where: string[] = [];
        const values: string[] = [];
        const add = (clause: (n: number) => string, value: string): void => {
          values.push(value);
          where.push(clause(values.length));
        };
        if (query.warning !== undefined) add((n) => `(event = $${n} OR episode = $${n})`, query.warning);
        if (query.channel !== undefined) add((n) => `channel = $${n}`, query.channel);
        if (query.keys !== undefined) where.push(oneOf('key', query.keys, values));
        const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
        // The state is that of the newest row; the order that of the first.
        const newest = `SELECT delivery, state, min(seq) OVER (PARTITION BY key) AS first FROM delivery_log ${filter} QUALIFY row_number() OVER (PARTITION BY key ORDER BY seq DESC) = 1`;
        const state = query.states === undefined ? '' : `WHERE ${oneOf('state', query.states, values)}`;
        const sql = `SELECT delivery FROM (${newest}) ${state} ORDER BY first`;
        return (await rows(reader, sql, values)).map((r) => JSON.parse(r.delivery as string) as Delivery);
      }),

    episodes: () =>
      read(async () =>
        (await rows(reader, 'SELECT key, state FROM episodes ORDER BY key')).map((r): EpisodeRow => ({ key: r.key as string, state: JSON.parse(r.state as string) })),
      ),

    deadLetters: () =>
      read(async () =>
        // dead_letters is append-only, so rowid is its insertion order.
        (await rows(reader, `SELECT ${ms('"at"')} AS "at", subject, reason, payload FROM dead_letters ORDER BY "at", rowid`)).map(
          (r): DeadLetter => ({ subject: r.subject as string, reason: r.reason as string, payload: r.payload as string, at: r.at as number }),
        ),
      ),

    audit: (action) =>
      read(async () =>
        // audit is append-only, so rowid is its insertion order.
        (
          await rows(
            reader,
            `SELECT ${ms('"at"')} AS "at", action, value, "by", reason FROM audit ${action === undefined ? '' : 'WHERE action = $1'} ORDER BY rowid`,
            action === undefined ? [] : [action],
          )
        ).map((r): AuditEntry => ({ at: r.at as number, action: r.action as string, value: r.value as string, by: r.by as string, reason: r.reason as string })),
      ),

    loadCheckpoint: (consumer) =>
      read((): Promise<Restored | undefined> =>
        // One snapshot for both reads, so seq and states come from the same commit.
        snapshot(reader, async () => {
          const [found] = await rows(reader, 'SELECT seq FROM checkpoints WHERE consumer = $1', [consumer]);
          if (!found) return undefined;
          const states = (await rows(reader, LATEST_STATES)).map(
            (r): StateRow => ({ key: r.key as string, ruleHash: r.rule_hash as string, state: JSON.parse(r.state as string) }),
          );
          // Rule states are saved only when they change in substance; how far each series was
          // evaluated is read back from the observations committed with them.
          const last = await rows(reader, `SELECT series, ${ms('max(ts)')} AS ts FROM observations WHERE quality IN ('reliable', 'doubtful') GROUP BY series`);
          const lastTimes = new Map(last.map((r) => [r.series as string, r.ts as number]));
          return { consumer, seq: Number(found.seq), states, lastTimes };
        }),
      ),

    close: async () => {
      // Let queued commits and reads finish first, so closing never cuts a transaction short.
      await Promise.all([write(() => Promise.resolve()), read(() => Promise.resolve())]);
      reader.closeSync();
      for (const appender of Object.values(appenders)) appender.closeSync();
      writer.closeSync();
      instance.closeSync();
    },
  };
}
