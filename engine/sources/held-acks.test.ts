// Acks held by reply subject, against a real nats-server: an ack covers the newest held message at
// or before its seq, never one after it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { firstValueFrom, take, toArray } from 'rxjs';
import { encodeObservation } from '../codec.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import { HeldAcks } from './held-acks.ts';
import { openJetStream, type JetStreamBus } from './jetstream-source.ts';

const T0 = Date.UTC(2026, 6, 1);

describe('acks held by reply subject', () => {
  let server: NatsServer;
  let bus: JetStreamBus;

  before(async () => {
    server = await startNatsServer();
    bus = await openJetStream(server.url);
    await bus.ensureStreams();
    for (let i = 1; i <= 6; i++) {
      await bus.publisher.publish('obs.hydrology.S1.stage', encodeObservation({ domain: 'hydrology', station: 'S1', metric: 'stage', ts: T0 + i * 60_000, value: i, quality: 'reliable' }));
    }
    await bus.publisher.flush();
  });

  after(async () => {
    await bus?.close();
    await server?.stop();
  });

  it('acks the newest held message at or before the seq, and so every one before it', async () => {
    const jsm = await jetstreamManager(bus.nc);
    const info = async (): Promise<{ floor: number; pending: number }> => {
      const i = await jsm.consumers.info('OBS', 'held');
      return { floor: i.ack_floor.stream_seq, pending: i.num_ack_pending };
    };
    /** The server applies acks asynchronously: wait until the floor has moved past `from`. */
    const moved = async (from: number): Promise<{ floor: number; pending: number }> => {
      for (let tries = 0; tries < 100; tries++) {
        const now = await info();
        if (now.floor !== from) return now;
        await new Promise((r) => setTimeout(r, 10));
      }
      return info();
    };
    const got = await firstValueFrom(bus.source('held').messages().pipe(take(6), toArray()));
    const held = new HeldAcks(bus.nc);
    // Seqs 1, 2, 4, 6 held: an ack of 5 falls between two of them.
    for (const m of got.filter((m) => m.seq !== 3 && m.seq !== 5)) held.hold(m);
    held.ack(5);
    assert.deepEqual(await moved(0), { floor: 4, pending: 2 });
    held.ack(6);
    assert.deepEqual(await moved(4), { floor: 6, pending: 0 });
  });

  it('refuses a message that is not from a JetStream source', () => {
    const held = new HeldAcks(bus.nc);
    assert.throws(() => held.hold({ subject: 'obs.a.b.c', data: new Uint8Array(), seq: 1, ack: () => undefined }), /only a JetStream message/);
  });
});
