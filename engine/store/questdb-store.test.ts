// The QuestDB store. What runs here for real: the SQL it generates, and the line protocol it sends,
// read back by a real line-protocol server (influxd, behind a shim that answers on QuestDB's
// /write path). The store itself runs the conformance suite when QUESTDB_URL names a QuestDB
// (e.g. http://127.0.0.1:9000; the pg endpoint from QUESTDB_PG_URL, else host:8812 admin/quest).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, test } from 'node:test';
import fc from 'fast-check';
import { Pool } from 'pg';
import type { Sender } from '@questdb/nodejs-client';
import type { Delivery } from '../delivery.ts';
import type { Observation } from '../observation.ts';
import { startInfluxd, type InfluxServer } from '../servers/influxd-server.ts';
import type { WarningEvent } from '../warning.ts';
import { clocks, fillAlerting, fillCommit, stamper } from './questdb-lines.ts';
import {
  aggregateQuery, auditQuery, createTables, deliveriesQuery, dropTables, knownWarningsQuery, latestQuery, rangeQuery, sampleWidth,
  scanQuery, tableNames, timeLiteral, warningsQuery, type Query,
} from './questdb-sql.ts';
import { openQuestDbStore, openSender, timeChunks, waitApplied, type WalStatus } from './questdb-store.ts';
import { storeConformance } from './store-conformance.ts';
import type { CommitBatch } from './store.ts';

const T0 = Date.UTC(2024, 6, 1, 12, 0, 0, 123);
const T0_US = T0 * 1000;
const HOUR = 3_600_000;
/** The wall clock the writer is told, so the stamps of keyed rows are known. */
const NOW = Date.UTC(2024, 6, 2, 8, 0, 0, 0);

const event = (id: string, at: number): WarningEvent => ({
  id, kind: 'issued', rule: { id: 'flood', title: '洪水 Flood', hash: 'h1' }, domain: 'hydro', entity: 'S1',
  station: { id: 'S1', name: '一号站 "S1"', lon: 120.1, lat: 30.2 }, tier: 'yellow', previousTier: null,
  at, issuedAt: at, summary: `flood at S1: 'quoted', "double", back\\slash, 水位 5.2 m`,
  evidence: { metric: 'level', unit: 'm', condition: 'level >= 5', threshold: 5, readings: [{ ts: at, value: 5.2 }] },
});

void describe('QuestDB SQL', () => {
  const t = tableNames('test_');
  const ddl = createTables(t);

  void it('names every table with the prefix, and refuses a prefix that is not a plain identifier', () => {
    assert.deepEqual(Object.values(t), [
      'test_observations', 'test_warnings', 'test_dead_letters', 'test_audit', 'test_rule_state', 'test_checkpoints', 'test_delivery_log', 'test_episodes',
    ]);
    assert.equal(tableNames().observations, 'seed_observations');
    for (const bad of ['', '1x_', 'x; DROP TABLE y; --', 'a-b', 'x"']) assert.throws(() => tableNames(bad), RangeError);
    assert.deepEqual(dropTables(t)[0], 'DROP TABLE IF EXISTS test_observations');
  });

  void it('creates each table with a designated timestamp, daily partitions, a WAL and dedup keys', () => {
    const keys = ['series, source', 'id', 'subject', 'action', 'key', 'consumer', 'key', 'key'];
    assert.equal(ddl.length, 8);
    ddl.forEach((sql, i) => {
      const name = Object.values(t)[i]!;
      assert.ok(sql.startsWith(`CREATE TABLE IF NOT EXISTS ${name} (`), sql);
      assert.ok(sql.endsWith(`, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, ${keys[i]})`), sql);
    });
    assert.match(ddl[0]!, /series SYMBOL, .*value DOUBLE, .*usable BOOLEAN/);
    assert.ok(!ddl.some((sql) => sql.includes('TTL')), 'no TTL unless asked for');
  });

  void it('puts a TTL on raw observations only, where QuestDB parses it: after PARTITION BY, before WAL', () => {
    const [observations, ...others] = createTables(t, { ttlDays: 30 });
    assert.match(observations!, /TIMESTAMP\(ts\) PARTITION BY DAY TTL 30 DAYS WAL DEDUP UPSERT KEYS\(ts, series, source\)$/);
    assert.ok(!others.some((sql) => sql.includes('TTL')));
    for (const bad of [0, -1, 1.5, NaN]) assert.throws(() => createTables(t, { ttlDays: bad }), RangeError);
  });

  void it('writes time bounds as ISO literals with microseconds', () => {
    assert.equal(timeLiteral(T0_US + 250), "'2024-07-01T12:00:00.123250Z'");
    assert.equal(timeLiteral(0), "'1970-01-01T00:00:00.000000Z'");
    assert.equal(timeLiteral(-1), "'1969-12-31T23:59:59.999999Z'");
    assert.throws(() => timeLiteral(1.5), RangeError);
    const q = rangeQuery(t, 'hydro.S1.level', T0, T0 + 0.25);
    assert.ok(q.text.includes("ts >= '2024-07-01T12:00:00.123000Z' AND ts < '2024-07-01T12:00:00.123250Z'"), q.text);
    // An open bound adds no clause; a bound past what a number holds exactly is held to it.
    assert.ok(!rangeQuery(t, 's', -Infinity, Infinity).text.includes('ts <'));
    assert.ok(rangeQuery(t, 's', 0, 1e300).text.includes("ts < '2255-06-05T23:47:34.740991Z'"));
  });

  void it('reads the newest reading with LATEST ON, casting times to microseconds', () => {
    const q = latestQuery(t, ['hydro.S1.level', 'marine.M1.fix'])!;
    assert.equal(
      q.text,
      'SELECT series, domain, station, metric, cast(ts AS LONG) AS ts_us, value, lon, lat, speed, course, unit, quality, source ' +
        'FROM (SELECT * FROM test_observations WHERE series IN ($1, $2) LATEST ON ts PARTITION BY series)',
    );
    assert.deepEqual(q.values, ['hydro.S1.level', 'marine.M1.fix']);
    assert.equal(latestQuery(t, []), undefined);
  });

  void it('aggregates with SAMPLE BY when the width divides a day, else on an epoch-aligned bucket', () => {
    assert.deepEqual([HOUR, 90 * 60_000, 86_400_000, 250, 0.5, 15_000].map((ms) => sampleWidth(ms * 1000)), ['1h', '90m', '1d', '250T', '500U', '15s']);
    const hourly = aggregateQuery(t, 'hydro.S1.level', T0, T0 + 4 * HOUR, HOUR);
    assert.match(hourly.text, /FROM test_observations WHERE series = \$1 AND ts >= '[^']+' AND ts < '[^']+' AND usable = true AND value IS NOT NULL SAMPLE BY 1h ALIGN TO CALENDAR\)/);
    assert.match(hourly.text, /count\(\) AS n, min\(value\) AS lo, max\(value\) AS hi, avg\(value\) AS mean, sum\(value\) AS total, last\(value\) AS newest/);
    assert.deepEqual(hourly.values, ['hydro.S1.level']);
    // 7 minutes does not divide a day: midnight-aligned buckets would not be multiples of it.
    const odd = aggregateQuery(t, 'hydro.S1.level', T0, T0 + HOUR, 7 * 60_000);
    assert.ok(!odd.text.includes('SAMPLE BY'), odd.text);
    assert.ok(odd.text.includes('us - ((us % 420000000) + 420000000) % 420000000 AS start_us'), odd.text);
    assert.ok(odd.text.includes('GROUP BY start_us ORDER BY start_us'), odd.text);
    assert.throws(() => aggregateQuery(t, 's', 0, 1, 0), RangeError);
  });

  void it('scans usable measured readings in time order, a chunk at a time', () => {
    const q = scanQuery(t, T0_US, T0_US + 1000, 10_000);
    assert.match(q.text, /WHERE ts >= '[^']+' AND ts < '[^']+' AND usable = true AND value IS NOT NULL AND \(source IS NULL OR NOT \(source LIKE 'derived:%'\)\) ORDER BY ts LIMIT 10000\)$/);
    assert.ok(!scanQuery(t, 0, 1).text.includes('LIMIT'));
  });

  void it('passes every value as a parameter: a quote in one is harmless', () => {
    const evil = "x' OR '1'='1"; // spliced, it would end the string and match every row
    const queries: Query[] = [
      rangeQuery(t, evil, T0, T0 + 1),
      latestQuery(t, [evil, 'ok'])!,
      aggregateQuery(t, evil, T0, T0 + HOUR, 7 * 60_000),
      aggregateQuery(t, evil, T0, T0 + HOUR, HOUR),
      warningsQuery(t, { rule: evil, entity: evil, ids: [evil] })!,
      knownWarningsQuery(t, [evil])!,
      auditQuery(t, evil),
      deliveriesQuery(t, { warning: evil, channel: evil, keys: [evil], states: ['queued'] })!,
    ];
    for (const q of queries) {
      assert.ok(!q.text.includes(evil), q.text);
      assert.ok(q.values.includes(evil), q.text);
      assert.equal(q.text.match(/\$\d+/g)?.length ?? 0, q.values.length, `one placeholder a value: ${q.text}`);
    }
    // The only quoted text is what the store writes itself: time literals and constants.
    for (const q of queries) for (const literal of q.text.match(/'[^']*'/g) ?? []) assert.match(literal, /^'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z|derived:%)'$/);
    const deliveries = deliveriesQuery(t, { warning: 'w-1', states: ['queued', 'sent'] })!;
    assert.deepEqual(deliveries.values, ['w-1', 'w-1', 'queued', 'sent']);
    assert.match(deliveries.text, /\(event = \$1 OR episode = \$2\) LATEST ON ts PARTITION BY key\) d JOIN .* WHERE d\.state IN \(\$3, \$4\)$/);
    // Filters that cannot match anything need no query.
    assert.equal(warningsQuery(t, { ids: [] }), undefined);
    assert.equal(deliveriesQuery(t, { keys: [] }), undefined);
    assert.equal(deliveriesQuery(t, { states: [] }), undefined);
    assert.equal(knownWarningsQuery(t, []), undefined);
  });

  void it('stamps log rows with their time, moved 1 µs on where needed so order is kept and none collide', () => {
    const stamp = stamper();
    assert.deepEqual([T0_US, T0_US, T0_US, T0_US + 1000, T0_US - 5000].map((us) => stamp(us)), [T0_US, T0_US + 1, T0_US + 2, T0_US + 1000, T0_US + 1001]);
    // A reopened store goes on past what is stored.
    assert.equal(clocks({ audit: T0_US + 7 }).audit(T0_US), T0_US + 8);
    assert.equal(clocks({ audit: T0_US + 7 }).deadLetters(T0_US), T0_US);
  });
});

void describe('QuestDB store logic', () => {
  void it('scans in chunks by time: every row once, in order, ties at a chunk edge held back, a chunk of one instant read whole', async () => {
    const collect = async (rows: { us: number; i: number }[], from: number, to: number, size: number): Promise<{ us: number; i: number }[][]> => {
      const read = (fromUs: number, toUs: number, limit?: number): Promise<{ us: number; i: number }[]> =>
        Promise.resolve(rows.filter((r) => r.us >= fromUs && r.us < toUs).slice(0, limit));
      const chunks: { us: number; i: number }[][] = [];
      for await (const chunk of timeChunks(read, (r) => r.us, from, to, size)) chunks.push(chunk);
      return chunks;
    };
    const rows = [0, 0, 1, 1, 1, 1, 1, 2, 3, 3].map((us, i) => ({ us, i }));
    assert.deepEqual((await collect(rows, 0, 10, 3)).map((c) => c.map((r) => r.i)), [[0, 1], [2, 3, 4, 5, 6], [7], [8, 9]]);
    assert.deepEqual(await collect(rows, 4, 10, 3), []);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 21 }), fc.integer({ min: 0, max: 21 }), async (times, size, from, to) => {
        const all = times.sort((a, b) => a - b).map((us, i) => ({ us, i }));
        const chunks = await collect(all, from, to, size);
        assert.deepEqual(chunks.flat(), all.filter((r) => r.us >= from && r.us < to));
        assert.ok(chunks.every((c) => c.length > 0));
      }),
    );
  });

  void it('waits for the WAL of the tables written, and says which one when it is suspended or too slow', async () => {
    const status = (...answers: WalStatus[][]): (() => Promise<WalStatus[]>) & { calls: number } => {
      const f = Object.assign(() => Promise.resolve(answers[Math.min(f.calls++, answers.length - 1)]!), { calls: 0 });
      return f;
    };
    const wal = (name: string, writerTxn: number, sequencerTxn: number, suspended = false): WalStatus => ({ name, writerTxn, sequencerTxn, suspended });
    const catchingUp = status([wal('seed_observations', 3, 5), wal('other', 0, 9)], [wal('seed_observations', 4, 5)], [wal('SEED_OBSERVATIONS', 5, 5), wal('other', 0, 9)]);
    await waitApplied(catchingUp, ['seed_observations']);
    assert.equal(catchingUp.calls, 3);
    const none = status([]);
    await waitApplied(none, []);
    assert.equal(none.calls, 0, 'nothing written, nothing to wait for');
    await waitApplied(status([wal('other', 0, 9)]), ['seed_audit']); // not a WAL table: applied as written
    await assert.rejects(waitApplied(status([wal('seed_audit', 1, 2, true)]), ['seed_audit']), /suspended the WAL of table seed_audit/);
    await assert.rejects(waitApplied(status([wal('seed_audit', 1, 2)]), ['seed_audit'], 20), /did not apply the writes to seed_audit \(applied txn 1 of 2\) within 0.02 s/);
  });
});

// ---------------------------------------------------------------------------------------------
// The line protocol, as a real line-protocol server reads it.

interface Received {
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  body: string;
}

/** QuestDB's ILP endpoint in front of influxd: forwards each POST /write to influxd's /write for `db`, and relays its answer. */
async function startShim(influx: string, db: string): Promise<{ url: string; received: Received[]; stop: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://shim');
      const body = Buffer.concat(chunks);
      received.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization, body: body.toString('utf8') });
      const precision = url.searchParams.get('precision') ?? 'n';
      fetch(`${influx}/write?db=${db}&precision=${precision}`, { method: 'POST', body })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'text/plain' });
          res.end(await r.text());
        })
        .catch((err: unknown) => {
          res.writeHead(502);
          res.end(String(err));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface InfluxResult {
  results: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
  error?: string;
}

void describe('QuestDB line protocol, read back by influxd', () => {
  const db = 'qdb_lines';
  const t = tableNames('lp_');
  let influx: InfluxServer;
  let shim: Awaited<ReturnType<typeof startShim>>;
  const agent = new http.Agent({ keepAlive: true });
  let sender: Sender;

  const influxql = async (q: string): Promise<Record<string, unknown>[]> => {
    const res = await fetch(`${influx.url}/query?db=${db}&epoch=u&q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as InfluxResult;
    const result = body.results?.[0];
    if (body.error ?? result?.error) throw new Error(body.error ?? result?.error);
    const series = result?.series?.[0];
    return series ? series.values.map((row) => Object.fromEntries(series.columns.map((c, i) => [c, row[i]]))) : [];
  };
  /** Field name → InfluxDB type (float, integer, string, boolean). */
  const fieldTypes = async (measurement: string): Promise<Record<string, unknown>> =>
    Object.fromEntries((await influxql(`SHOW FIELD KEYS FROM "${measurement}"`)).map((r) => [String(r.fieldKey), r.fieldType] as const));
  const tagKeys = async (measurement: string): Promise<unknown[]> => (await influxql(`SHOW TAG KEYS FROM "${measurement}"`)).map((r) => r.tagKey);

  const fine: Observation = { domain: 'hydro', station: 'S1', metric: 'level', ts: T0 + 0.25, value: 3.14159, unit: 'm', quality: 'reliable', source: 'gauge' };
  const fix: Observation = {
    domain: 'marine', station: 'MMSI413000001', metric: 'fix', ts: T0 + 7,
    position: { lon: 121.4912345, lat: -31.2398765, speed: 12.5, course: 271.3 }, quality: 'doubtful', source: '岸基 AIS, "站=1"',
  };
  const bare: Observation = { domain: 'met', station: 'S1', metric: 'rain', ts: T0, quality: 'missing' };
  const rain: Observation = { domain: 'met', station: 'S2', metric: 'rain', ts: T0 + 1000, value: 12, unit: '毫米', quality: 'unreliable' };
  const issued = event('w-a', T0 + 2000);
  const batch: CommitBatch = {
    observations: [fine, fix, bare, rain],
    events: [issued, event('w-known', T0), issued],
    deadLetters: [
      { subject: 'obs.hydro.S1.level', reason: 'ts: invalid', payload: '{"ts":"soon"}', at: T0 },
      { subject: 'obs.hydro.S1.level', reason: "value: expected number, got 'x'", payload: 'line one\\nline "two"', at: T0 },
      { subject: 'obs.x', reason: 'not JSON', payload: 'base64:AAEC', at: T0 + 1 },
    ],
    audit: [
      { at: T0, action: 'mode', value: 'emergency', by: '值班预报员', reason: '台风 "Haikui" 登陆' },
      { at: T0, action: 'rules', value: '12 rules', by: 'watcher', reason: 'file changed' },
    ],
    checkpoint: {
      consumer: 'engine', seq: 42,
      states: [
        { key: 'flood|S1', ruleHash: 'h2', state: { tier: 'orange' } },
        { key: 'flood|S2', ruleHash: 'h2', state: null },
        { key: 'flood|S1', ruleHash: 'h2', state: { tier: 'yellow', note: '水位 "上涨"' } }, // the last one wins
      ],
    },
  };
  const delivery: Delivery = {
    key: 'w-a|sms|p1', event: 'w-a', episode: `flood|S1|${T0}`, rule: 'flood', entity: 'S1', domain: 'hydro', tier: 'orange', channel: 'sms',
    recipient: { kind: 'person', id: 'p1', name: '张三', phone: '13800000000' }, lang: 'zh', title: '橙色预警', text: "河道水位超警 'quoted' \"double\"",
    priority: 2, state: 'queued', attempts: 0, nextAt: T0, history: [{ at: T0, state: 'queued' }],
  };
  const sent: Delivery = { ...delivery, state: 'sent', attempts: 1, ref: 'msg-17', history: [...delivery.history, { at: T0 + 10, state: 'sent' }] };

  before(async () => {
    influx = await startInfluxd();
    const created = await fetch(`${influx.url}/query?q=${encodeURIComponent(`CREATE DATABASE ${db}`)}`, { method: 'POST' });
    assert.equal(created.status, 200);
    shim = await startShim(influx.url, db);
    sender = await openSender(shim.url, agent, { username: 'seed', password: 'p;w=d' });
    const clock = clocks();
    const written = await fillCommit({ data: sender, checkpoint: sender }, t, batch, clock, { now: NOW, known: new Set(['w-known']) });
    assert.deepEqual(written, { data: [t.observations, t.warnings, t.deadLetters, t.audit], checkpoint: [t.ruleState, t.checkpoints] });
    assert.equal(await sender.flush(), true);
    const alerting = await fillAlerting(sender, t, { deliveries: [delivery, sent], episodes: [{ key: delivery.episode, state: { approvals: ['值班'] } }] }, clock, { now: NOW });
    assert.deepEqual(alerting, [t.deliveryLog, t.episodes]);
    assert.equal(await sender.flush(), true);
  });

  after(async () => {
    await sender?.close();
    agent.destroy();
    await shim?.stop();
    await influx?.stop();
  });

  void it("posts to QuestDB's /write with nanosecond precision and the credentials, as text line protocol", () => {
    assert.equal(shim.received.length, 2);
    for (const r of shim.received) {
      assert.equal(r.path, '/write');
      assert.deepEqual(r.query, { precision: 'n' });
      assert.equal(r.auth, `Basic ${Buffer.from('seed:p;w=d').toString('base64')}`);
    }
    // Doubles as text (protocol version 2 would send them binary), designated timestamps in ns.
    assert.ok(shim.received[0]!.body.includes(`value=3.14159,usable=t ${T0_US + 250}000\n`), shim.received[0]!.body);
  });

  void it('observations: symbols as tags, doubles as floats, µs timestamps, absent columns left out', async () => {
    assert.deepEqual(await tagKeys(t.observations), ['domain', 'metric', 'quality', 'series', 'source', 'station', 'unit']);
    assert.deepEqual(await fieldTypes(t.observations), { course: 'float', lat: 'float', lon: 'float', speed: 'float', usable: 'boolean', value: 'float' });
    const none = { value: null, lon: null, lat: null, speed: null, course: null, unit: null, source: null };
    assert.deepEqual(await influxql(`SELECT * FROM "${t.observations}"`), [
      { ...none, time: T0_US, series: 'met.S1.rain', domain: 'met', station: 'S1', metric: 'rain', quality: 'missing', usable: false },
      { ...none, time: T0_US + 250, series: 'hydro.S1.level', domain: 'hydro', station: 'S1', metric: 'level', quality: 'reliable', unit: 'm', source: 'gauge', value: 3.14159, usable: true },
      {
        ...none, time: T0_US + 7000, series: 'marine.MMSI413000001.fix', domain: 'marine', station: 'MMSI413000001', metric: 'fix', quality: 'doubtful',
        source: '岸基 AIS, "站=1"', lon: 121.4912345, lat: -31.2398765, speed: 12.5, course: 271.3, usable: true,
      },
      { ...none, time: T0_US + 1_000_000, series: 'met.S2.rain', domain: 'met', station: 'S2', metric: 'rain', quality: 'unreliable', unit: '毫米', value: 12, usable: false },
    ]);
  });

  void it('warnings: once per id, left out when already stored, the event exactly as JSON', async () => {
    assert.deepEqual(await fieldTypes(t.warnings), { event: 'string', ins: 'integer', summary: 'string' });
    const rows = await influxql(`SELECT * FROM "${t.warnings}"`);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.deepEqual(JSON.parse(row!.event as string), issued);
    assert.deepEqual({ ...row, event: undefined }, {
      time: (T0 + 2000) * 1000, id: 'w-a', kind: 'issued', rule_id: 'flood', domain: 'hydro', entity: 'S1', tier: 'yellow',
      summary: issued.summary, event: undefined, ins: NOW * 1000,
    });
  });

  void it('dead letters and audit entries of the same millisecond get distinct timestamps in arrival order', async () => {
    assert.deepEqual(await influxql(`SELECT * FROM "${t.deadLetters}"`), batch.deadLetters.map((d, i) => ({
      time: i < 2 ? T0_US + i : (T0 + 1) * 1000, subject: d.subject, reason: d.reason, payload: d.payload, at_ms: d.at,
    })));
    assert.deepEqual(await fieldTypes(t.audit), { actor: 'string', at_ms: 'float', reason: 'string', value: 'string' });
    assert.deepEqual(await influxql(`SELECT * FROM "${t.audit}"`), batch.audit!.map((a, i) => ({
      time: T0_US + i, action: a.action, value: a.value, actor: a.by, reason: a.reason, at_ms: a.at,
    })));
  });

  void it('the checkpoint: the last state of each key, the position as an integer, stamped with the commit time', async () => {
    const states = await influxql(`SELECT * FROM "${t.ruleState}"`);
    assert.deepEqual(states.map((r) => ({ ...r, state: JSON.parse(r.state as string) as unknown })), [
      { time: NOW * 1000, key: 'flood|S1', rule_hash: 'h2', state: { tier: 'yellow', note: '水位 "上涨"' } },
      { time: NOW * 1000 + 1, key: 'flood|S2', rule_hash: 'h2', state: null },
    ]);
    assert.deepEqual(await fieldTypes(t.checkpoints), { seq: 'integer' });
    assert.deepEqual(await influxql(`SELECT * FROM "${t.checkpoints}"`), [{ time: NOW * 1000, consumer: 'engine', seq: 42 }]);
  });

  void it('deliveries: every save appended in order, the newest last; episode records', async () => {
    const log = await influxql(`SELECT * FROM "${t.deliveryLog}"`);
    assert.deepEqual(log.map((r) => ({ ...r, delivery: JSON.parse(r.delivery as string) as unknown })), [
      { time: NOW * 1000, key: delivery.key, event: 'w-a', episode: delivery.episode, channel: 'sms', state: 'queued', delivery },
      { time: NOW * 1000 + 1, key: delivery.key, event: 'w-a', episode: delivery.episode, channel: 'sms', state: 'sent', delivery: sent },
    ]);
    assert.deepEqual(await influxql(`SELECT * FROM "${t.episodes}"`), [{ time: NOW * 1000, key: delivery.episode, state: '{"approvals":["值班"]}' }]);
  });

  void it('a batch that cannot be serialised fills nothing, so nothing is sent', async () => {
    const failing: CommitBatch = {
      observations: [{ ...fine, ts: T0 + 5000 }], events: [event('w-x', T0)], deadLetters: [{ subject: 's', reason: 'r', payload: 'p', at: T0 }],
      checkpoint: { consumer: 'engine', seq: 43, states: [{ key: 'k', ruleHash: 'h', state: 1n }] },
    };
    await assert.rejects(fillCommit({ data: sender, checkpoint: sender }, t, failing, clocks(), { now: NOW }), TypeError);
    assert.equal(await sender.flush(), false);
    assert.equal(shim.received.length, 2);
  });
});

// ---------------------------------------------------------------------------------------------
// The store against a real QuestDB, when there is one.

const questdb = process.env.QUESTDB_URL;
if (questdb) {
  const pgUrl = process.env.QUESTDB_PG_URL ?? `postgres://admin:quest@${new URL(questdb).hostname}:8812/qdb`;
  const run = `seed_test_${Date.now().toString(36)}_`;
  const prefixes: string[] = [];
  after(async () => {
    // Each test had its own tables; drop them all.
    const pool = new Pool({ connectionString: pgUrl, max: 1 });
    try {
      for (const prefix of prefixes) for (const sql of dropTables(tableNames(prefix))) await pool.query(sql);
    } finally {
      await pool.end();
    }
  });
  storeConformance('questdb', () => {
    const prefix = `${run}${prefixes.length + 1}_`;
    prefixes.push(prefix);
    return Promise.resolve({ open: () => openQuestDbStore({ httpUrl: questdb, pgUrl, prefix }) });
  });
} else {
  test('store conformance: questdb', { skip: 'QUESTDB_URL not set: no QuestDB to run the conformance suite against (e.g. QUESTDB_URL=http://127.0.0.1:9000)' }, () => {});
}
