// The JetStream source decoding in a worker thread, against a real nats-server: what it passes on,
// where it resumes, what an ack covers, and that a worker that cannot start errors the stream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { encodeObservation } from '../codec.ts';
import type { Observation } from '../observation.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
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
    got.slice(0, 2_000).forEach((m, i) => assert.deepEqual(m.decoded, { ok: true, obs: reading(i + 1) }));
    // A decoded message's subject and bytes are its observation's (what a late reading's dead letter shows).
    assert.equal(got[0]!.subject, 'obs.hydrology.S1.stage');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(got[0]!.data)), reading(1));
    const [badTs, notText] = got.slice(2_000);
    assert.equal(badTs!.decoded?.ok, false);
    assert.match(badTs!.decoded?.ok === false ? badTs!.decoded.reason : '', /^ts: /);
    assert.equal(notText!.subject, 'obs.hydrology.S2.stage');
    assert.deepEqual([...notText!.data], [0xff, 0x01]);
    assert.match(notText!.decoded?.ok === false ? notText!.decoded.reason : '', /^not JSON/);
  });

  it('an ack of one message acks all before it, and the durable resumes after it', async () => {
    const jsm = await jetstreamManager(bus.nc);
    const source = bus.source('w-acks', { worker: true });
    const got = await firstValueFrom(source.messages().pipe(take(1_500), toArray()));
    got[999]!.ack();
    // The worker acks, then (on the unsubscribe above) drains and exits; the server sees the floor move.
    let info = await jsm.consumers.info('OBS', 'w-acks');
    for (let tries = 0; info.ack_floor.stream_seq < 1_000 && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 20));
      info = await jsm.consumers.info('OBS', 'w-acks');
    }
    assert.equal(info.ack_floor.stream_seq, 1_000);
    // With a checkpoint at 1,200 it starts after it, whatever the server still holds unacked.
    const resumed = await firstValueFrom(source.messages(1_200).pipe(take(3), toArray()));
    assert.deepEqual(resumed.map((m) => m.seq), [1_201, 1_202, 1_203]);
  });

  it('a worker that cannot connect errors the stream with why', async () => {
    const nowhere = workerMessages('nats://127.0.0.1:1', { reconnect: false }, 'nobody', {}, undefined);
    await assert.rejects(lastValueFrom(nowhere), /connection refused/);
  });
});
