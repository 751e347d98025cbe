// The JetStream source decoding in a worker thread, against a real nats-server: what it passes on,
// where it resumes, what an ack covers (and the acks it holds by reply subject), and that a worker
// that cannot start errors the stream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import type { Inbound } from '../bus.ts';
import { encodeObservation } from '../codec.ts';
import { seriesKey, type Observation } from '../observation.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import { HeldAcks } from './held-acks.ts';
import { openJetStream, type JetStreamBus } from './jetstream-source.ts';
import { workerMessages } from './worker-source.ts';

const T0 = Date.UTC(2026, 6, 1);
const reading = (i: number): Observation => ({ domain: 'hydrology', station: 'S1', metric: 'stage', ts: T0 + i * 60_000, value: i / 100, unit: 'm', quality: 'reliable' });

describe('JetStream source decoding in a worker thread', () => {
  let server: NatsServer;
  let bus: JetStreamBus;

  before(async () => {
    server = await startNatsServer();
    bus = await openJetStream(server.url);
    await bus.ensureStreams();
    for (let i = 1; i <= 2_000; i++) await bus.publisher.publish('obs.hydrology.S1.stage', encodeObservation(reading(i)));
    await bus.publisher.publish('obs.hydrology.S1.stage', new TextEncoder().encode('{"ts": "yesterday", "value": 1}'));
    await bus.publisher.publish('obs.hydrology.S2.stage', new Uint8Array([0xff, 0x01]));
    await bus.publisher.flush();
  });

  after(async () => {
    await bus?.close();
    await server?.stop();
  });

  it('passes on every message decoded, in order with its seq; a bad one with its reason, subject and bytes', async () => {
    const got = await firstValueFrom(bus.source('w-all', { worker: true }).messages().pipe(take(2_002), toArray()));
    assert.deepEqual(got.map((m) => m.seq), Array.from({ length: 2_002 }, (_, i) => i + 1));
    got.slice(0, 2_000).forEach((m, i) => assert.deepEqual(m.decoded, { ok: true, obs: reading(i + 1), key: seriesKey(reading(i + 1)) }));
    // Subject and bytes as received (what a late reading's dead letter shows).
    assert.equal(got[0]!.subject, 'obs.hydrology.S1.stage');
    assert.deepEqual(Buffer.from(got[1_999]!.data), Buffer.from(encodeObservation(reading(2_000))));
    assert.equal(new TextDecoder().decode(got[2_000]!.data), '{"ts": "yesterday", "value": 1}');
    const [badTs, notText] = got.slice(2_000);
    assert.equal(badTs!.decoded?.ok, false);
    assert.match(badTs!.decoded?.ok === false ? badTs!.decoded.reason : '', /^ts: /);
    assert.equal(notText!.subject, 'obs.hydrology.S2.stage');
    assert.deepEqual([...notText!.data], [0xff, 0x01]);
    assert.match(notText!.decoded?.ok === false ? notText!.decoded.reason : '', /^not JSON/);
  });

  it('an ack of one message acks all before it, acks after the unsubscribe are sent at close, and the durable resumes', async () => {
    const jsm = await jetstreamManager(bus.nc);
    const floor = async (durable: string, atLeast: number): Promise<number> => {
      let info = await jsm.consumers.info('OBS', durable);
      for (let tries = 0; info.ack_floor.stream_seq < atLeast && tries < 100; tries++) {
        await new Promise((r) => setTimeout(r, 20));
        info = await jsm.consumers.info('OBS', durable);
      }
      return info.ack_floor.stream_seq;
    };
    // While subscribed: acking #1,000 acks 1..1,000.
    const got: Inbound[] = [];
    const sub = bus.source('w-acks', { worker: true }).messages().subscribe((m) => got.push(m));
    while (got.length < 1_500) await new Promise((r) => setTimeout(r, 10));
    got[999]!.ack();
    assert.equal(await floor('w-acks', 1_000), 1_000);
    sub.unsubscribe();
    // After the unsubscribe (a commit finishing during a stop): the ack is still sent, when the bus closes.
    const other = await openJetStream(server.url);
    const late = await firstValueFrom(other.source('w-late', { worker: true }).messages().pipe(take(10), toArray()));
    late[9]!.ack();
    await other.close();
    assert.equal(await floor('w-late', 10), 10);
    // With a checkpoint at 1,200 it starts after it, whatever the server still holds unacked.
    const resumed = await firstValueFrom(bus.source('w-acks', { worker: true }).messages(1_200).pipe(take(3), toArray()));
    assert.deepEqual(resumed.map((m) => m.seq), [1_201, 1_202, 1_203]);
  });

  it('an ack held by reply subject covers the newest held message at or before its seq, never one after', async () => {
    const jsm = await jetstreamManager(bus.nc);
    /** The server applies acks asynchronously: wait until the floor has moved past `from`. */
    const moved = async (from: number): Promise<number> => {
      for (let tries = 0; tries < 100; tries++) {
        const floor = (await jsm.consumers.info('OBS', 'held')).ack_floor.stream_seq;
        if (floor !== from) return floor;
        await new Promise((r) => setTimeout(r, 10));
      }
      return from;
    };
    const got = await firstValueFrom(bus.source('held').messages().pipe(take(6), toArray()));
    const held = new HeldAcks(bus.nc);
    // Seqs 1, 2, 4, 6 held: an ack of 5 falls between two of them.
    for (const m of got.filter((m) => m.seq !== 3 && m.seq !== 5)) held.hold(m);
    held.ack(5);
    assert.equal(await moved(0), 4);
    held.ack(6);
    assert.equal(await moved(4), 6);
    // Only a JetStream message has a reply subject to ack by.
    assert.throws(() => held.hold({ subject: 'obs.a.b.c', data: new Uint8Array(), seq: 7, ack: () => undefined }), /only a JetStream message/);
  });

  it('a worker that cannot connect errors the stream with why', async () => {
    const nowhere = workerMessages('nats://127.0.0.1:1', { reconnect: false }, 'nobody', {}, undefined, new Set());
    await assert.rejects(lastValueFrom(nowhere), /connection refused/);
  });
});
