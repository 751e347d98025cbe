// The embedded DuckDB store against the store port's conformance suite, each test on its own file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seriesKey, type Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore } from './duckdb-store.ts';
import type { StateRow, Store } from './store.ts';
import { storeConformance } from './store-conformance.ts';

let dir = '';
let files = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-duckdb-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const WARNED_AT = Date.UTC(2026, 6, 1);
/** A warning of rule r about entity `id`, at `at`. */
const warning = (id: string, at = WARNED_AT): WarningEvent =>
  ({ id, kind: 'issued', rule: { id: 'r', title: 'r', hash: 'h' }, domain: 'hydro', entity: id, station: { id, name: id, lon: 0, lat: 0 }, tier: 'blue', previousTier: null, at, issuedAt: at, summary: id, evidence: { metric: 'level', condition: 'c', readings: [] } }) as unknown as WarningEvent;

storeConformance('duckdb', () => {
  const file = path.join(dir, `store-${++files}.duckdb`);
  return Promise.resolve({ open: () => openDuckDbStore(file) });
});

void test('retention: readings and dead letters older than the days asked are deleted at open and hourly; warnings stay', async () => {
  const DAY = 86_400_000;
  let now = Date.UTC(2026, 0, 31);
  const file = path.join(dir, 'retention.duckdb');
  const reading = (ts: number): Observation => ({ domain: 'hydro', station: 'S1', metric: 'level', ts, value: 1, quality: 'reliable' });
  let store = await openDuckDbStore(file);
  await store.commit({ observations: [reading(now - 40 * DAY), reading(now - 20 * DAY), reading(now - DAY)], events: [warning('w1', now - 40 * DAY)], deadLetters: [{ subject: 's', reason: 'r', payload: 'p', at: now - 40 * DAY }] });
  await store.close();

  store = await openDuckDbStore(file, { retentionDays: 30, clock: () => now });
  const kept = async (): Promise<number[]> => (await store.range('hydro.S1.level', -Infinity, Infinity)).map((o) => (now - o.ts) / DAY);
  assert.deepEqual(await kept(), [20, 1]);
  assert.deepEqual(await store.deadLetters(), []);
  assert.equal((await store.warnings()).length, 1);
  now += 15 * DAY; // the 20-day-old reading is now 35 days old: gone after the next commit
  await store.commit({ observations: [reading(now)], events: [], deadLetters: [] });
  assert.deepEqual(await kept(), [16, 0]);
  await store.close();
});

void test('warnings keep their insertion order across a reopen, and an id committed again is read once, where it was first stored', async () => {
  const file = path.join(dir, 'order.duckdb');
  const reading: Observation = { domain: 'hydro', station: 'S1', metric: 'level', ts: WARNED_AT, value: 1, quality: 'reliable' };
  let store = await openDuckDbStore(file);
  await store.commit({ observations: [], events: [warning('z'), warning('y')], deadLetters: [] });
  await store.close();
  store = await openDuckDbStore(file);
  // 'y' is stored already: the commit lands whole, and 'y' is read once.
  await store.commit({ observations: [reading], events: [warning('x'), warning('y')], deadLetters: [] });
  await store.commit({ observations: [], events: [warning('w')], deadLetters: [] });
  assert.deepEqual((await store.warnings()).map((w) => w.id), ['z', 'y', 'x', 'w']);
  assert.equal((await store.range('hydro.S1.level', -Infinity, Infinity)).length, 1);
  await store.close();
});

void test('a commit that fails halfway through its readings leaves none of them, and none of its series numbers, behind', async () => {
  const file = path.join(dir, 'half.duckdb');
  let store = await openDuckDbStore(file);
  const at = Date.UTC(2026, 6, 1);
  const reading = (station: string, k = 0): Observation => ({ domain: 'hydro', station, metric: 'level', ts: at + k * 60_000, value: 1 + k, quality: 'reliable' });
  // 5,000 readings fill two chunks (2,048 rows each) that reach the appender before the broken one:
  // a quality that is not one of the four.
  const many = Array.from({ length: 5000 }, (_, k) => reading('S1', k));
  const broken = { ...reading('S2'), quality: 7 } as unknown as Observation;
  await assert.rejects(store.commit({ observations: [...many, broken], events: [], deadLetters: [] }), /quality 7 is not one of/);
  // S3 and S2 may take the numbers S1 and S2 had in the failed commit; S1 comes back with a new one.
  await store.commit({ observations: [reading('S3'), reading('S2'), reading('S1', 1)], events: [], deadLetters: [] });
  const read = async (): Promise<number[][]> =>
    Promise.all(['S1', 'S2', 'S3'].map(async (s) => (await store.range(`hydro.${s}.level`, -Infinity, Infinity)).map((o) => o.value!)));
  assert.deepEqual(await read(), [[2], [1], [1]]);
  await store.close();
  store = await openDuckDbStore(file);
  assert.deepEqual(await read(), [[2], [1], [1]]);
  await store.close();
});

void test('readings are numbered by the series keys a commit passes, and by their names without them: one series row either way', async () => {
  const file = path.join(dir, 'keys.duckdb');
  const store = await openDuckDbStore(file);
  const reading = (station: string, ts: number, unit?: string): Observation => ({ domain: 'hydro', station, metric: 'level', ts, value: ts, quality: 'reliable', ...(unit && { unit }) });
  const keyed = [reading('S1', 1), reading('S2', 2, 'm'), reading('S3', 3), reading('S1', 4, 'm')];
  await store.commit({ observations: keyed, keys: keyed.map(seriesKey), events: [], deadLetters: [] });
  await store.commit({ observations: [reading('S2', 5, 'm'), reading('S1', 6), reading('S3', 7, 'm')], events: [], deadLetters: [] });
  const read = async (s: string): Promise<string[]> => (await store.range(`hydro.${s}.level`, -Infinity, Infinity)).map((o) => `${o.ts}${o.unit ?? ''}`);
  assert.deepEqual(await Promise.all(['S1', 'S2', 'S3'].map(read)), [['1', '4m', '6'], ['2m', '5m'], ['3', '7m']]);
  await store.close();
  const instance = await DuckDBInstance.create(file);
  const db = await instance.connect();
  assert.deepEqual((await db.runAndReadAll('SELECT key, unit FROM series ORDER BY key, unit NULLS FIRST')).getRows(), [
    ['hydro.S1.level', null], ['hydro.S1.level', 'm'], ['hydro.S2.level', 'm'], ['hydro.S3.level', null], ['hydro.S3.level', 'm'],
  ]);
  db.closeSync();
  instance.closeSync();
});

void test('readings of every shape, over several chunks, read back as written', async () => {
  const store = await openDuckDbStore(path.join(dir, 'shapes.duckdb'));
  // Before 1970 and after, fractions of a millisecond, values and positions with and without each
  // other and with and without speed and course, every quality, units and sources per series.
  const shapes: ((k: number) => Partial<Observation>)[] = [
    (k) => ({ value: k / 8 }),
    (k) => ({ position: { lon: 120 + k / 1000, lat: 27.5 } }),
    (k) => ({ position: { lon: 121, lat: 28, speed: k % 20, course: (k * 7) % 360 }, value: -k }),
    (k) => ({ value: k, unit: 'm', source: 'gauge-a' }),
    (k) => ({ value: k, unit: 'cm' }),
  ];
  const written = Array.from({ length: 4500 }, (_, k): Observation => {
    const shape = k % shapes.length;
    return { domain: 'marine', station: `V${k % 3}`, metric: `m${shape}`, ts: -86_400_000 + k * 97_654 + (k % 4) * 0.25, quality: (['reliable', 'doubtful', 'unreliable', 'missing'] as const)[k % 4]!, ...shapes[shape]!(k) };
  });
  await store.commit({ observations: written.slice(0, 3000), events: [], deadLetters: [] });
  await store.commit({ observations: written.slice(3000), events: [], deadLetters: [] });
  const series = [...new Set(written.map((o) => `${o.domain}.${o.station}.${o.metric}`))];
  const read = (await Promise.all(series.map((s) => store.range(s, -Infinity, Infinity)))).flat();
  const order = (a: Observation, b: Observation): number => a.station.localeCompare(b.station) || a.metric.localeCompare(b.metric) || a.ts - b.ts;
  assert.deepEqual(read.sort(order), [...written].sort(order));
  await store.close();
});

void test('a file from before readings were numbered (and one from before the series key stood for the names) opens, its readings read back, and takes new ones', async () => {
  const t = Date.UTC(2026, 6, 1);
  for (const names of ['domain VARCHAR, station VARCHAR, metric VARCHAR,', '']) {
    const file = path.join(dir, `old-layout-${names ? 'names' : 'key'}.duckdb`);
    const old = await DuckDBInstance.create(file);
    const db = await old.connect();
    await db.run(`CREATE TABLE observations (series VARCHAR, ${names} ts TIMESTAMP, value DOUBLE,
      lon DOUBLE, lat DOUBLE, speed DOUBLE, course DOUBLE, unit VARCHAR, quality VARCHAR, source VARCHAR)`);
    const row = (series: string, ms: number, rest: string): string => {
      const [domain, station, metric] = series.split('.');
      return `('${series}', ${names ? `'${domain}', '${station}', '${metric}',` : ''} make_timestamp(${ms * 1000}), ${rest})`;
    };
    await db.run(`INSERT INTO observations VALUES
      ${row('hydro.S1.level', t, "2.5, NULL, NULL, NULL, NULL, 'm', 'reliable', NULL")},
      ${row('hydro.S1.level', t + 30_000, "250, NULL, NULL, NULL, NULL, 'cm', 'doubtful', 'manual'")},
      ${row('marine.V1.fix', t, "NULL, 120.5, 27.1, 8, 90, NULL, 'unreliable', 'ais'")}`);
    db.closeSync();
    old.closeSync();
    const store = await openDuckDbStore(file);
    const next: Observation = { domain: 'hydro', station: 'S1', metric: 'level', ts: t + 60_000, value: 2.6, unit: 'm', quality: 'reliable' };
    await store.commit({ observations: [next], events: [], deadLetters: [] });
    assert.deepEqual(await store.range('hydro.S1.level', -Infinity, Infinity), [
      { domain: 'hydro', station: 'S1', metric: 'level', ts: t, value: 2.5, unit: 'm', quality: 'reliable' },
      { domain: 'hydro', station: 'S1', metric: 'level', ts: t + 30_000, value: 250, unit: 'cm', quality: 'doubtful', source: 'manual' },
      next,
    ]);
    assert.deepEqual(await store.range('marine.V1.fix', -Infinity, Infinity), [
      { domain: 'marine', station: 'V1', metric: 'fix', ts: t, position: { lon: 120.5, lat: 27.1, speed: 8, course: 90 }, quality: 'unreliable', source: 'ais' },
    ]);
    assert.deepEqual([...(await store.latest(['hydro.S1.level'])).values()], [next]);
    await store.close();
  }
});

/** The rows of a table in a closed store's file, counted through a connection of its own. */
async function rowCount(file: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(file);
  const db = await instance.connect();
  try {
    return Number((await db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

void test('rule states are a log whose newest row per key wins; superseded rows are deleted once the log has grown by 10,000 rows and doubled', async () => {
  const file = path.join(dir, 'states.duckdb');
  const states = (round: number) => Array.from({ length: 1000 }, (_, k) => ({ key: `r|S${k}`, ruleHash: `h${round}`, state: { round, k } }));
  const commit = (store: Store, seq: number, rows: StateRow[]) => store.commit({ observations: [], events: [], deadLetters: [], checkpoint: { consumer: 'engine', seq, states: rows } });
  const once = { key: 'r|once', ruleHash: 'h0', state: 'kept' };
  const newest = (round: number) => [...states(round), once].sort((a, b) => (a.key < b.key ? -1 : 1));
  let store = await openDuckDbStore(file);
  // A key written once and never again, then nine rounds of the same 1,000 keys, a key repeated in
  // the ninth (its last row wins): 9,001 rows, short of the 10,000 a compaction waits for.
  await commit(store, 1, [once]);
  for (let round = 1; round <= 9; round++) await commit(store, round + 1, [...(round === 9 ? [{ key: 'r|S0', ruleHash: 'stale', state: null }] : []), ...states(round)]);
  await store.close();
  assert.equal(await rowCount(file, 'rule_state_log'), 9001);
  store = await openDuckDbStore(file);
  assert.deepEqual((await store.loadCheckpoint('engine'))?.states, newest(9));
  // Counted from the open: ten more rounds grow the log by 10,000 rows, more than the 9,001 it had; the tenth compacts it.
  for (let round = 10; round <= 19; round++) await commit(store, round + 1, states(round));
  assert.deepEqual((await store.loadCheckpoint('engine'))?.states, newest(19));
  await store.close();
  assert.equal(await rowCount(file, 'rule_state_log'), 1001);
  store = await openDuckDbStore(file);
  assert.deepEqual((await store.loadCheckpoint('engine'))?.states, newest(19));
  await store.close();
});

void test('a file with the keyed rule-state table from before the log opens with its states, and newer ones win', async () => {
  const file = path.join(dir, 'old-states.duckdb');
  const old = await DuckDBInstance.create(file);
  const db = await old.connect();
  await db.run(`CREATE TABLE rule_state (key VARCHAR PRIMARY KEY, rule_hash VARCHAR, state JSON);
    CREATE TABLE checkpoints (consumer VARCHAR PRIMARY KEY, seq BIGINT);
    INSERT INTO rule_state VALUES ('r|S2', 'h1', '{"tier":"red"}'), ('r|S1', 'h1', '{"tier":"blue"}');
    INSERT INTO checkpoints VALUES ('engine', 7)`);
  db.closeSync();
  old.closeSync();
  let store = await openDuckDbStore(file);
  assert.deepEqual(await store.loadCheckpoint('engine'), {
    consumer: 'engine',
    seq: 7,
    states: [{ key: 'r|S1', ruleHash: 'h1', state: { tier: 'blue' } }, { key: 'r|S2', ruleHash: 'h1', state: { tier: 'red' } }],
    lastTimes: new Map(),
  });
  await store.commit({ observations: [], events: [], deadLetters: [], checkpoint: { consumer: 'engine', seq: 8, states: [{ key: 'r|S2', ruleHash: 'h2', state: { tier: 'yellow' } }] } });
  await store.close();
  store = await openDuckDbStore(file);
  assert.deepEqual((await store.loadCheckpoint('engine'))?.states, [{ key: 'r|S1', ruleHash: 'h1', state: { tier: 'blue' } }, { key: 'r|S2', ruleHash: 'h2', state: { tier: 'yellow' } }]);
  await store.close();
  assert.equal(await rowCount(file, 'rule_state_log'), 3);
});

void test('a file with the keyed warnings table from before opens with its warnings, in order, and takes new ones appended', async () => {
  const file = path.join(dir, 'old-warnings.duckdb');
  const old = await DuckDBInstance.create(file);
  const db = await old.connect();
  const row = (id: string, at: number, ins: number): string =>
    `('${id}', 'issued', 'r', 'h', 'hydro', '${id}', 'blue', NULL, make_timestamp(${at * 1000}), make_timestamp(${at * 1000}), '${id}', '${JSON.stringify(warning(id, at))}', ${ins})`;
  await db.run(`CREATE TABLE warnings (
      id VARCHAR PRIMARY KEY, kind VARCHAR, rule_id VARCHAR, rule_hash VARCHAR, domain VARCHAR, entity VARCHAR,
      tier VARCHAR, previous_tier VARCHAR, "at" TIMESTAMP, issued_at TIMESTAMP, summary VARCHAR, event JSON, ins BIGINT);
    INSERT INTO warnings VALUES ${row('b', WARNED_AT + 1000, 1)}, ${row('a', WARNED_AT, 2)}`);
  db.closeSync();
  old.closeSync();
  let store = await openDuckDbStore(file);
  assert.deepEqual(await store.warnings(), [warning('a'), warning('b', WARNED_AT + 1000)]);
  await store.commit({ observations: [], events: [warning('c', WARNED_AT + 1000), warning('a')], deadLetters: [] });
  await store.close();
  store = await openDuckDbStore(file);
  assert.deepEqual((await store.warnings()).map((w) => w.id), ['a', 'b', 'c']);
  await store.close();
  assert.equal(await rowCount(file, 'warnings'), 4);
  const check = await DuckDBInstance.create(file);
  const conn = await check.connect();
  assert.deepEqual((await conn.runAndReadAll("SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'warnings'")).getRows(), []);
  conn.closeSync();
  check.closeSync();
});
