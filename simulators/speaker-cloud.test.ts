// The vendor cloud simulator against the engine's HTTP speaker driver (HttpSpeakerChannel).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Message } from '../alerting/channel.ts';
import { HttpSpeakerChannel } from '../alerting/channels/http-speaker-channel.ts';
import { startSpeakerCloud, type SpeakerCloud, type SpeakerCloudOptions } from './speaker-cloud.ts';

const TOKEN = 'cloud-token';
const clouds: SpeakerCloud[] = [];
afterEach(async () => {
  for (const c of clouds.splice(0)) await c.stop();
});

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
  const channel = new HttpSpeakerChannel({ url: c.url, token: TOKEN });
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
  assert.deepEqual(await new HttpSpeakerChannel({ url: c.url, token: TOKEN }).send(toDevice('XY-001')), { state: 'delivered', ref: 'task-1' });
});

test('a wrong token is 401 (no retry) and plays nothing', async () => {
  const c = await cloud();
  assert.deepEqual(await new HttpSpeakerChannel({ url: c.url, token: 'stale' }).send(toDevice('XY-001')), { state: 'failed', reason: 'HTTP 401: {"error":"invalid token"}', retry: false });
  assert.deepEqual(c.played(), []);
});

test('throttleEvery: every Nth request is 429 with Retry-After, retried by the channel', async () => {
  const c = await cloud({ throttleEvery: 2, retryAfterS: 3 });
  const channel = new HttpSpeakerChannel({ url: c.url, token: TOKEN });
  assert.equal((await channel.send(toDevice('A'))).state, 'sent');
  assert.deepEqual(await channel.send(toDevice('B')), { state: 'failed', reason: 'HTTP 429: {"error":"rate limited"}', retry: true, afterMs: 3000 });
  assert.equal((await channel.send(toDevice('B'))).state, 'sent');
  assert.deepEqual(c.played().map((p) => p.device), ['A', 'B']);
});

test('an unknown device is 400 (no retry) when the vendor knows its devices', async () => {
  const c = await cloud({ devices: ['XY-001'] });
  const channel = new HttpSpeakerChannel({ url: c.url, token: TOKEN });
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
