// The embedded DuckDB store against the store port's conformance suite, each test on its own file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore } from './duckdb-store.ts';
import { storeConformance } from './store-conformance.ts';

let dir = '';
let files = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-duckdb-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

storeConformance('duckdb', () => {
  const file = path.join(dir, `store-${++files}.duckdb`);
  return Promise.resolve({ open: () => openDuckDbStore(file) });
});

void test('retention: readings and dead letters older than the days asked are deleted at open and hourly; warnings stay', async () => {
  const DAY = 86_400_000;
  let now = Date.UTC(2026, 0, 31);
  const file = path.join(dir, 'retention.duckdb');
  const reading = (ts: number): Observation => ({ domain: 'hydro', station: 'S1', metric: 'level', ts, value: 1, quality: 'reliable' });
  const warning = { id: 'w1', kind: 'issued', rule: { id: 'r', title: 'r', hash: 'h' }, domain: 'hydro', entity: 'S1', station: { id: 'S1', name: 'S1', lon: 0, lat: 0 }, tier: 'blue', previousTier: null, at: now - 40 * DAY, issuedAt: now - 40 * DAY, summary: 's', evidence: { metric: 'level', condition: 'c', readings: [] } } as unknown as WarningEvent;
  let store = await openDuckDbStore(file);
  await store.commit({ observations: [reading(now - 40 * DAY), reading(now - 20 * DAY), reading(now - DAY)], events: [warning], deadLetters: [{ subject: 's', reason: 'r', payload: 'p', at: now - 40 * DAY }] });
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

void test('warnings keep their insertion order across a reopen and across a commit redone for an id stored before', async () => {
  const file = path.join(dir, 'order.duckdb');
  const at = Date.UTC(2026, 6, 1);
  const warning = (id: string): WarningEvent =>
    ({ id, kind: 'issued', rule: { id: 'r', title: 'r', hash: 'h' }, domain: 'hydro', entity: id, station: { id, name: id, lon: 0, lat: 0 }, tier: 'blue', previousTier: null, at, issuedAt: at, summary: id, evidence: { metric: 'level', condition: 'c', readings: [] } }) as unknown as WarningEvent;
  const reading: Observation = { domain: 'hydro', station: 'S1', metric: 'level', ts: at, value: 1, quality: 'reliable' };
  let store = await openDuckDbStore(file);
  await store.commit({ observations: [], events: [warning('z'), warning('y')], deadLetters: [] });
  await store.close();
  store = await openDuckDbStore(file);
  // 'y' is stored: the commit is redone, and all of it lands once.
  await store.commit({ observations: [reading], events: [warning('x'), warning('y')], deadLetters: [] });
  await store.commit({ observations: [], events: [warning('w')], deadLetters: [] });
  assert.deepEqual((await store.warnings()).map((w) => w.id), ['z', 'y', 'x', 'w']);
  assert.equal((await store.range('hydro.S1.level', -Infinity, Infinity)).length, 1);
  await store.close();
});

void test('a commit that fails halfway through its readings leaves none of them behind for the next commit', async () => {
  const store = await openDuckDbStore(path.join(dir, 'half.duckdb'));
  const at = Date.UTC(2026, 6, 1);
  const reading = (station: string): Observation => ({ domain: 'hydro', station, metric: 'level', ts: at, value: 1, quality: 'reliable' });
  // A quality that is no string makes the appender throw on the second row, after the first was appended.
  const broken = { ...reading('S2'), quality: 7 } as unknown as Observation;
  await assert.rejects(store.commit({ observations: [reading('S1'), broken], events: [], deadLetters: [] }));
  await store.commit({ observations: [reading('S3')], events: [], deadLetters: [] });
  assert.equal((await store.range('hydro.S1.level', -Infinity, Infinity)).length, 0);
  assert.deepEqual((await store.range('hydro.S3.level', -Infinity, Infinity)).map((o) => o.station), ['S3']);
  await store.close();
});

void test('a file from before the series key stood for domain, station and metric opens, its readings read back, and takes new ones', async () => {
  const file = path.join(dir, 'old-layout.duckdb');
  const t = Date.UTC(2026, 6, 1);
  const old = await DuckDBInstance.create(file);
  const db = await old.connect();
  await db.run(`CREATE TABLE observations (series VARCHAR, domain VARCHAR, station VARCHAR, metric VARCHAR, ts TIMESTAMP, value DOUBLE,
    lon DOUBLE, lat DOUBLE, speed DOUBLE, course DOUBLE, unit VARCHAR, quality VARCHAR, source VARCHAR)`);
  await db.run(`INSERT INTO observations VALUES ('hydro.S1.level', 'hydro', 'S1', 'level', make_timestamp(${t * 1000}), 2.5, NULL, NULL, NULL, NULL, 'm', 'reliable', NULL)`);
  db.closeSync();
  old.closeSync();
  const store = await openDuckDbStore(file);
  const next: Observation = { domain: 'hydro', station: 'S1', metric: 'level', ts: t + 60_000, value: 2.6, unit: 'm', quality: 'reliable' };
  await store.commit({ observations: [next], events: [], deadLetters: [] });
  assert.deepEqual(await store.range('hydro.S1.level', -Infinity, Infinity), [{ domain: 'hydro', station: 'S1', metric: 'level', ts: t, value: 2.5, unit: 'm', quality: 'reliable' }, next]);
  assert.deepEqual([...(await store.latest(['hydro.S1.level'])).values()], [next]);
  await store.close();
});
