// The pipeline on the in-process bus with a real (in-memory) DuckDB store: bad input, quality flags
// and late data each take their path, and nothing is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstValueFrom, lastValueFrom, Subject, take, tap, toArray } from 'rxjs';
import { parseRuleFile } from '../rules/loader.ts';
import type { Inbound, Source } from './bus.ts';
import { encodeObservation } from './codec.ts';
import { observationSubject, seriesKey, type Observation } from './observation.ts';
import { DLQ_SUBJECT, startEngine, type BatchReport } from './pipeline.ts';
import type { WarningSink } from './sinks/sink.ts';
import { MemoryBus } from './sources/memory-bus.ts';
import type { Station } from './station.ts';
import { openDuckDbStore } from './store/duckdb-store.ts';
import type { CommitBatch, Store } from './store/store.ts';
import type { WarningEvent } from './warning.ts';

const rules = parseRuleFile('r.yaml', 'id: high\ntitle: High\ndomain: hydrology\nmatch: { metric: stage }\ntiers: { red: { above: 5 } }\n').rules;
const stations = new Map<string, Station>([['H1', { id: 'H1', name: 'H1', domain: 'hydrology', lon: 0, lat: 0, tags: [], params: {} }]]);
const T0 = Date.parse('2026-07-01T00:00:00Z');
const obs = (minute: number, value: number, quality: Observation['quality'] = 'reliable'): Observation => ({ domain: 'hydrology', station: 'H1', metric: 'stage', ts: T0 + minute * 60_000, value, quality });

test('bad input, unusable and late readings: stored or dead-lettered with reasons, never evaluated', async () => {
  const bus = new MemoryBus();
  const store = await openDuckDbStore(':memory:');
  const seen: WarningEvent[] = [];
  const sink: WarningSink = { write: (events) => Promise.resolve(void seen.push(...events)) };
  const { reports } = await startEngine(bus.source(), rules, stations, { store, publisher: bus, sinks: [sink], batch: { maxWaitMs: 5 } });
  const dlq = firstValueFrom(bus.subscribe(DLQ_SUBJECT).pipe(take(3), toArray()));
  const done = lastValueFrom(reports.pipe(toArray()));
  const send = (o: Observation) => bus.publish(observationSubject(o), encodeObservation(o));
  await send(obs(0, 9, 'unreliable'));
  await bus.publish('obs.hydrology.H1.stage', new TextEncoder().encode('{"ts": 1, "value": "high"}'));
  await send(obs(1, 4));
  await send(obs(20, 6));
  // 15 minutes older than the newest: beyond the default lateness of 10 minutes.
  await send(obs(5, 1));
  await bus.publish('obs.hydrology.H1', new TextEncoder().encode('{}'));
  bus.close();
  const batches = await done;

  assert.deepEqual(seen.map((e) => [e.kind, e.tier, e.at]), [['issued', 'red', T0 + 20 * 60_000]]);
  const totals = batches.reduce((a, b) => ({ received: a.received + b.received, stored: a.stored + b.stored, unusable: a.unusable + b.unusable, late: a.late + b.late }), { received: 0, stored: 0, unusable: 0, late: 0 });
  assert.deepEqual(totals, { received: 6, stored: 4, unusable: 1, late: 1 });
  const published = (await dlq).map((m) => JSON.parse(new TextDecoder().decode(m.data)) as { subject: string; reason: string });
  assert.deepEqual(published.map((d) => d.subject), ['obs.hydrology.H1.stage', 'obs.hydrology.H1.stage', 'obs.hydrology.H1']);
  assert.match(published[0]!.reason, /^value: /);
  assert.match(published[1]!.reason, /^late: /);
  assert.match(published[2]!.reason, /is not obs\.<domain>\.<station>\.<metric>/);
  assert.deepEqual((await store.deadLetters()).map((d) => d.reason), published.map((d) => d.reason));
  // The unreliable 9 m reading is stored with its flag but raised nothing.
  const stored = await store.range('hydrology.H1.stage', T0, T0 + 3_600_000);
  assert.deepEqual(stored.map((o) => [o.value, o.quality]), [[9, 'unreliable'], [4, 'reliable'], [1, 'reliable'], [6, 'reliable']]);
  assert.deepEqual((await store.warnings()).map((e) => e.id), seen.map((e) => e.id));
  await store.close();
});

test('a stop while a batch is with the sinks: idle() waits until that batch is written and committed', async () => {
  const bus = new MemoryBus();
  const store = await openDuckDbStore(':memory:');
  let inSink!: () => void;
  const entered = new Promise<void>((r) => (inSink = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const sink: WarningSink = { write: (events) => (events.length ? (inSink(), released) : Promise.resolve()) };
  const { reports, control } = await startEngine(bus.source(), rules, stations, { store, publisher: bus, sinks: [sink], batch: { maxWaitMs: 5 } });
  const sub = reports.subscribe();
  await bus.publish('obs.hydrology.H1.stage', encodeObservation(obs(0, 6)));
  await entered;
  sub.unsubscribe();
  let idle = false;
  const stopped = control.idle().then(() => (idle = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(idle, false, 'idle while the sink still writes');
  release();
  await stopped;
  assert.equal((await store.warnings()).length, 1, 'the batch in the sinks was committed');
  await store.close();
});

/** A Red reading, then one that lifts it, each in its own batch (batches close after 5 ms). */
async function twoBatches(bus: MemoryBus): Promise<void> {
  for (const o of [obs(0, 6), obs(1, 4)]) {
    await bus.publish('obs.hydrology.H1.stage', encodeObservation(o));
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** A store whose commits wait for a gate, or fail, on request. */
function gatedStore(inner: Store): { store: Store; commits: CommitBatch[]; hold(): () => void; failNext(): void } {
  const commits: CommitBatch[] = [];
  let gate: Promise<void> | undefined;
  let fail = false;
  const store: Store = {
    ...inner,
    async commit(batch) {
      const failing = fail;
      fail = false;
      await gate;
      if (failing) throw new Error('disk full');
      await inner.commit(batch);
      commits.push(batch);
    },
  };
  return {
    store,
    commits,
    hold: () => {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
    failNext: () => (fail = true),
  };
}

test('a batch is evaluated and handed to the sinks while the batch before it commits; commits and acks keep their order', async () => {
  const bus = new MemoryBus();
  const gated = gatedStore(await openDuckDbStore(':memory:'));
  const seen: WarningEvent[] = [];
  const sink: WarningSink = { write: (events) => Promise.resolve(void seen.push(...events)) };
  const { reports } = await startEngine(bus.source(), rules, stations, { store: gated.store, publisher: bus, sinks: [sink], batch: { maxWaitMs: 5 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  const release = gated.hold();
  await twoBatches(bus);
  // The second batch (the lift) reached the sinks with the first batch's commit still waiting.
  assert.deepEqual(seen.map((e) => e.kind), ['issued', 'lifted']);
  assert.equal(gated.commits.length, 0);
  release();
  bus.close();
  const batches = await done;
  assert.deepEqual(batches.map((b) => b.events.map((e) => e.kind)), [['issued'], ['lifted']]);
  assert.deepEqual(gated.commits.map((c) => c.events.map((e) => e.kind)), [['issued'], ['lifted']]);
  await gated.store.close();
});

/** A source with stream positions: each reading sent is a batch of its own (batches close after 5 ms). */
function seqSource(): { source: Source; acked: number[]; send(values: number[]): Promise<void>; end(): void } {
  const inbound = new Subject<Inbound>();
  const acked: number[] = [];
  let seq = 0;
  return {
    source: { name: 'group', messages: () => inbound },
    acked,
    async send(values) {
      for (const value of values) {
        const s = ++seq;
        inbound.next({ subject: 'obs.hydrology.H1.stage', data: encodeObservation(obs(s, value)), seq: s, ack: () => acked.push(s) });
        await new Promise((r) => setTimeout(r, 30));
      }
    },
    end: () => inbound.complete(),
  };
}

test('batches evaluated while a commit runs are committed together, in one transaction, and acked once by the last', async () => {
  const input = seqSource();
  const gated = gatedStore(await openDuckDbStore(':memory:'));
  const { reports } = await startEngine(input.source, rules, stations, { store: gated.store, publisher: new MemoryBus(), sinks: [], batch: { maxWaitMs: 5 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  const release = gated.hold();
  // Red, lifted, Red, lifted: the first commit waits while the other three are evaluated.
  await input.send([6, 4, 6, 4]);
  release();
  input.end();
  const batches = await done;
  assert.deepEqual(batches.map((b) => [b.seq, b.events.map((e) => e.kind)]), [[1, ['issued']], [2, ['lifted']], [3, ['issued']], [4, ['lifted']]], 'one report per batch, in order');
  assert.deepEqual(
    gated.commits.map((c) => [c.checkpoint?.seq, c.observations.length, c.events.map((e) => e.kind)]),
    [
      [1, 1, ['issued']],
      [4, 3, ['lifted', 'issued', 'lifted']],
    ],
  );
  assert.deepEqual(input.acked, [1, 4]);
  assert.equal((await gated.store.range('hydrology.H1.stage', -Infinity, Infinity)).length, 4);
  assert.equal((await gated.store.loadCheckpoint('group'))?.seq, 4);
  await gated.store.close();
});

test('a batch failing in its sinks while earlier ones wait to commit: those commit and are acked, then the engine stops', async () => {
  const input = seqSource();
  const gated = gatedStore(await openDuckDbStore(':memory:'));
  let writes = 0;
  const sink: WarningSink = { write: () => (++writes === 3 ? Promise.reject(new Error('sink down')) : Promise.resolve()) };
  const { reports } = await startEngine(input.source, rules, stations, { store: gated.store, publisher: new MemoryBus(), sinks: [sink], batch: { maxWaitMs: 5 } });
  const seen: BatchReport[] = [];
  const done = lastValueFrom(reports.pipe(tap((r) => seen.push(r)), toArray()));
  const release = gated.hold();
  await input.send([6, 4, 6]);
  release();
  await assert.rejects(done, /sink down/);
  assert.deepEqual(gated.commits.map((c) => c.checkpoint?.seq), [1, 2]);
  assert.deepEqual(input.acked, [1, 2]);
  assert.deepEqual(seen.map((r) => r.seq), [1, 2]);
  await gated.store.close();
});

test('an ack that throws after a commit stops the engine with that error, and nothing commits after it', async () => {
  const inbound = new Subject<Inbound>();
  const store = await openDuckDbStore(':memory:');
  const { reports } = await startEngine({ name: 'ack', messages: () => inbound }, rules, stations, { store, publisher: new MemoryBus(), sinks: [], batch: { maxWaitMs: 5 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  inbound.next({ subject: 'obs.hydrology.H1.stage', data: encodeObservation(obs(1, 6)), seq: 1, ack: () => { throw new Error('ack failed'); } });
  await assert.rejects(done, /ack failed/);
  inbound.next({ subject: 'obs.hydrology.H1.stage', data: encodeObservation(obs(2, 4)), seq: 2, ack: () => undefined });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal((await store.loadCheckpoint('ack'))?.seq, 1);
  assert.equal((await store.range('hydrology.H1.stage', -Infinity, Infinity)).length, 1);
  await store.close();
});

test('a failed commit stops the engine, and no later batch commits after it', async () => {
  const bus = new MemoryBus();
  const gated = gatedStore(await openDuckDbStore(':memory:'));
  const { reports } = await startEngine(bus.source(), rules, stations, { store: gated.store, publisher: bus, sinks: [], batch: { maxWaitMs: 5 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  const release = gated.hold();
  gated.failNext();
  await twoBatches(bus);
  release();
  await assert.rejects(done, /disk full/);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(gated.commits.length, 0, 'the second batch was not committed over the first');
  await gated.store.close();
});

test('with a simulated clock, ticks fall on its own time inside a batch: a silence is found where it happened, however late the batch', async () => {
  const stale = parseRuleFile('s.yaml', 'id: silent\ntitle: Silent\nkind: stale\ndomain: hydrology\nmatch: { metric: stage }\ninterval: 10m\ntiers: { blue: { after: 30m } }\n').rules;
  const twoGauges = new Map<string, Station>([...stations, ['H2', { id: 'H2', name: 'H2', domain: 'hydrology', lon: 0, lat: 0, tags: [], params: {} }]]);
  const bus = new MemoryBus();
  const store = await openDuckDbStore(':memory:');
  let clock = T0;
  const heard = { hear: (o: Observation) => void (clock = Math.max(clock, o.ts)), sample: () => [] };
  const { reports } = await startEngine(bus.source(), stale, twoGauges, { store, publisher: bus, sinks: [], clock: () => clock, samplers: [heard], tickMs: 0, clockTickMs: 60_000, batch: { maxWaitMs: 1_000, maxSize: 10_000 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  // H1 reports at 0 and 120 minutes, H2 every 10 minutes: all of it arrives in one batch.
  for (let minute = 0; minute <= 120; minute += 10) {
    if (minute === 0 || minute === 120) await bus.publish('obs.hydrology.H1.stage', encodeObservation(obs(minute, 1)));
    await bus.publish('obs.hydrology.H2.stage', encodeObservation({ ...obs(minute, 1), station: 'H2' }));
  }
  bus.close();
  const batches = await done;
  assert.equal(batches.length, 1);
  assert.deepEqual(
    batches[0]!.events.map((e) => [e.entity, e.kind, (e.at - T0) / 60_000]),
    [
      ['H1', 'issued', 30],
      ['H1', 'lifted', 120],
    ],
  );
  await store.close();
});

test('a later batch failing in its sinks does not overtake the commit of the batch before: that one is committed and reported first', async () => {
  const bus = new MemoryBus();
  const gated = gatedStore(await openDuckDbStore(':memory:'));
  let writes = 0;
  const sink: WarningSink = { write: () => (++writes === 2 ? Promise.reject(new Error('sink down')) : Promise.resolve()) };
  const { reports } = await startEngine(bus.source(), rules, stations, { store: gated.store, publisher: bus, sinks: [sink], batch: { maxWaitMs: 5 } });
  const seen: BatchReport[] = [];
  const done = lastValueFrom(reports.pipe(tap((r) => seen.push(r)), toArray()));
  const release = gated.hold();
  await twoBatches(bus);
  release();
  await assert.rejects(done, /sink down/);
  assert.deepEqual(gated.commits.map((c) => c.events.map((e) => e.kind)), [['issued']], 'the first batch committed, the second not');
  assert.deepEqual(seen.map((r) => r.events.map((e) => e.kind)), [['issued']], 'and reported before the error');
  await gated.store.close();
});

test('derived readings and a sampler’s are stored under their own series, each row under its own key, beside the readings they came from', async () => {
  const village = parseRuleFile(
    'v.yaml',
    'id: village\ntitle: Village\ndomain: hydrology\nkind: accumulation\nmatch: { metric: areal_rain, derive: { function: areal, inputs: { x: rain } } }\nwindows: [1h]\ntiers: { red: { above: { 1h: 100 } } }\n',
  ).rules;
  const linked = new Map<string, Station>([
    ['R1', { id: 'R1', name: 'R1', domain: 'hydrology', lon: 0, lat: 0, tags: [], params: {} }],
    ['V1', { id: 'V1', name: 'V1', domain: 'hydrology', lon: 0, lat: 0, tags: [], params: {}, links: { R1: 1 } }],
  ]);
  const bus = new MemoryBus();
  const store = await openDuckDbStore(':memory:');
  const commits: CommitBatch[] = [];
  const spy: Store = { ...store, commit: (b) => (commits.push(b), store.commit(b)) };
  const echo = { hear: (o: Observation) => [{ ...o, metric: 'echo', value: o.value! * 10 }], sample: () => [] };
  const { reports } = await startEngine(bus.source(), village, linked, { store: spy, publisher: bus, sinks: [], samplers: [echo], tickMs: 0, batch: { maxWaitMs: 5 } });
  const done = lastValueFrom(reports.pipe(toArray()));
  for (const minute of [0, 10]) await bus.publish('obs.hydrology.R1.rain', encodeObservation({ ...obs(minute, minute + 1), station: 'R1', metric: 'rain' }));
  bus.close();
  await done;
  for (const c of commits) assert.deepEqual(c.keys, c.observations.map(seriesKey));
  const values = async (series: string): Promise<number[]> => (await store.range(series, -Infinity, Infinity)).map((o) => o.value!);
  assert.deepEqual(await values('hydrology.R1.rain'), [1, 11]);
  assert.deepEqual(await values('hydrology.V1.areal_rain'), [1, 11]);
  assert.deepEqual(await values('hydrology.R1.echo'), [10, 110]);
  await store.close();
});
