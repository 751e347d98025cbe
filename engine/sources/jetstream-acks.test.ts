// Against a real nats-server: stored, deduplicated, refused, no stream, no answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DiscardPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import { JetStreamAcks } from './jetstream-acks.ts';

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
const data = new TextEncoder().encode('{}');

before(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'W', subjects: ['w.>'] });
  await jsm.streams.add({ name: 'FULL', subjects: ['full.>'], max_msgs: 1, discard: DiscardPolicy.New });
});

after(async () => {
  await nc.close();
  await server.stop();
});

test('every message in flight is settled by the stream: stored, a repeated id kept once, a full stream refuses, no stream for the subject', async () => {
  const acks = new JetStreamAcks(nc);
  await Promise.all(Array.from({ length: 200 }, (_, i) => acks.publish(`w.${i % 7}`, data, `id-${i % 150}`)));
  assert.equal((await jsm.streams.info('W')).state.messages, 150, 'fifty repeats dropped by id');
  await acks.publish('full.a', data);
  await assert.rejects(acks.publish('full.b', data), /full\.b: JetStream refused it: maximum messages exceeded/);
  await assert.rejects(acks.publish('nowhere.x', data), /nowhere\.x: no JetStream stream takes this subject/);
  acks.close();
});

test('a message nobody acknowledges fails after the timeout; close() fails what is left', async () => {
  const listener = nc.subscribe('quiet.>', { callback: () => undefined }); // a subscriber, but not a stream
  const acks = new JetStreamAcks(nc, 150);
  const started = Date.now();
  await assert.rejects(acks.publish('quiet.a', data), /no JetStream acknowledgement for quiet\.a within 150 ms/);
  assert.ok(Date.now() - started >= 150);
  const pending = acks.publish('quiet.b', data);
  acks.close();
  await assert.rejects(pending, /quiet\.b: connection closing/);
  listener.unsubscribe();
});
