// The InfluxDB store, through @influxdata/influxdb-client. Writes: line protocol (influx-lines.ts),
// one request per batch, to the v1 `/write` (1.x: database and retention policy) or through the
// client's v2 write API (2.x, 3.x, 1.8+: org and bucket). Reads: InfluxQL on `/query`, which every
// version answers (2.x through its DBRP mapping, 3.x and 1.8+ natively), chunked so a long range
// streams. InfluxDB has no transactions: a batch's data is written before its checkpoint, and
// points are keyed by series and time, so a batch redelivered after a crash rewrites the same
// points instead of doubling them (warnings are also read back distinct by id).
import { isIPv4 } from 'node:net';
import { InfluxDB } from '@influxdata/influxdb-client';
import type { Delivery, DeliveryQuery } from '../delivery.ts';
import type { Observation, Quality } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { alertingLines, commitLines, Stamps, type Lines } from './influx-lines.ts';
import { anyOf, duration, ident, literal, OBSERVATION_COLUMNS, rowsOf, seriesWhere, timeRange, USABLE, where, type QueryResponse, type Row } from './influxql.ts';
import type { AuditEntry, Bucket, DeadLetter, EpisodeRow, Restored, StateRow, Store, WarningQuery } from './store.ts';
import { byKey, observationOf } from './rows.ts';
import { serial } from './serial.ts';

export interface InfluxRetention {
  /** Keep raw observations, warnings and logs this many days (the data retention policy's duration). */
  rawDays?: number;
  /** Downsample usable readings into `observation_<every>` (mean, min, max, count per series) kept `keepDays` (default forever). */
  downsample?: { everyMs: number; keepDays?: number };
}

export type InfluxOptions = { url: string; timeoutMs?: number } & (
  | {
      api: 'v1';
      database: string;
      /** Where readings and dead letters go (default: the database's default policy). */
      retentionPolicy?: string;
      /** Where records go (rule states, checkpoints, warnings, deliveries, episodes, the audit trail); kept forever. Default `seed_state`. */
      stateRetentionPolicy?: string;
      username?: string;
      password?: string;
      retention?: InfluxRetention;
    }
  | {
      api: 'v2';
      org: string;
      bucket: string;
      /** Where records go (rule states, checkpoints, warnings, deliveries, episodes, the audit trail); default the data bucket. It must keep data forever. */
      stateBucket?: string;
      token?: string;
    }
);

const CHUNK_ROWS = 10_000;
/** Query times come back in microseconds (epoch=u): the stored precision, and safe as a JSON number. */
const msOf = (us: unknown): number => (us as number) / 1000;

const toObservation = (r: Row): Observation => observationOf(r, msOf(r.time));

function beyondRetention(err: unknown): void {
  const body = (err as { body?: unknown }).body;
  const text = `${err instanceof Error ? err.message : ''} ${typeof body === 'string' ? body : ''}`;
  if (!/partial write: points beyond retention policy dropped=\d+/.test(text)) throw err;
}

/**
 * Request bodies larger than this are gzipped. Not to a loopback address: there compressing saves
 * no wire and costs both ends CPU (a fifth of a commit's, measured on loopback).
 */
export function gzipAbove(url: string): number {
  const host = new URL(url).hostname;
  const loopback = host === 'localhost' || host === '[::1]' || (isIPv4(host) && host.startsWith('127.'));
  return loopback ? Number.MAX_SAFE_INTEGER : 64_000;
}

/** The InfluxDB endpoints one store talks to: where lines go and where InfluxQL is asked. */
interface Endpoint {
  write(lines: string[], state: boolean): Promise<void>;
  /** Query path and parameters for the data or the state policy/bucket. */
  queryPath(params: Record<string, string>, state: boolean): string;
  headers: Record<string, string>;
}

function endpoint(opts: InfluxOptions, influx: InfluxDB): Endpoint {
  const { transport } = influx;
  const body = (lines: string[]): string => lines.join('\n');
  const gzipThreshold = gzipAbove(opts.url);
  if (opts.api === 'v1') {
    const headers: Record<string, string> = opts.username ? { authorization: `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}` } : {};
    const rp = (state: boolean): Record<string, string> => {
      const name = state ? (opts.stateRetentionPolicy ?? 'seed_state') : opts.retentionPolicy;
      return { db: opts.database, ...(name && { rp: name }) };
    };
    return {
      headers,
      write: async (lines, state) => {
        const query = new URLSearchParams({ ...rp(state), precision: 'ns' });
        await transport.request(`/write?${query.toString()}`, body(lines), { method: 'POST', headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, gzipThreshold });
      },
      queryPath: (params, state) => `/query?${new URLSearchParams({ ...rp(state), ...params }).toString()}`,
    };
  }
  const bucket = (state: boolean): string => (state ? (opts.stateBucket ?? opts.bucket) : opts.bucket);
  return {
    headers: {},
    write: async (lines, state) => {
      // A write API per batch, sized to take it whole: the client flushes a full buffer on its own
      // and drops that flush's error, so nothing may fill it before our flush, which reports errors.
      const api = influx.getWriteApi(opts.org, bucket(state), 'ns', { batchSize: lines.length + 1, maxBatchBytes: Number.MAX_SAFE_INTEGER, flushInterval: 0, maxRetries: 0, gzipThreshold });
      try {
        api.writeRecords(lines);
        await api.flush();
      } finally {
        api.dispose();
      }
    },
    queryPath: (params, state) => `/query?${new URLSearchParams({ db: bucket(state), ...params }).toString()}`,
  };
}

export async function openInfluxStore(opts: InfluxOptions): Promise<Store> {
  const influx = new InfluxDB({ url: opts.url, timeout: opts.timeoutMs ?? 30_000, ...(opts.api === 'v2' && opts.token && { token: opts.token }) });
  const { transport } = influx;
  const at = endpoint(opts, influx);
  const stamps = new Stamps();
  const [write, read] = [serial(), serial()];

  /** Rows of one InfluxQL statement, in chunks as the server streams them. */
  async function* chunks(q: string, state = false): AsyncIterable<Row[]> {
    const path = at.queryPath({ epoch: 'u', chunked: 'true', chunk_size: String(CHUNK_ROWS) }, state);
    let pending = '';
    const decoder = new TextDecoder();
    const form = { method: 'POST', headers: { ...at.headers, 'content-type': 'application/x-www-form-urlencoded' } };
    for await (const bytes of transport.iterate(path, new URLSearchParams({ q }).toString(), form)) {
      pending += decoder.decode(bytes, { stream: true });
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const json = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (json) yield rowsOf(JSON.parse(json) as QueryResponse);
      }
    }
    if (pending.trim()) yield rowsOf(JSON.parse(pending) as QueryResponse);
  }
  const all = async (q: string, state = false): Promise<Row[]> => {
    const out: Row[] = [];
    for await (const rows of chunks(q, state)) out.push(...rows);
    return out;
  };
  /** A statement with no database (DDL): v1 only. */
  const exec = async (q: string): Promise<Row[]> =>
    rowsOf((await transport.request('/query', new URLSearchParams({ q }).toString(), { method: 'POST', headers: { ...at.headers, 'content-type': 'application/x-www-form-urlencoded' } })) as QueryResponse);

  if (opts.api === 'v1') await prepareV1(opts, exec);

  const send = async (lines: Lines): Promise<void> => {
    // Data first: a checkpoint is never ahead of the readings it covers. Readings older than the
    // retention policy are dropped by the server and the rest written ("partial write"): what
    // retention would delete anyway must not stop the engine.
    if (lines.data.length > 0) await at.write(lines.data, false).catch(beyondRetention);
    if (lines.state.length > 0) await at.write(lines.state, true);
  };

  return {
    commit: (batch) =>
      write(async () => {
        const lines = commitLines(batch, stamps); // serialised whole before anything is sent
        await send(lines);
      }),

    range: (series, from, to) =>
      read(async () => (await all(`SELECT ${OBSERVATION_COLUMNS} FROM observation${where([seriesWhere(series), ...timeRange(from, to)])}`)).map((r) => toObservation(r))),

    scan: (from, to) => ({
      async *[Symbol.asyncIterator]() {
        const q = `SELECT domain, station, metric, value, quality, unit, source FROM observation${where([...timeRange(from, to), USABLE])}`;
        for await (const rows of chunks(q)) {
          const out: Observation[] = [];
          for (const r of rows) {
            if (typeof r.value !== 'number' || (typeof r.source === 'string' && r.source.startsWith('derived:'))) continue;
            const o: Observation = { domain: r.domain as string, station: r.station as string, metric: r.metric as string, ts: msOf(r.time), value: r.value, quality: r.quality as Quality };
            if (typeof r.unit === 'string') o.unit = r.unit;
            out.push(o);
          }
          if (out.length > 0) yield out;
        }
      },
    }),

    latest: (series) =>
      read(async () => {
        if (series.length === 0) return new Map<string, Observation>();
        // The series' names come back as the group's tags.
        const q = `SELECT value, lon, lat, speed, course, quality, unit, source FROM observation WHERE (${series.map(seriesWhere).join(' OR ')}) GROUP BY domain, station, metric ORDER BY time DESC LIMIT 1`;
        const found = (await all(q)).map((r) => toObservation(r));
        return new Map(found.map((o) => [`${o.domain}.${o.station}.${o.metric}`, o]));
      }),

    aggregate: (series, from, to, everyMs) =>
      read(async () => {
        const q = `SELECT count(value), min(value), max(value), mean(value), sum(value), last(value) FROM observation${where([seriesWhere(series), USABLE, ...timeRange(from, to)])} GROUP BY time(${duration(everyMs)}) fill(none)`;
        return (await all(q)).map((r): Bucket => ({ start: msOf(r.time), count: r.count as number, min: r.min as number, max: r.max as number, mean: r.mean as number, sum: r.sum as number, last: r.last as number }));
      }),

    warnings: (query: WarningQuery = {}) =>
      read(async () => {
        if (query.ids?.length === 0) return [];
        const clauses = timeRange(query.from ?? -Infinity, query.to ?? Infinity);
        if (query.rule !== undefined) clauses.push(`"rule" = ${literal(query.rule)}`);
        if (query.entity !== undefined) clauses.push(`entity = ${literal(query.entity)}`);
        if (query.ids) clauses.push(anyOf('id', query.ids));
        const seen = new Set<string>();
        const out: WarningEvent[] = [];
        for (const r of await all(`SELECT id, event FROM warning${where(clauses)}`, true)) {
          // A batch written again after a crash repeats its events; the first one counts.
          if (seen.has(r.id as string)) continue;
          seen.add(r.id as string);
          out.push(JSON.parse(r.event as string) as WarningEvent);
        }
        return out;
      }),

    deadLetters: () =>
      read(async () =>
        (await all('SELECT subject, reason, payload, "at" FROM dead_letter')).map(
          (r): DeadLetter => ({ subject: r.subject as string, reason: r.reason as string, payload: r.payload as string, at: r.at as number }),
        ),
      ),

    audit: (action) =>
      read(async () =>
        (await all(`SELECT "action", "value", "by", reason, "at" FROM audit${action === undefined ? '' : ` WHERE "action" = ${literal(action)}`}`, true)).map(
          (r): AuditEntry => ({ at: r.at as number, action: r.action as string, value: r.value as string, by: r.by as string, reason: r.reason as string }),
        ),
      ),

    saveAlerting: (batch) =>
      write(async () => {
        const lines = alertingLines(batch, stamps);
        await send(lines);
      }),

    deliveries: (query: DeliveryQuery = {}) =>
      read(async () => {
        if (query.keys?.length === 0) return [];
        const clauses: string[] = [];
        if (query.warning !== undefined) clauses.push(`(event = ${literal(query.warning)} OR episode = ${literal(query.warning)})`);
        if (query.channel !== undefined) clauses.push(`channel = ${literal(query.channel)}`);
        if (query.keys) clauses.push(anyOf('"key"', query.keys));
        // The log in time order: a key's newest row is its state, its first row its place in the order.
        const newest = new Map<string, Delivery>();
        for (const r of await all(`SELECT "key", delivery FROM delivery${where(clauses)}`, true)) newest.set(r.key as string, JSON.parse(r.delivery as string) as Delivery);
        const states = query.states && new Set<string>(query.states);
        return [...newest.values()].filter((d) => !states || states.has(d.state));
      }),

    episodes: () =>
      read(async () =>
        (await all('SELECT "key", state FROM episode', true))
          .map((r): EpisodeRow => ({ key: r.key as string, state: JSON.parse(r.state as string) }))
          .sort(byKey),
      ),

    loadCheckpoint: (consumer) =>
      read(async (): Promise<Restored | undefined> => {
        const [found] = await all(`SELECT seq FROM checkpoint WHERE consumer = ${literal(consumer)}`, true);
        if (!found) return undefined;
        const states = (await all('SELECT "key", rule_hash, state FROM rule_state', true))
          .map((r): StateRow => ({ key: r.key as string, ruleHash: r.rule_hash as string, state: JSON.parse(r.state as string) }))
          .sort(byKey);
        const last = await all(`SELECT last(quality) FROM observation WHERE ${USABLE} GROUP BY domain, station, metric`);
        const lastTimes = new Map(last.map((r) => [`${r.domain as string}.${r.station as string}.${r.metric as string}`, msOf(r.time)]));
        return { consumer, seq: found.seq as number, states, lastTimes };
      }),

    close: async () => {
      // Let queued writes and reads finish first.
      await Promise.all([write(() => Promise.resolve()), read(() => Promise.resolve())]);
    },
  };
}

/**
 * InfluxDB 1.x: the database, a records policy kept forever (rule states, checkpoints, warnings,
 * deliveries, the audit trail), and the retention and downsampling asked for. `raw_days` alters
 * the policy readings already go to (the named one, else the database's default), so turning it on
 * never hides what is stored. Created when missing, altered when changed; needs an admin user.
 */
async function prepareV1(opts: Extract<InfluxOptions, { api: 'v1' }>, exec: (q: string) => Promise<Row[]>): Promise<void> {
  const db = ident(opts.database);
  await exec(`CREATE DATABASE ${db}`);
  const policies = await exec(`SHOW RETENTION POLICIES ON ${db}`);
  const has = (name: string): boolean => policies.some((r) => r.name === name);
  const policy = async (name: string, days: number | undefined): Promise<void> => {
    const want = days === undefined ? 'INF' : `${days}d`;
    await exec(has(name) ? `ALTER RETENTION POLICY ${ident(name)} ON ${db} DURATION ${want}` : `CREATE RETENTION POLICY ${ident(name)} ON ${db} DURATION ${want} REPLICATION 1 SHARD DURATION 1d`);
  };
  const stateRp = opts.stateRetentionPolicy ?? 'seed_state';
  if (!has(stateRp)) await policy(stateRp, undefined);
  const { retention } = opts;
  if (!retention) return;
  const raw = opts.retentionPolicy ?? (policies.find((r) => r.default === true)?.name as string | undefined) ?? 'autogen';
  if (retention.rawDays !== undefined) await policy(raw, retention.rawDays);
  if (retention.downsample) {
    const { everyMs, keepDays } = retention.downsample;
    const every = duration(everyMs);
    const target = `seed_downsampled_${every}`;
    await policy(target, keepDays);
    // The database in the name: SHOW CONTINUOUS QUERIES lists every database's.
    const name = `seed_downsample_${opts.database}_${every}`;
    const exists = (await exec('SHOW CONTINUOUS QUERIES')).some((r) => r.name === name);
    // Recomputed over twice the interval (at least 10 minutes), so readings that arrive late still count.
    const lookback = duration(Math.max(2 * everyMs, 600_000));
    const cq = `CREATE CONTINUOUS QUERY ${ident(name)} ON ${db} RESAMPLE FOR ${lookback} BEGIN SELECT mean(value) AS mean, min(value) AS min, max(value) AS max, count(value) AS count INTO ${db}.${ident(target)}.${ident(`observation_${every}`)} FROM ${db}.${ident(raw)}.observation WHERE ${USABLE} GROUP BY time(${every}), * END`;
    if (!exists) await exec(cq);
  }
}
