// The HTTP speaker channel asking after tasks the vendor only queued, against a loopback vendor whose
// status endpoint answers from a script per task; and the outbox settling the deliveries.
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Delivery } from '../../engine/delivery.ts';
import { openDuckDbStore } from '../../engine/store/duckdb-store.ts';
import type { Message, Receipt } from '../channel.ts';
import { Outbox } from '../outbox.ts';
import { HttpSpeakerChannel, type HttpSpeakerOptions } from './http-speaker-channel.ts';

const TOKEN = 'tok-7';
const POLL_MS = 20;

/** A status answer: a body sent with 200, an error status, or no answer at all. */
type Answer = { state: string; error?: string } | number | 'hang';

/** The vendor: a broadcast to device D is task-D; its status answers walk through `scripts[D]`, the last repeated. */
function vendor(scripts: Record<string, Answer[]>): { server: Server; asked: (taskId: string) => number; maxAtOnce: () => number; hung: ServerResponse[] } {
  const asked = new Map<string, number>();
  const hung: ServerResponse[] = [];
  let open = 0;
  let maxAtOnce = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end();
      if (req.method === 'POST') return res.writeHead(202).end(JSON.stringify({ accepted: true, taskId: `task-${(JSON.parse(raw) as { devices: string[] }).devices[0]}` }));
      const taskId = decodeURIComponent(req.url!.replace('/v1/broadcast/', ''));
      const script = scripts[taskId.replace(/^task-/, '')] ?? [404];
      const n = asked.get(taskId) ?? 0;
      asked.set(taskId, n + 1);
      const answer = script[Math.min(n, script.length - 1)]!;
      if (answer === 'hang') return void hung.push(res);
      maxAtOnce = Math.max(maxAtOnce, ++open);
      // Slower than a poll interval, so a poll that did not wait for the last would overlap it.
      setTimeout(() => {
        open--;
        if (typeof answer === 'number') res.writeHead(answer).end('{"error":"scripted"}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ taskId, ...answer }));
      }, POLL_MS * 2);
    });
  });
  return { server, asked: (taskId) => asked.get(taskId) ?? 0, maxAtOnce: () => maxAtOnce, hung };
}

const toDevice = (device: string): Message => ({
  key: `evt-1|${device}|speaker`,
  recipient: { kind: 'speaker', id: device, name: device, device },
  lang: 'zh',
  title: '',
  text: '敖江水位超过危险水位，请立即转移',
  tier: 'red',
  priority: 1,
  events: [],
});

/** Resolves when `check` holds, checked every few ms; fails after `ms`. */
async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 3_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) {
    const v = await check();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const queued = { state: 'queued' };
const playing = { state: 'playing' };
const played = { state: 'played' };

describe('HttpSpeakerChannel: the status of queued tasks', () => {
  const cloud = vendor({
    ok: [queued, playing, played],
    offline: [queued, { state: 'failed', error: 'speaker offline' }],
    flaky: [503, 'hang', played],
    stuck: [queued],
    hanging: ['hang'],
    waiting: [queued],
    outbox: [queued, played],
    restart: [played],
  });
  let url = '';
  const channels: HttpSpeakerChannel[] = [];
  const channel = (over: Partial<HttpSpeakerOptions> = {}): { channel: HttpSpeakerChannel; receipts: Receipt[] } => {
    const c = new HttpSpeakerChannel({ url, token: TOKEN, statusPollMs: POLL_MS, timeoutMs: 500, ...over });
    const receipts: Receipt[] = [];
    c.onReceipt((r) => void receipts.push(r));
    channels.push(c);
    return { channel: c, receipts };
  };

  before(async () => {
    await new Promise<void>((r) => cloud.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(cloud.server.address() as AddressInfo).port}/v1/broadcast`;
  });

  after(async () => {
    for (const c of channels) await c.close();
    for (const res of cloud.hung) res.destroy();
    cloud.server.closeAllConnections();
    await new Promise((r) => cloud.server.close(r));
  });

  it('queued, playing, played: one delivered receipt under the task id, and polls never overlap', async () => {
    const { channel: c, receipts } = channel();
    assert.deepEqual(await c.send(toDevice('ok')), { state: 'sent', ref: 'task-ok' });
    const [receipt] = await until('a receipt', () => receipts.length > 0 && receipts);
    assert.deepEqual({ ...receipt, at: 0 }, { ref: 'task-ok', state: 'delivered', detail: 'played', at: 0 });
    assert.equal(cloud.asked('task-ok'), 3);
    assert.equal(cloud.maxAtOnce(), 1);
  });

  it("a failed task: a failed receipt with the vendor's reason", async () => {
    const { channel: c, receipts } = channel();
    await c.send(toDevice('offline'));
    const [receipt] = await until('a receipt', () => receipts.length > 0 && receipts);
    assert.deepEqual([receipt!.ref, receipt!.state, receipt!.detail, receipt!.retry], ['task-offline', 'failed', 'failed: speaker offline', false]);
  });

  it('a status endpoint that errors or does not answer is asked again at the next poll', async () => {
    const { channel: c, receipts } = channel({ timeoutMs: 100 });
    await c.send(toDevice('flaky'));
    const [receipt] = await until('a receipt', () => receipts.length > 0 && receipts);
    assert.deepEqual([receipt!.ref, receipt!.state], ['task-flaky', 'delivered']);
    assert.equal(cloud.asked('task-flaky'), 3);
  });

  it('no final status in time: a failed receipt saying what was last heard', async () => {
    const { channel: c, receipts } = channel({ statusWithinMs: 150 });
    await c.send(toDevice('stuck'));
    const [receipt] = await until('a receipt', () => receipts.length > 0 && receipts);
    assert.deepEqual([receipt!.ref, receipt!.state, receipt!.detail], ['task-stuck', 'failed', 'no final status within 0.15s (last: queued)']);
  });

  it('close() stops polling at once, a request under way included, and nothing is reported after', async () => {
    const { channel: c, receipts } = channel({ statusUrl: `${url}/`, timeoutMs: 10_000 });
    c.resumeReceipts(['task-hanging', 'task-waiting']);
    await until('a poll under way', () => cloud.asked('task-hanging') === 1 && cloud.asked('task-waiting') === 1);
    const started = Date.now();
    await c.close();
    assert.ok(Date.now() - started < 1_000, `close took ${Date.now() - started} ms, as if it waited for the 10 s request timeout`);
    await new Promise((r) => setTimeout(r, POLL_MS * 5));
    assert.deepEqual([cloud.asked('task-hanging'), cloud.asked('task-waiting')], [1, 1]);
    assert.deepEqual(receipts, []);
  });

  it('in the outbox: a queued broadcast ends delivered; after a restart, one left sent is asked after again', async () => {
    const store = await openDuckDbStore(':memory:');
    const delivery = (device: string): Delivery => ({
      key: `evt-1|${device}|speaker`, event: 'evt-1', episode: 'ep-1', rule: 'r', entity: 'e', domain: 'hydrology', tier: 'red', channel: 'speaker',
      recipient: { kind: 'speaker', id: device, name: device, device }, lang: 'zh', title: '', text: '请立即转移', priority: 1,
      state: 'queued', attempts: 0, nextAt: 0, history: [{ at: 0, state: 'queued' }],
    });
    const stateOf = async (key: string): Promise<Delivery | undefined> => (await store.deliveries({ keys: [key] }))[0];

    try {
      const outbox = new Outbox({ store, channels: [channel().channel], clock: Date.now });
      await outbox.enqueue([delivery('outbox')]);
      outbox.pump();
      await outbox.idle();
      const sent = await stateOf('evt-1|outbox|speaker');
      assert.deepEqual([sent?.state, sent?.ref], ['sent', 'task-outbox']);
      const done = await until('delivered', async () => (await stateOf('evt-1|outbox|speaker'))?.state === 'delivered' && stateOf('evt-1|outbox|speaker'));
      assert.equal(done.history.at(-1)!.detail, 'receipt played');

      // A delivery a previous run left sent, with the vendor's task id.
      await store.saveAlerting({ deliveries: [{ ...delivery('restart'), state: 'sent', attempts: 1, ref: 'task-restart' }] });
      const restarted = new Outbox({ store, channels: [channel().channel], clock: Date.now });
      await restarted.start();
      await until('delivered after the restart', async () => (await stateOf('evt-1|restart|speaker'))?.state === 'delivered');
      assert.equal(cloud.asked('task-restart'), 1);
    } finally {
      for (const c of channels) await c.close();
      await store.close();
    }
  });
});
