import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { openDuckDbStore } from './duckdb-store.ts';
import type { CommitBatch } from './store.ts';

let dir = '';
let files = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-duckdb-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const freshFile = (): string => path.join(dir, `store-${++files}.duckdb`);

const T0 = Date.UTC(2024, 6, 1, 12, 0, 0, 123);
const batch = (part: Partial<CommitBatch>): CommitBatch => ({ observations: [], events: [], deadLetters: [], ...part });

const reading = (station: string, ts: number, value: number): Observation => ({
  domain: 'hydro', station, metric: 'level', ts, value, unit: 'm', quality: 'reliable',
});

const fix: Observation = {
  domain: 'marine', station: 'MMSI413000001', metric: 'fix', ts: T0 + 7,
  position: { lon: 121.4912345, lat: 31.2398765, speed: 12.5, course: 271.3 }, quality: 'doubtful', source: 'ais',
};

const event = (id: string, rule: string, entity: string, at: number): WarningEvent => ({
  id, kind: 'issued', rule: { id: rule, title: `Rule ${rule}`, hash: 'h1' }, domain: 'hydro', entity,
  station: { id: entity, name: `Station ${entity}`, lon: 120.1, lat: 30.2 }, tier: 'yellow', previousTier: null,
  at, issuedAt: at, summary: `${rule} at ${entity}`,
  evidence: {
    metric: 'level', unit: 'm', condition: 'level >= 5', threshold: 5, thresholds: { blue: 4, yellow: 5 },
    readings: [{ ts: at, value: 5.2 }],
  },
});

void test('observations round trip exactly, with value or with position', async () => {
  const store = await openDuckDbStore(freshFile());
  const bare: Observation = { domain: 'met', station: 'S1', metric: 'rain', ts: T0, quality: 'missing' };
  const noMotion: Observation = { ...fix, ts: T0 + 8, position: { lon: 1.5, lat: -2.25 } };
  await store.commit(batch({ observations: [reading('S1', T0, 3.14159), fix, bare, noMotion] }));
  assert.deepEqual(await store.range('hydro.S1.level', T0, T0 + 1), [reading('S1', T0, 3.14159)]);
  assert.deepEqual(await store.range('marine.MMSI413000001.fix', T0, T0 + 60_000), [fix, noMotion]);
  assert.deepEqual(await store.range('met.S1.rain', T0, T0 + 1), [bare]);
  await store.close();
});

void test('range is from-inclusive, to-exclusive, one series, in time order', async () => {
  const store = await openDuckDbStore(freshFile());
  await store.commit(batch({ observations: [reading('S1', T0 + 3000, 3), reading('S1', T0 + 1000, 1), reading('S2', T0 + 1500, 9)] }));
  await store.commit(batch({ observations: [reading('S1', T0 + 2000, 2), reading('S1', T0, 0)] }));
  const got = await store.range('hydro.S1.level', T0 + 1000, T0 + 3000);
  assert.deepEqual(got.map((o) => [o.ts, o.value]), [[T0 + 1000, 1], [T0 + 2000, 2]]);
  assert.equal((await store.range('hydro.S1.level', T0, T0 + 10_000)).length, 4);
  assert.deepEqual(await store.range('hydro.S3.level', T0, T0 + 10_000), []);
  assert.equal((await store.range('hydro.S1.level', -Infinity, Infinity)).length, 4);
  await store.close();
});

void test('warnings are idempotent by id and filter by rule, entity and time', async () => {
  const store = await openDuckDbStore(freshFile());
  const a = event('w-a', 'flood', 'S1', T0 + 2000);
  const b = event('w-b', 'flood', 'S2', T0 + 1000);
  const c = event('w-c', 'drought', 'S1', T0 + 2000);
  await store.commit(batch({ events: [c, b, c] }));
  await store.commit(batch({ events: [a, b] }));
  assert.deepEqual(await store.warnings(), [b, c, a]); // by time, then insertion
  assert.deepEqual(await store.warnings({ rule: 'flood' }), [b, a]);
  assert.deepEqual(await store.warnings({ entity: 'S1' }), [c, a]);
  assert.deepEqual(await store.warnings({ rule: 'flood', entity: 'S1' }), [a]);
  assert.deepEqual(await store.warnings({ from: T0 + 1000, to: T0 + 2000 }), [b]);
  assert.deepEqual(await store.warnings({ from: T0 + 2000, to: Infinity }), [c, a]);
  const lifted: WarningEvent = { ...event('w-d', 'flood', 'S1', T0 + 3000), kind: 'lifted', tier: null, previousTier: 'yellow' };
  await store.commit(batch({ events: [lifted] }));
  assert.deepEqual(await store.warnings({ from: T0 + 3000 }), [lifted]);
  await store.close();
});

void test('dead letters are kept in arrival order', async () => {
  const store = await openDuckDbStore(freshFile());
  const bad = { subject: 'obs.hydro.S1.level', reason: 'ts: invalid', payload: '{"ts":"soon"}', at: T0 };
  const binary = { subject: 'obs.x', reason: 'not JSON', payload: 'base64:AAEC', at: T0 + 1 };
  await store.commit(batch({ deadLetters: [bad] }));
  await store.commit(batch({ deadLetters: [binary] }));
  assert.deepEqual(await store.deadLetters(), [bad, binary]);
  await store.close();
});

void test('checkpoint, states and data survive close and reopen of the same file', async () => {
  const file = freshFile();
  let store = await openDuckDbStore(file);
  assert.equal(await store.loadCheckpoint('engine'), undefined);
  await store.commit(batch({
    // The unreliable reading is later, but was never evaluated: it must not count in lastTimes.
    observations: [reading('S1', T0, 1), { ...reading('S1', T0 + 5, 99), quality: 'unreliable' }],
    checkpoint: { consumer: 'engine', seq: 41, states: [{ key: 'flood|S1', ruleHash: 'h1', state: { tier: 'blue', since: T0 } }] },
  }));
  await store.commit(batch({
    checkpoint: {
      consumer: 'engine', seq: 42,
      states: [
        { key: 'flood|S1', ruleHash: 'h2', state: { tier: 'orange', since: T0 } },
        { key: 'flood|S2', ruleHash: 'h2', state: null },
        { key: 'flood|S1', ruleHash: 'h2', state: { tier: 'yellow', since: T0 } }, // the last one wins
      ],
    },
  }));
  await store.close();

  store = await openDuckDbStore(file);
  assert.deepEqual(await store.loadCheckpoint('engine'), {
    consumer: 'engine', seq: 42,
    states: [{ key: 'flood|S1', ruleHash: 'h2', state: { tier: 'yellow', since: T0 } }, { key: 'flood|S2', ruleHash: 'h2', state: null }],
    // How far each series was evaluated comes from the committed observations.
    lastTimes: new Map([['hydro.S1.level', T0]]),
  });
  assert.equal(await store.loadCheckpoint('other'), undefined);
  assert.deepEqual(await store.range('hydro.S1.level', T0, T0 + 1), [reading('S1', T0, 1)]);
  await store.close();
});

void test('a commit that fails midway leaves nothing of its batch behind', async () => {
  const store = await openDuckDbStore(freshFile());
  const first = { consumer: 'engine', seq: 1, states: [{ key: 'k', ruleHash: 'h1', state: { n: 1 } }] };
  await store.commit(batch({ checkpoint: first }));
  const observations = Array.from({ length: 1000 }, (_, i) => reading('S1', T0 + i, i));
  // A BigInt state cannot be serialised: the commit throws after everything else was written.
  const failing = batch({
    observations, events: [event('w-x', 'flood', 'S1', T0)], deadLetters: [{ subject: 's', reason: 'r', payload: 'p', at: T0 }],
    checkpoint: { consumer: 'engine', seq: 2, states: [{ key: 'k', ruleHash: 'h2', state: 1n }] },
  });
  await assert.rejects(store.commit(failing), TypeError);
  assert.deepEqual(await store.range('hydro.S1.level', T0, T0 + 10_000), []);
  assert.deepEqual(await store.warnings(), []);
  assert.deepEqual(await store.deadLetters(), []);
  assert.deepEqual(await store.loadCheckpoint('engine'), { ...first, lastTimes: new Map() });
  // The connection is usable again afterwards.
  await store.commit(batch({ observations: observations.slice(0, 2) }));
  assert.equal((await store.range('hydro.S1.level', T0, T0 + 10_000)).length, 2);
  await store.close();
});

void test('concurrent commits run one at a time and all land', async () => {
  const store = await openDuckDbStore(':memory:');
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      store.commit(batch({
        observations: [reading('S1', T0 + i, i)],
        checkpoint: { consumer: 'engine', seq: i, states: [] },
      })),
    ),
  );
  assert.equal((await store.range('hydro.S1.level', T0, T0 + 100)).length, 10);
  assert.equal((await store.loadCheckpoint('engine'))?.seq, 9);
  await store.close();
});
