// Against a real nats-server: ordering, ack-all semantics, checkpoint skipping, warning dedupe, cleanup.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { firstValueFrom, take, toArray, type Observable } from 'rxjs';
import type { Inbound } from '../bus.ts';
import { encodeObservation } from '../codec.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import { openJetStream, type JetStreamBus } from './jetstream-source.ts';

const SUBJECT = 'obs.hydrology.S1.stage';
const T0 = Date.UTC(2026, 6, 1);
const reading = (i: number): Uint8Array =>
  encodeObservation({ domain: 'hydrology', station: 'S1', metric: 'stage', ts: T0 + i * 60_000, value: i / 100, unit: 'm', quality: 'reliable' });

/** The first `n` messages; then it unsubscribes, which stops the consume loop. */
const first = (source: Observable<Inbound>, n: number): Promise<Inbound[]> => firstValueFrom(source.pipe(take(n), toArray()));

/** The server applies acks asynchronously: poll until `ok` holds (or give up after a second). */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 1_000;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('JetStream source', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  let base = 0; // last OBS sequence before the current test published
  const extra: JetStreamBus[] = []; // more connections, closed in `after` even when a test fails
  const open = async (options?: Parameters<typeof openJetStream>[1]): Promise<JetStreamBus> => {
    const b = await openJetStream(server.url, options);
    extra.push(b);
    return b;
  };

  before(async () => {
    server = await startNatsServer();
    bus = await openJetStream(server.url);
    await bus.ensureStreams();
    await bus.ensureStreams(); // idempotent
  });

  after(async () => {
    for (const b of [...extra, bus]) if (b && !b.nc.isClosed()) await b.nc.close();
    await server?.stop();
  });

  beforeEach(async () => {
    base = await bus.lastSeq();
  });

  const publishReadings = async (n: number): Promise<void> => {
    for (let i = 1; i <= n; i++) await bus.publisher.publish(SUBJECT, reading(i));
    await bus.publisher.flush();
  };

  it('delivers 1,000 observations in order with increasing seq', async () => {
    await publishReadings(1_000);
    assert.equal(await bus.lastSeq(), base + 1_000);
    const got = await first(bus.source('order').messages(), 1_000);
    assert.equal(got.length, 1_000);
    got.forEach((m, i) => {
      assert.equal(m.subject, SUBJECT);
      assert.equal(m.seq, base + i + 1);
      assert.deepEqual(Buffer.from(m.data), Buffer.from(reading(i + 1)));
    });
    got.at(-1)?.ack();
  });

  it('acking the 6th acks 1..6: the same durable resumes at #7, in order', async () => {
    // Fresh durable on a purged stream so its sequence starts at our messages.
    const jsm = await jetstreamManager(bus.nc);
    await jsm.streams.purge('OBS');
    await publishReadings(20);

    const a = await open();
    const got = await first(a.source('acks', { batch: 10 }).messages(), 10);
    got[5]?.ack();
    await a.close(); // drain sends the ack

    const info = await until(() => jsm.consumers.info('OBS', 'acks'), (i) => i.ack_floor.stream_seq > base);
    assert.equal(info.ack_floor.stream_seq, base + 6, 'ack-all moved the floor to #6');
    assert.ok(info.num_ack_pending >= 4, 'delivered-but-unacked #7.. are pending on the server');

    // Without a checkpoint (no afterSeq) the durable's ack floor is where it resumes.
    const b = await open();
    const again = await first(b.source('acks').messages(), 14);
    assert.deepEqual(
      again.map((m) => m.seq),
      Array.from({ length: 14 }, (_, i) => base + 7 + i),
    );
    again.at(-1)?.ack();
    await b.close();
    const done = await until(() => jsm.consumers.info('OBS', 'acks'), (i) => i.num_ack_pending === 0);
    assert.equal(done.ack_floor.stream_seq, base + 20);
    assert.equal(done.num_pending + done.num_ack_pending, 0);
  });

  it('skips and acks messages at or before afterSeq', async () => {
    await publishReadings(10);
    // A new durable starts just after the checkpoint.
    const fresh = await first(bus.source('skip-new').messages(base + 4), 6);
    assert.deepEqual(
      fresh.map((m) => m.seq),
      [5, 6, 7, 8, 9, 10].map((i) => base + i),
    );
    // An existing durable behind the checkpoint (e.g. acks lost in a crash) skips up to it.
    const jsm = await jetstreamManager(bus.nc);
    await jsm.consumers.add('OBS', { durable_name: 'skip-old', ack_policy: AckPolicy.All });
    const old = await first(bus.source('skip-old').messages(base + 7), 3);
    assert.deepEqual(
      old.map((m) => m.seq),
      [8, 9, 10].map((i) => base + i),
    );
    // The skipped ones were acked: the floor is at least the checkpoint.
    const info = await until(() => jsm.consumers.info('OBS', 'skip-old'), (i) => i.ack_floor.stream_seq >= base + 7);
    assert.ok(info.ack_floor.stream_seq >= base + 7, `floor ${info.ack_floor.stream_seq} reaches the checkpoint`);

    // A durable left with unacked deliveries (commit done, ack lost in a crash) resumes after the checkpoint.
    const a = await open();
    (await first(a.source('skip-dirty').messages(base), 5))[1]?.ack();
    await a.close();
    const resumed = await first(bus.source('skip-dirty').messages(base + 4), 6);
    assert.deepEqual(
      resumed.map((m) => m.seq),
      [5, 6, 7, 8, 9, 10].map((i) => base + i),
    );
  });

  it('stores a warning published twice with one msgId once', async () => {
    const data = new TextEncoder().encode('{"tier":"red"}');
    await bus.publisher.publish('warn.hydrology.S1', data, { msgId: 'w-1' });
    await bus.publisher.publish('warn.hydrology.S1', data, { msgId: 'w-1' });
    await bus.publisher.publish('warn.hydrology.S1', data, { msgId: 'w-2' });
    const jsm = await jetstreamManager(bus.nc);
    assert.equal((await jsm.streams.info('WARN')).state.messages, 2);
  });

  it('errors the Observable when the connection is lost, then stop() removes the server', async () => {
    const c = await open({ reconnect: false });
    const failed = new Promise<unknown>((resolve) => {
      c.source('lost').messages().subscribe({ error: resolve, complete: () => resolve('completed') });
    });
    await new Promise((r) => setTimeout(r, 100)); // let the consume loop start (either way it must error)

    await bus.close();
    await server.stop();
    assert.ok((await failed) instanceof Error, 'connection loss errors the Observable');
    assert.equal(existsSync(server.storeDir), false, 'store dir removed');
    await assert.rejects(openJetStream(server.url, { reconnect: false, timeout: 500 }), 'server is gone');
  });
});
