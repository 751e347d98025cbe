// The QuestDB store: writes as line protocol over HTTP (one request per table group per commit),
// reads as SQL over the PostgreSQL wire protocol. Same semantics as the DuckDB store; where QuestDB
// cannot do a transaction across tables, the order of writes keeps a crash harmless (see commit).
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sender, SenderOptions } from '@questdb/nodejs-client';
import { Pool, type PoolConfig } from 'pg';
import type { Delivery } from '../delivery.ts';
import type { Observation, Quality } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { clocks, fillAlerting, fillCommit, type Clocks } from './questdb-lines.ts';
import {
  STAMPED, aggregateQuery, auditQuery, boundMicros, checkpointQuery, createTables, deadLettersQuery, deliveriesQuery, episodesQuery,
  knownWarningsQuery, lastStamp, lastTimesQuery, latestQuery, rangeQuery, scanQuery, statesQuery, tableNames, walStatusQuery, warningsQuery,
  type Query, type Stamped,
} from './questdb-sql.ts';
import type { AuditEntry, Bucket, DeadLetter, EpisodeRow, Restored, StateRow, Store } from './store.ts';
import { byKey, observationOf } from './rows.ts';
import { serial } from './serial.ts';

export interface QuestDbOptions {
  /** ILP over HTTP, e.g. http://127.0.0.1:9000 */
  httpUrl: string;
  /** PostgreSQL wire protocol, e.g. postgres://admin@127.0.0.1:8812/qdb */
  pgUrl: string;
  /** For both endpoints; never logged. */
  username?: string;
  password?: string;
  /** Table name prefix, default `seed_`. */
  prefix?: string;
  /** Drop raw observations older than this many days (QuestDB 8.1+), whole daily partitions at a time. */
  ttlDays?: number;
}

/** How long a commit waits for QuestDB to apply what it wrote, so a read after it sees it. */
const WAL_TIMEOUT_MS = 30_000;
const SCAN_CHUNK = 10_000;

type Row = Record<string, unknown>;
// pg returns LONG (int8) as text and DOUBLE as a number; NULL as null.
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

const toObservation = (r: Row): Observation => observationOf(r, num(r.ts_us) / 1000);

const decode = (component: string): string | undefined => (component === '' ? undefined : decodeURIComponent(component));

function poolConfig(opts: QuestDbOptions): PoolConfig {
  const url = new URL(opts.pgUrl);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 8812 : Number(url.port),
    database: decode(url.pathname.slice(1)) ?? 'qdb',
    user: opts.username ?? decode(url.username),
    password: opts.password ?? decode(url.password),
    max: 4,
    allowExitOnIdle: true,
  };
}

/**
 * A Sender with automatic flushing off (each flush is one HTTP request, which QuestDB commits as
 * one transaction per table), text line protocol, and a caller's http Agent, which the caller ends.
 * Credentials come from `auth`, else from the URL.
 */
export async function openSender(httpUrl: string, agent: http.Agent, auth: { username?: string; password?: string } = {}): Promise<Sender> {
  const url = new URL(httpUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`QuestDB httpUrl must be http: or https:, got ${url.protocol}`);
  const protocol = url.protocol.slice(0, -1);
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  const options = await SenderOptions.fromConfig(`${protocol}::addr=${url.hostname}:${port};protocol_version=1;auto_flush=off;stdlib_http=on`, { agent });
  // Set here rather than in the configuration string, which would need escaping and shows up in its errors.
  const username = auth.username ?? decode(url.username);
  const password = auth.password ?? decode(url.password);
  if (username !== undefined) options.username = username;
  if (password !== undefined) options.password = password;
  return new Sender(options);
}

export interface WalStatus {
  name: string;
  suspended: boolean;
  writerTxn: number;
  sequencerTxn: number;
}

/**
 * Wait until QuestDB has applied everything its sequencer accepted for these tables: WAL tables
 * apply in the background, and a read right after a commit must see it.
 */
export async function waitApplied(status: () => Promise<WalStatus[]>, tables: readonly string[], timeoutMs = WAL_TIMEOUT_MS): Promise<void> {
  if (tables.length === 0) return;
  const wanted = new Set(tables.map((name) => name.toLowerCase()));
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    const ours = (await status()).filter((s) => wanted.has(s.name.toLowerCase()));
    const suspended = ours.find((s) => s.suspended);
    if (suspended) throw new Error(`QuestDB suspended the WAL of table ${suspended.name}: its writes are not applied (ALTER TABLE ... RESUME WAL)`);
    const behind = ours.filter((s) => s.writerTxn < s.sequencerTxn);
    if (behind.length === 0) return;
    if (Date.now() >= deadline) {
      const detail = behind.map((s) => `${s.name} (applied txn ${s.writerTxn} of ${s.sequencerTxn})`).join(', ');
      throw new Error(`QuestDB did not apply the writes to ${detail} within ${timeoutMs / 1000} s`);
    }
    await sleep(pause);
  }
}

/**
 * Rows from `fromUs` (inclusive) to `toUs` (exclusive) in time order, `size` at a time, each query
 * starting where the last one stopped. Rows at a chunk's last instant may go on into the next
 * chunk, so they are held back and read again with it; a chunk all at one instant is read in full.
 */
export async function* timeChunks<R>(
  read: (fromUs: number, toUs: number, limit?: number) => Promise<R[]>,
  micros: (row: R) => number,
  fromUs: number,
  toUs: number,
  size: number,
): AsyncGenerator<R[]> {
  for (let cursor = fromUs; cursor < toUs; ) {
    const found = await read(cursor, toUs, size);
    if (found.length < size) {
      if (found.length > 0) yield found;
      return;
    }
    const lastUs = micros(found.at(-1)!);
    let cut = found.length;
    while (cut > 0 && micros(found[cut - 1]!) === lastUs) cut--;
    if (cut > 0) {
      yield found.slice(0, cut);
      cursor = lastUs;
    } else {
      yield await read(lastUs, lastUs + 1);
      cursor = lastUs + 1;
    }
  }
}

export async function openQuestDbStore(opts: QuestDbOptions): Promise<Store> {
  const t = tableNames(opts.prefix);
  const pool = new Pool(poolConfig(opts));
  // An idle connection that drops (a server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const rows = async (q: Query): Promise<Row[]> => (await pool.query<Row>(q.text, q.values)).rows;
  const agent = new URL(opts.httpUrl).protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });

  const start = async (): Promise<{ clock: Clocks; data: Sender; checkpoint: Sender }> => {
    for (const ddl of createTables(t, { ttlDays: opts.ttlDays })) await pool.query(ddl);
    // Stamps go on past those already stored, so a reopened store's rows still sort after the old ones.
    const last = await Promise.all(
      (Object.keys(STAMPED) as Stamped[]).map(async (name) => {
        const [found] = await rows(lastStamp(t, name));
        return [name, found?.stamp == null ? undefined : num(found.stamp)] as const;
      }),
    );
    const clock = clocks(Object.fromEntries(last.filter(([, v]) => v !== undefined)));
    const [data, checkpoint] = await Promise.all([openSender(opts.httpUrl, agent, opts), openSender(opts.httpUrl, agent, opts)]);
    return { clock, data, checkpoint };
  };
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start();
  } catch (err) {
    agent.destroy();
    await pool.end();
    throw err;
  }
  const { clock, data, checkpoint } = started;
  const write = serial();

  const walStatus = async (): Promise<WalStatus[]> =>
    (await rows(walStatusQuery())).map((r) => ({ name: str(r.name), suspended: r.suspended === true, writerTxn: num(r.writer_txn), sequencerTxn: num(r.sequencer_txn) }));

  /** Flush in order, then wait for what was written; on any failure the buffers are emptied for the next batch. */
  async function send(senders: readonly Sender[], fill: () => Promise<string[]>): Promise<void> {
    try {
      const tables = await fill();
      for (const s of senders) await s.flush();
      await waitApplied(walStatus, tables);
    } catch (err) {
      for (const s of senders) s.reset();
      throw err;
    }
  }

  const commit: Store['commit'] = (batch) =>
    write(async () => {
      const known = knownWarningsQuery(t, [...new Set(batch.events.map((e) => e.id))]);
      const stored = new Set(known ? (await rows(known)).map((r) => str(r.id)) : []);
      // Data first, then the checkpoint covering it: a crash in between leaves the checkpoint behind,
      // never ahead, and the replayed rows replace their first copies (dedup keys).
      await send([data, checkpoint], async () => {
        const written = await fillCommit({ data, checkpoint }, t, batch, clock, { now: Date.now(), known: stored });
        return [...written.data, ...written.checkpoint];
      });
    });

  const saveAlerting: Store['saveAlerting'] = (batch) => write(() => send([data], () => fillAlerting(data, t, batch, clock, { now: Date.now() })));

  let closing: Promise<void> | undefined;
  return {
    commit,
    saveAlerting,

    range: async (series, from, to) => (from < to ? (await rows(rangeQuery(t, series, from, to))).map(toObservation) : []),

    scan: (from, to) => ({
      async *[Symbol.asyncIterator]() {
        if (!(from < to)) return;
        const end = boundMicros(to);
        const names = new Map<string, [string, string, string]>();
        const reading = (r: Row): Observation => {
          const series = str(r.series);
          let n = names.get(series);
          if (!n) names.set(series, (n = series.split('.') as [string, string, string]));
          const o: Observation = { domain: n[0], station: n[1], metric: n[2], ts: num(r.ts_us) / 1000, value: num(r.value), quality: str(r.quality) as Quality };
          if (r.unit !== null) o.unit = str(r.unit);
          return o;
        };
        const read = (fromUs: number, toUs: number, limit?: number): Promise<Row[]> => rows(scanQuery(t, fromUs, toUs, limit));
        for await (const chunk of timeChunks(read, (r) => num(r.ts_us), boundMicros(from), end, SCAN_CHUNK)) yield chunk.map(reading);
      },
    }),

    latest: async (series) => {
      const q = latestQuery(t, series);
      return new Map(q ? (await rows(q)).map((r) => [str(r.series), toObservation(r)]) : []);
    },

    aggregate: async (series, from, to, everyMs) =>
      from < to
        ? (await rows(aggregateQuery(t, series, from, to, everyMs))).map(
            (r): Bucket => ({ start: num(r.start_us) / 1000, count: num(r.n), min: num(r.lo), max: num(r.hi), mean: num(r.mean), sum: num(r.total), last: num(r.newest) }),
          )
        : [],

    warnings: async (query = {}) => {
      const q = warningsQuery(t, query);
      return q ? (await rows(q)).map((r) => JSON.parse(str(r.event)) as WarningEvent) : [];
    },

    deadLetters: async () =>
      (await rows(deadLettersQuery(t))).map((r): DeadLetter => ({ subject: str(r.subject), reason: str(r.reason), payload: str(r.payload), at: num(r.at_ms) })),

    audit: async (action) =>
      (await rows(auditQuery(t, action))).map((r): AuditEntry => ({ at: num(r.at_ms), action: str(r.action), value: str(r.value), by: str(r.actor), reason: str(r.reason) })),

    deliveries: async (query = {}) => {
      const q = deliveriesQuery(t, query);
      if (!q) return [];
      // In order of each delivery's first save.
      const found = (await rows(q)).map((r) => ({ first: num(r.first_us), delivery: str(r.delivery) }));
      return found.sort((a, b) => a.first - b.first).map((r) => JSON.parse(r.delivery) as Delivery);
    },

    episodes: async () => (await rows(episodesQuery(t))).map((r): EpisodeRow => ({ key: str(r.key), state: JSON.parse(str(r.state)) })).sort(byKey),

    // Through the write queue, so the position and the states come from the same commit.
    loadCheckpoint: (consumer) =>
      write(async (): Promise<Restored | undefined> => {
        const [found] = await rows(checkpointQuery(t, consumer));
        if (!found) return undefined;
        const states = (await rows(statesQuery(t)))
          .map((r): StateRow => ({ key: str(r.key), ruleHash: str(r.rule_hash), state: JSON.parse(str(r.state)) }))
          .sort(byKey);
        // Rule states are saved only when they change in substance; how far each series was
        // evaluated is read back from the observations committed with them.
        const lastTimes = new Map((await rows(lastTimesQuery(t))).map((r) => [str(r.series), num(r.ts_us) / 1000]));
        return { consumer, seq: num(found.seq), states, lastTimes };
      }),

    close: () =>
      (closing ??= (async () => {
        // Let queued commits finish first, so closing never cuts one short.
        await write(() => Promise.resolve());
        await Promise.all([data.close(), checkpoint.close()]);
        agent.destroy();
        await pool.end();
      })()),
  };
}
