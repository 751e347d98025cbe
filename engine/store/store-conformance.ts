// The store port's contract, as tests every adapter runs (DuckDB, InfluxDB, QuestDB): what the
// engine, the backtest, dissemination and the HTTP API rely on, so they behave the same on each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delivery } from '../delivery.ts';
import type { Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import type { CommitBatch, Store } from './store.ts';

/** A fresh, empty place to keep data (a file, a database), which can be opened more than once. */
export type FreshStore = () => Promise<{ open(): Promise<Store> }>;

const T0 = Date.UTC(2024, 6, 1, 12, 0, 0, 123);
const HOUR = 3_600_000;
const batch = (part: Partial<CommitBatch>): CommitBatch => ({ observations: [], events: [], deadLetters: [], ...part });

const reading = (station: string, ts: number, value: number, extra: Partial<Observation> = {}): Observation => ({
  domain: 'hydro', station, metric: 'level', ts, value, unit: 'm', quality: 'reliable', ...extra,
});

const fix: Observation = {
  domain: 'marine', station: 'MMSI413000001', metric: 'fix', ts: T0 + 7,
  position: { lon: 121.4912345, lat: 31.2398765, speed: 12.5, course: 271.3 }, quality: 'doubtful', source: 'ais',
};

const event = (id: string, rule: string, entity: string, at: number): WarningEvent => ({
  id, kind: 'issued', rule: { id: rule, title: `Rule ${rule}`, hash: 'h1' }, domain: 'hydro', entity,
  station: { id: entity, name: `Station ${entity}`, lon: 120.1, lat: 30.2 }, tier: 'yellow', previousTier: null,
  at, issuedAt: at, summary: `${rule} at ${entity}: 'quoted', "double", back\\slash, 水位`,
  evidence: {
    metric: 'level', unit: 'm', condition: 'level >= 5', threshold: 5, thresholds: { blue: 4, yellow: 5 },
    readings: [{ ts: at, value: 5.2 }],
  },
});

const delivery = (event: string, channel: string, recipient: string, state: Delivery['state'], at: number): Delivery => ({
  key: `${event}|${channel}|${recipient}`, event, episode: `flood|S1|${T0}`, rule: 'flood', entity: 'S1', domain: 'hydro', tier: 'orange',
  channel, recipient: { kind: 'person', id: recipient, name: `Person ${recipient}`, phone: '13800000000' }, lang: 'zh',
  title: '橙色预警', text: "河道水位超警 'quoted'", priority: 2, state, attempts: state === 'queued' ? 0 : 1, nextAt: at,
  history: [{ at, state }],
});

/** Register the conformance tests of one adapter; `fresh` gives each test its own empty store. */
export function storeConformance(name: string, fresh: FreshStore): void {
  const empty = async (): Promise<Store> => (await fresh()).open();

  void describe(`store conformance: ${name}`, () => {
    void it('observations round trip exactly: a value, a position, neither, microseconds', async () => {
      const store = await empty();
      const bare: Observation = { domain: 'met', station: 'S1', metric: 'rain', ts: T0, quality: 'missing' };
      const noMotion: Observation = { ...fix, ts: T0 + 8, position: { lon: 1.5, lat: -2.25 } };
      const fine = reading('S1', T0 + 0.25, 3.14159, { source: 'gauge' }); // 250 µs after T0
      await store.commit(batch({ observations: [fine, fix, bare, noMotion] }));
      assert.deepEqual(await store.range('hydro.S1.level', T0, T0 + 1), [fine]);
      assert.deepEqual(await store.range('marine.MMSI413000001.fix', T0, T0 + 60_000), [fix, noMotion]);
      assert.deepEqual(await store.range('met.S1.rain', T0, T0 + 1), [bare]);
      await store.close();
    });

    void it('two readings of one series at one time from two sources are both kept', async () => {
      const store = await empty();
      const ais = { ...fix, source: 'ais' };
      const beidou = { ...fix, position: { lon: 121.5, lat: 31.24 }, source: 'beidou' };
      await store.commit(batch({ observations: [ais, beidou] }));
      const got = await store.range('marine.MMSI413000001.fix', T0, T0 + 60_000);
      assert.deepEqual(got.sort((a, b) => (a.source! < b.source! ? -1 : 1)), [ais, beidou]);
      await store.close();
    });

    void it('range is from-inclusive, to-exclusive, one series, in time order, open-ended with ±Infinity', async () => {
      const store = await empty();
      await store.commit(batch({ observations: [reading('S1', T0 + 3000, 3), reading('S1', T0 + 1000, 1), reading('S2', T0 + 1500, 9)] }));
      await store.commit(batch({ observations: [reading('S1', T0 + 2000, 2), reading('S1', T0, 0)] }));
      const got = await store.range('hydro.S1.level', T0 + 1000, T0 + 3000);
      assert.deepEqual(got.map((o) => [o.ts, o.value]), [[T0 + 1000, 1], [T0 + 2000, 2]]);
      assert.equal((await store.range('hydro.S1.level', T0, T0 + 10_000)).length, 4);
      assert.deepEqual(await store.range('hydro.S3.level', T0, T0 + 10_000), []);
      assert.equal((await store.range('hydro.S1.level', -Infinity, Infinity)).length, 4);
      await store.close();
    });

    void it('latest gives the newest reading of each series asked for, whatever its quality', async () => {
      const store = await empty();
      const newest = reading('S1', T0 + 2000, 7, { quality: 'unreliable' });
      await store.commit(batch({ observations: [reading('S1', T0 + 1000, 1), newest, reading('S1', T0, 0), reading('S2', T0, 5), fix] }));
      const got = await store.latest(['hydro.S1.level', 'marine.MMSI413000001.fix', 'hydro.S9.level']);
      assert.deepEqual(got, new Map([['hydro.S1.level', newest], ['marine.MMSI413000001.fix', fix]]));
      assert.deepEqual(await store.latest([]), new Map());
      await store.close();
    });

    void it('aggregate buckets usable readings on epoch-aligned boundaries and leaves empty buckets out', async () => {
      const store = await empty();
      const h0 = Math.floor(T0 / HOUR) * HOUR;
      await store.commit(batch({
        observations: [
          reading('S1', h0 + 10 * 60_000, 2), reading('S1', h0 + 50 * 60_000, 4), reading('S1', h0 + 30 * 60_000, 9),
          reading('S1', h0 + 40 * 60_000, 100, { quality: 'unreliable' }), // never counted
          reading('S1', h0 + 3 * HOUR + 5, 1), reading('S1', h0 + 4 * HOUR, 50), // the last one is outside [from, to)
          reading('S2', h0 + 20 * 60_000, 1000),
        ],
      }));
      assert.deepEqual(await store.aggregate('hydro.S1.level', h0, h0 + 4 * HOUR, HOUR), [
        { start: h0, count: 3, min: 2, max: 9, mean: 5, sum: 15, last: 4 },
        { start: h0 + 3 * HOUR, count: 1, min: 1, max: 1, mean: 1, sum: 1, last: 1 },
      ]);
      assert.deepEqual(await store.aggregate('hydro.S9.level', h0, h0 + HOUR, HOUR), []);
      await store.close();
    });

    void it('scan replays usable measured readings across series in time order, in chunks', async () => {
      const store = await empty();
      const observations = Array.from({ length: 2500 }, (_, i) => reading(`S${i % 7}`, T0 + i * 1000, i));
      observations.push(
        reading('S1', T0 + 500, -1, { quality: 'unreliable' }), reading('S1', T0 + 600, -2, { quality: 'missing' }),
        reading('F1', T0 + 700, -3, { source: 'derived:fire-index' }), { ...fix, ts: T0 + 800 },
        reading('S2', T0 + 900, 0.5, { quality: 'doubtful', source: 'gauge' }),
        // One series whose unit changes, and one without a unit: each reading keeps its own.
        reading('U1', T0 + 100, 1, { unit: 'cm' }), reading('U1', T0 + 200, 2), { domain: 'hydro', station: 'U2', metric: 'count', ts: T0 + 300, value: 3, quality: 'reliable' },
      );
      await store.commit(batch({ observations }));
      const seen: Observation[] = [];
      for await (const chunk of store.scan(T0, T0 + 2000 * 1000)) seen.push(...chunk);
      assert.equal(seen.length, 2004);
      assert.deepEqual(seen.slice(1, 4), [reading('U1', T0 + 100, 1, { unit: 'cm' }), reading('U1', T0 + 200, 2), { domain: 'hydro', station: 'U2', metric: 'count', ts: T0 + 300, value: 3, quality: 'reliable' }]);
      assert.deepEqual(seen[4], { ...reading('S2', T0 + 900, 0.5, { quality: 'doubtful' }) });
      assert.ok(seen.every((o, i) => i === 0 || o.ts > seen[i - 1]!.ts), 'in time order');
      assert.deepEqual(seen.at(-1), reading(`S${1999 % 7}`, T0 + 1999 * 1000, 1999));
      await store.close();
    });

    void it('warnings are idempotent by id and filter by rule, entity, time and ids', async () => {
      const store = await empty();
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
      assert.deepEqual(await store.warnings({ ids: ['w-a', 'w-b', 'w-none'] }), [b, a]);
      assert.deepEqual(await store.warnings({ ids: [] }), []);
      const lifted: WarningEvent = { ...event('w-d', 'flood', 'S1', T0 + 3000), kind: 'lifted', tier: null, previousTier: 'yellow' };
      await store.commit(batch({ events: [lifted] }));
      assert.deepEqual(await store.warnings({ from: T0 + 3000 }), [lifted]);
      await store.close();
    });

    void it('dead letters and the audit trail are kept in arrival order', async () => {
      const store = await empty();
      const bad = { subject: 'obs.hydro.S1.level', reason: 'ts: invalid', payload: '{"ts":"soon"}', at: T0 };
      const also = { subject: 'obs.hydro.S1.level', reason: "value: expected number, got 'x'", payload: '{"value":"x"}', at: T0 };
      const binary = { subject: 'obs.x', reason: 'not JSON', payload: 'base64:AAEC', at: T0 + 1 };
      await store.commit(batch({ deadLetters: [bad, also] }));
      await store.commit(batch({ deadLetters: [binary] }));
      assert.deepEqual(await store.deadLetters(), [bad, also, binary]);
      const mode = { at: T0, action: 'mode', value: 'emergency', by: 'duty forecaster', reason: '台风 "Haikui" 登陆' };
      const rules = { at: T0, action: 'rules', value: '12 rules', by: 'watcher', reason: 'file changed' };
      await store.commit(batch({ audit: [mode, rules] }));
      await store.saveAlerting({ deliveries: [], audit: [{ ...mode, value: 'normal', at: T0 + 5 }] });
      assert.deepEqual(await store.audit(), [mode, rules, { ...mode, value: 'normal', at: T0 + 5 }]);
      assert.deepEqual(await store.audit('rules'), [rules]);
      await store.close();
    });

    void it('checkpoint, rule states and data survive closing and opening again', async () => {
      const place = await fresh();
      let store = await place.open();
      assert.equal(await store.loadCheckpoint('engine'), undefined);
      await store.commit(batch({
        // The unreliable reading is later, but was never evaluated: it must not count in lastTimes.
        observations: [reading('S1', T0, 1), reading('S1', T0 + 5, 99, { quality: 'unreliable' }), { ...fix, quality: 'reliable' }],
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

      store = await place.open();
      assert.deepEqual(await store.loadCheckpoint('engine'), {
        consumer: 'engine', seq: 42,
        states: [{ key: 'flood|S1', ruleHash: 'h2', state: { tier: 'yellow', since: T0 } }, { key: 'flood|S2', ruleHash: 'h2', state: null }],
        // How far each series was evaluated comes from the committed observations.
        lastTimes: new Map([['hydro.S1.level', T0], ['marine.MMSI413000001.fix', fix.ts]]),
      });
      assert.equal(await store.loadCheckpoint('other'), undefined);
      assert.deepEqual(await store.range('hydro.S1.level', T0, T0 + 1), [reading('S1', T0, 1)]);
      await store.close();
    });

    void it('a commit that fails midway leaves nothing of its batch behind', async () => {
      const store = await empty();
      const first = { consumer: 'engine', seq: 1, states: [{ key: 'k', ruleHash: 'h1', state: { n: 1 } }] };
      await store.commit(batch({ checkpoint: first }));
      const observations = Array.from({ length: 1000 }, (_, i) => reading('S1', T0 + i, i));
      // A BigInt state cannot be serialised: the commit throws after everything else was prepared.
      const failing = batch({
        observations, events: [event('w-x', 'flood', 'S1', T0)], deadLetters: [{ subject: 's', reason: 'r', payload: 'p', at: T0 }],
        checkpoint: { consumer: 'engine', seq: 2, states: [{ key: 'k', ruleHash: 'h2', state: 1n }] },
      });
      await assert.rejects(store.commit(failing), TypeError);
      assert.deepEqual(await store.range('hydro.S1.level', T0, T0 + 10_000), []);
      assert.deepEqual(await store.warnings(), []);
      assert.deepEqual(await store.deadLetters(), []);
      assert.deepEqual(await store.loadCheckpoint('engine'), { ...first, lastTimes: new Map() });
      // The store is usable again afterwards.
      await store.commit(batch({ observations: observations.slice(0, 2) }));
      assert.equal((await store.range('hydro.S1.level', T0, T0 + 10_000)).length, 2);
      await store.close();
    });

    void it('concurrent commits run one at a time and all land', async () => {
      const store = await empty();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.commit(batch({ observations: [reading('S1', T0 + i, i)], checkpoint: { consumer: 'engine', seq: i, states: [] } })),
        ),
      );
      assert.equal((await store.range('hydro.S1.level', T0, T0 + 100)).length, 10);
      assert.equal((await store.loadCheckpoint('engine'))?.seq, 9);
      await store.close();
    });

    void it('deliveries: the newest state of each key, in order of first save, by warning, channel, keys and state', async () => {
      const place = await fresh();
      let store = await place.open();
      const sms = delivery('w-1', 'sms', 'p1', 'queued', T0);
      const speaker = delivery('w-1', 'speaker', 'spk1', 'queued', T0);
      const other = { ...delivery('w-2', 'sms', 'p1', 'queued', T0 + 1), episode: `drought|S9|${T0}` };
      await store.saveAlerting({ deliveries: [sms, speaker, other], episodes: [{ key: sms.episode, state: { approvals: [] } }] });
      const sent = { ...sms, state: 'sent' as const, ref: 'msg-17', history: [...sms.history, { at: T0 + 10, state: 'sent' as const }] };
      const delivered = { ...sent, state: 'delivered' as const, history: [...sent.history, { at: T0 + 10, state: 'delivered' as const, detail: 'DELIVRD' }] };
      await store.saveAlerting({ deliveries: [sent, delivered], episodes: [{ key: sms.episode, state: { approvals: ['duty'] } }] });
      await store.close();

      store = await place.open();
      assert.deepEqual(await store.deliveries(), [delivered, speaker, other]);
      assert.deepEqual(await store.deliveries({ warning: 'w-1' }), [delivered, speaker]);
      assert.deepEqual(await store.deliveries({ warning: sms.episode }), [delivered, speaker]); // by episode
      assert.deepEqual(await store.deliveries({ channel: 'sms' }), [delivered, other]);
      assert.deepEqual(await store.deliveries({ keys: [other.key, speaker.key] }), [speaker, other]);
      assert.deepEqual(await store.deliveries({ keys: [] }), []);
      // State is that of the newest row: the sms delivery is no longer queued.
      assert.deepEqual(await store.deliveries({ states: ['queued'] }), [speaker, other]);
      assert.deepEqual(await store.deliveries({ states: ['delivered', 'failed'], warning: 'w-1' }), [delivered]);
      assert.deepEqual(await store.episodes(), [{ key: sms.episode, state: { approvals: ['duty'] } }]);
      await store.close();
    });
  });
}
