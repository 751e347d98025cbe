// Against a real nats-server: the subject from the template, the webhook's JSON, the idempotency key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { Publisher } from '../../engine/bus.ts';
import { startNatsServer, type NatsServer } from '../../engine/servers/nats-server.ts';
import { openJetStream, type JetStreamBus } from '../../engine/sources/jetstream-source.ts';
import type { Message } from '../channel.ts';
import { warning } from '../test-fixtures.ts';
import { NatsChannel } from './nats-channel.ts';
import { alertPayload } from './webhook-channel.ts';

const event = warning({ tier: 'red', previousTier: 'orange', rule: 'stage.high', entity: 'S1' });

const message = (over: Partial<Message> = {}): Message => ({
  key: 'w-1|broadcast|nats',
  recipient: { kind: 'endpoint', id: 'broadcast', name: 'Cloud broadcast trigger' },
  lang: 'zh',
  title: '山洪红色预警',
  text: '小河桥水位3.90米,超过红色预警线3.8米',
  tier: 'red',
  priority: 1,
  events: [event],
  ...over,
});

/** The next message on `sub`. */
async function next(sub: Subscription): Promise<Msg> {
  for await (const m of sub) return m;
  throw new Error('subscription closed');
}

describe('NatsChannel', () => {
  let server: NatsServer;
  let bus: JetStreamBus;

  before(async () => {
    server = await startNatsServer();
    bus = await openJetStream(server.url);
  });

  after(async () => {
    await bus?.close();
    await server?.stop();
  });

  it('publishes the webhook JSON on alert.{domain}.{tier} with the key as Nats-Msg-Id', async () => {
    const channel = new NatsChannel({ publisher: bus.publisher });
    assert.equal(channel.name, 'nats');
    assert.equal(channel.reaches, 'endpoint');
    const sub = bus.nc.subscribe('alert.>', { max: 1 });
    await bus.nc.flush(); // the subscription is on the server before we publish
    assert.deepEqual(await channel.send(message()), { state: 'delivered' });
    await bus.publisher.flush();
    const got = await next(sub);
    assert.equal(got.subject, 'alert.hydrology.red');
    assert.equal(got.headers?.get('Nats-Msg-Id'), 'w-1|broadcast|nats');
    assert.deepEqual(got.json(), JSON.parse(JSON.stringify(alertPayload(message()))));
  });

  it('fills the template from the first event, one token per field; a lift is tier none', async () => {
    const channel = new NatsChannel({ publisher: bus.publisher, subject: 'alert.{domain}.{tier}.{rule}.{entity}', name: 'trigger' });
    assert.equal(channel.name, 'trigger');
    assert.equal(channel.subject(message()), 'alert.hydrology.red.stage_high.S1');
    const sub = bus.nc.subscribe('alert.hydrology.none.>', { max: 1 });
    await bus.nc.flush();
    const lift = message({ key: 'w-2|broadcast|nats', tier: null, priority: 5, events: [{ ...event, id: 'w-2', kind: 'lifted', tier: null }] });
    assert.deepEqual(await channel.send(lift), { state: 'delivered' });
    await bus.publisher.flush();
    const got = await next(sub);
    assert.equal(got.subject, 'alert.hydrology.none.stage_high.S1');
    assert.equal((got.json<{ id: string }>()).id, 'w-2|broadcast|nats');
  });

  it('rejects an unknown template field at construction', () => {
    assert.throws(() => new NatsChannel({ publisher: bus.publisher, subject: 'alert.{region}' }), /unknown field \{region\}/);
  });

  it('a publish that throws is a failure worth retrying', async () => {
    const broken: Publisher = { publish: () => Promise.reject(new Error('connection closed')) };
    assert.deepEqual(await new NatsChannel({ publisher: broken }).send(message()), {
      state: 'failed',
      reason: 'publish failed: connection closed',
      retry: true,
    });
  });
});
