// The vendor cloud simulator against the engine's HTTP speaker driver (HttpSpeakerChannel).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Message, Receipt } from '../alerting/channel.ts';
import { HttpSpeakerChannel, type HttpSpeakerOptions } from '../alerting/channels/http-speaker-channel.ts';
import { startSpeakerCloud, type SpeakerCloud, type SpeakerCloudOptions } from './speaker-cloud.ts';

const TOKEN = 'cloud-token';
const clouds: SpeakerCloud[] = [];
const channels: HttpSpeakerChannel[] = [];
afterEach(async () => {
  // Closed first: a channel asks after the tasks it left queued until it is closed.
  for (const ch of channels.splice(0)) await ch.close();
  for (const c of clouds.splice(0)) await c.stop();
});

function speaker(opts: HttpSpeakerOptions): HttpSpeakerChannel {
  const ch = new HttpSpeakerChannel(opts);
  channels.push(ch);
  return ch;
}

async function cloud(over: Partial<SpeakerCloudOptions> = {}): Promise<SpeakerCloud> {
  const c = await startSpeakerCloud({ token: TOKEN, ...over });
  clouds.push(c);
  return c;
}

const toDevice = (device: string, key = `evt-1|${device}|speaker`): Message => ({
  key,
  recipient: { kind: 'speaker', id: `spk-${device}`, name: device, device },
  lang: 'zh',
  title: '',
  text: '敖江水位超过历史最高水位，危险区群众必须立即转移。',
  tier: 'red',
  priority: 1,
  events: [],
});

test('a broadcast is queued (202, sent with the task id); the same Idempotency-Key again is not played twice', async () => {
  const c = await cloud();
  assert.match(c.url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/broadcast$/);
  const channel = speaker({ url: c.url, token: TOKEN });
  const m = toDevice('XY-001');
  assert.deepEqual(await channel.send(m), { state: 'sent', ref: 'task-1' });
  assert.deepEqual(await channel.send(m), { state: 'sent', ref: 'task-1' });
  assert.deepEqual(await channel.send(toDevice('DA-001')), { state: 'sent', ref: 'task-2' });
  assert.deepEqual(c.played().map(({ device, id, taskId, text }) => ({ device, id, taskId, text })), [
    { device: 'XY-001', id: m.key, taskId: 'task-1', text: m.text },
    { device: 'DA-001', id: 'evt-1|DA-001|speaker', taskId: 'task-2', text: m.text },
  ]);
  assert.deepEqual(c.repeats().map((r) => [r.id, r.taskId]), [[m.key, 'task-1']]);
  assert.equal(c.requests(), 3);
});

test('answer "played": the vendor confirms playing, delivered', async () => {
  const c = await cloud({ answer: 'played' });
  assert.deepEqual(await speaker({ url: c.url, token: TOKEN }).send(toDevice('XY-001')), { state: 'delivered', ref: 'task-1' });
});

test('a wrong token is 401 (no retry) and plays nothing', async () => {
  const c = await cloud();
  assert.deepEqual(await speaker({ url: c.url, token: 'stale' }).send(toDevice('XY-001')), { state: 'failed', reason: 'HTTP 401: {"error":"invalid token"}', retry: false });
  assert.deepEqual(c.played(), []);
});

test('throttleEvery: every Nth request is 429 with Retry-After, retried by the channel', async () => {
  const c = await cloud({ throttleEvery: 2, retryAfterS: 3 });
  const channel = speaker({ url: c.url, token: TOKEN });
  assert.equal((await channel.send(toDevice('A'))).state, 'sent');
  assert.deepEqual(await channel.send(toDevice('B')), { state: 'failed', reason: 'HTTP 429: {"error":"rate limited"}', retry: true, afterMs: 3000 });
  assert.equal((await channel.send(toDevice('B'))).state, 'sent');
  assert.deepEqual(c.played().map((p) => p.device), ['A', 'B']);
});

test('an unknown device is 400 (no retry) when the vendor knows its devices', async () => {
  const c = await cloud({ devices: ['XY-001'] });
  const channel = speaker({ url: c.url, token: TOKEN });
  assert.deepEqual(await channel.send(toDevice('ZZ-404')), { state: 'failed', reason: 'HTTP 400: {"error":"unknown device ZZ-404"}', retry: false });
  assert.equal((await channel.send(toDevice('XY-001'))).state, 'sent');
});

test('raw HTTP: no Idempotency-Key, a bad body, another method or path are refused', async () => {
  const c = await cloud();
  const post = (headers: Record<string, string>, body: string) => fetch(c.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, body });
  const noKey = await post({}, JSON.stringify({ id: 'x', devices: ['A'], text: '撤离' }));
  assert.deepEqual([noKey.status, await noKey.json()], [400, { error: 'Idempotency-Key is required' }]);
  const bad = await post({ 'idempotency-key': 'x' }, '{"id":"x","devices":[],"text":"撤离"}');
  assert.deepEqual([bad.status, await bad.json()], [400, { error: 'devices must be a non-empty list of device ids' }]);
  assert.equal((await fetch(c.url)).status, 405);
  assert.equal((await fetch(c.url.replace('/v1/broadcast', '/v2/x'), { method: 'POST' })).status, 404);
  assert.deepEqual(c.played(), []);
});

test('a task is queued for queuedMs, then played; the channel polling its status gets a delivered receipt', async () => {
  const c = await cloud({ queuedMs: 100 });
  const status = (taskId: string) => fetch(`${c.url}/${taskId}`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(async (r) => [r.status, await r.json()]);
  const channel = speaker({ url: c.url, token: TOKEN, statusPollMs: 20 });
  const receipts: Receipt[] = [];
  channel.onReceipt((r) => void receipts.push(r));
  assert.deepEqual(await channel.send(toDevice('XY-001')), { state: 'sent', ref: 'task-1' });
  assert.deepEqual(await status('task-1'), [200, { taskId: 'task-1', state: 'queued' }]);
  await until(() => receipts.length > 0);
  assert.deepEqual(receipts.map((r) => [r.ref, r.state, r.detail]), [['task-1', 'delivered', 'played']]);
  assert.deepEqual(await status('task-1'), [200, { taskId: 'task-1', state: 'played' }]);
});

test("failing: a device's task ends failed with the vendor's reason and is not played", async () => {
  const c = await cloud({ queuedMs: 0, failing: ['DA-404'] });
  const channel = speaker({ url: c.url, token: TOKEN, statusPollMs: 10 });
  const receipts: Receipt[] = [];
  channel.onReceipt((r) => void receipts.push(r));
  assert.deepEqual(await channel.send(toDevice('DA-404')), { state: 'sent', ref: 'task-1' });
  await until(() => receipts.length > 0);
  assert.deepEqual(receipts.map((r) => [r.ref, r.state, r.detail]), [['task-1', 'failed', 'failed: speaker DA-404 did not answer']]);
  assert.deepEqual(c.played(), []);
});

test('raw HTTP: the status of a task it never made is 404, without the token 401, by POST 405', async () => {
  const c = await cloud();
  const ask = (headers: Record<string, string>, method = 'GET') => fetch(`${c.url}/task-9`, { method, headers });
  assert.deepEqual(await ask({ authorization: `Bearer ${TOKEN}` }).then(async (r) => [r.status, await r.json()]), [404, { error: 'no task task-9' }]);
  assert.equal((await ask({})).status, 401);
  assert.equal((await ask({ authorization: `Bearer ${TOKEN}` }, 'POST')).status, 405);
});

test('raw HTTP: a task id that is not valid percent-encoding is 404, and the cloud keeps answering', async () => {
  const c = await cloud();
  const ask = (taskId: string) => fetch(`${c.url}/${taskId}`, { headers: { authorization: `Bearer ${TOKEN}` } }).then(async (r) => [r.status, await r.json()]);
  assert.deepEqual(await ask('%E0%A4%A'), [404, { error: 'no task %E0%A4%A' }]);
  assert.deepEqual(await ask('task-9'), [404, { error: 'no task task-9' }]);
  assert.equal(c.requests(), 2);
});

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() > end) throw new Error('timed out');
}
