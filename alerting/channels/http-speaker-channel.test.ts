// Against a real HTTP server on loopback playing the vendor cloud of http-speaker-channel.ts's contract.
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../channel.ts';
import { HttpSpeakerChannel } from './http-speaker-channel.ts';
import { speakerCommand, type SpeakerCommand } from './speaker-command.ts';

const TOKEN = 'tok-123';

const message = (over: Partial<Message> = {}): Message => ({
  key: 'evt-1|spk-1|speaker',
  recipient: { kind: 'speaker', id: 'spk-1', name: 'Xiaohe square', device: 'dev-1', zone: 'xiaohe' },
  lang: 'zh',
  title: '山洪红色预警',
  text: '小河村:河水超过危险水位,请立即向高处转移',
  tier: 'red',
  priority: 1,
  events: [],
  ...over,
});
const toDevice = (device: string, key = `evt-1|${device}|speaker`): Message =>
  message({ key, recipient: { kind: 'speaker', id: device, name: device, device } });

/**
 * The vendor cloud: bearer auth, one task per Idempotency-Key (a repeat is answered, not played
 * again), known devices only, and devices that script the other answers.
 */
function vendorCloud(): { server: Server; played: SpeakerCommand[]; throttle(n: number): void; hung: ServerResponse[] } {
  const tasks = new Map<string, string>();
  const played: SpeakerCommand[] = [];
  const hung: ServerResponse[] = [];
  let throttled = 0;
  const reply = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/broadcast') return reply(res, 404, { error: 'no such endpoint' });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(res, 401, { error: 'invalid token' });
      if (throttled > 0) {
        throttled--;
        return reply(res, 429, { error: 'rate limited' }, { 'retry-after': '2' });
      }
      const key = req.headers['idempotency-key'];
      const command = JSON.parse(raw) as SpeakerCommand;
      if (typeof key !== 'string' || key !== command.id) return reply(res, 400, { error: 'Idempotency-Key must equal id' });
      const device = command.devices[0];
      if (device === 'slow') return void hung.push(res);
      if (device === 'broken') return reply(res, 500, { error: 'internal error' });
      if (device === 'offline') return reply(res, 200, { accepted: false, error: 'device offline' });
      if (device === 'ghost') return reply(res, 400, { error: `unknown device ${device}` });
      let taskId = tasks.get(key);
      if (taskId === undefined) {
        taskId = `task-${tasks.size + 1}`;
        tasks.set(key, taskId);
        played.push(command);
      }
      // dev-sync speakers confirm playing before the cloud answers; the rest are queued.
      if (device === 'dev-sync') return reply(res, 200, { played: true, taskId });
      reply(res, 202, { accepted: true, taskId });
    });
  });
  return { server, played, hung, throttle: (n) => (throttled = n) };
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('speakerCommand', () => {
  it('is louder and repeats more the more urgent the message', () => {
    const at = (tier: Message['tier'], priority: number) => speakerCommand(message({ tier, priority }));
    assert.deepEqual(
      [at('red', 1), at('orange', 2), at('yellow', 3), at('blue', 4), at(null, 5)].map((c) => [c.volume, c.repeat]),
      [[100, 3], [90, 3], [80, 2], [70, 1], [70, 1]],
    );
  });

  it('carries the key as id, the device and zone, and takes overrides within range', () => {
    assert.deepEqual(speakerCommand(message(), { volume: 140, repeat: 0 }), {
      id: 'evt-1|spk-1|speaker',
      devices: ['dev-1'],
      zone: 'xiaohe',
      text: '小河村:河水超过危险水位,请立即向高处转移',
      volume: 100,
      repeat: 1,
      priority: 1,
      tier: 'red',
      lang: 'zh',
    });
    assert.equal('zone' in speakerCommand(toDevice('dev-2')), false);
  });

  it('refuses a recipient that is not a speaker', () => {
    assert.throws(() => speakerCommand(message({ recipient: { kind: 'person', id: 'p1', name: 'Li' } })), /not a speaker/);
  });
});

describe('HttpSpeakerChannel', () => {
  const cloud = vendorCloud();
  let url = '';
  let channel: HttpSpeakerChannel;

  before(async () => {
    url = `http://127.0.0.1:${await listen(cloud.server)}/v1/broadcast`;
    channel = new HttpSpeakerChannel({ url, token: TOKEN, timeoutMs: 2_000 });
  });

  after(async () => {
    for (const res of cloud.hung) res.destroy();
    cloud.server.closeAllConnections();
    await new Promise((r) => cloud.server.close(r));
    await channel.close();
  });

  it('is named speaker and reaches speakers', () => {
    assert.equal(channel.name, 'speaker');
    assert.equal(channel.reaches, 'speaker');
  });

  it('a queued broadcast is sent with the task id; a repeat of the key is not played again', async () => {
    const m = toDevice('dev-1', 'evt-7|dev-1|speaker');
    assert.deepEqual(await channel.send(m), { state: 'sent', ref: 'task-1' });
    assert.deepEqual(await channel.send(m), { state: 'sent', ref: 'task-1' });
    assert.equal(cloud.played.filter((c) => c.id === m.key).length, 1);
    const played = cloud.played.find((c) => c.id === m.key);
    assert.deepEqual(played, speakerCommand(m));
  });

  it('a confirmed play is delivered', async () => {
    assert.deepEqual(await channel.send(toDevice('dev-sync')), { state: 'delivered', ref: 'task-2' });
  });

  it('a bad token is not retried and says why', async () => {
    const wrong = new HttpSpeakerChannel({ url, token: 'stale' });
    assert.deepEqual(await wrong.send(toDevice('dev-1')), { state: 'failed', reason: 'HTTP 401: {"error":"invalid token"}', retry: false });
  });

  it('throttling is retried after Retry-After, then accepted', async () => {
    cloud.throttle(1);
    const m = toDevice('dev-3');
    assert.deepEqual(await channel.send(m), { state: 'failed', reason: 'HTTP 429: {"error":"rate limited"}', retry: true, afterMs: 2_000 });
    assert.equal((await channel.send(m)).state, 'sent');
  });

  it('a server error is retried; an unknown device or a refusal is not', async () => {
    assert.deepEqual(await channel.send(toDevice('broken')), { state: 'failed', reason: 'HTTP 500: {"error":"internal error"}', retry: true });
    assert.deepEqual(await channel.send(toDevice('ghost')), { state: 'failed', reason: 'HTTP 400: {"error":"unknown device ghost"}', retry: false });
    assert.deepEqual(await channel.send(toDevice('offline')), {
      state: 'failed',
      reason: 'speaker cloud refused command evt-1|offline|speaker: device offline',
      retry: false,
    });
  });

  it('no answer in time is retried', async () => {
    const impatient = new HttpSpeakerChannel({ url, token: TOKEN, timeoutMs: 150 });
    assert.deepEqual(await impatient.send(toDevice('slow')), { state: 'failed', reason: 'no response within 0.15s', retry: true });
  });

  it('a refused connection is retried', async () => {
    const gone = createServer();
    const port = await listen(gone);
    await new Promise((r) => gone.close(r));
    const outcome = await new HttpSpeakerChannel({ url: `http://127.0.0.1:${port}/v1/broadcast` }).send(message());
    assert.equal(outcome.state, 'failed');
    assert.ok(outcome.state === 'failed' && outcome.retry && /ECONNREFUSED/.test(outcome.reason), JSON.stringify(outcome));
  });

  it('with audio: the command carries the text as speech, rendered by espeak-ng', async () => {
    const spoken = new HttpSpeakerChannel({ url, token: TOKEN, audio: { espeak: '/usr/bin/espeak-ng', voices: { zh: 'cmn' } } });
    const m = toDevice('dev-audio');
    assert.equal((await spoken.send(m)).state, 'sent');
    await spoken.close();
    const { audio, ...text } = cloud.played.find((c) => c.id === m.key)!;
    assert.deepEqual(text, speakerCommand(m));
    assert.deepEqual([audio?.format, audio?.encoding], ['wav', 'base64']);
    const wav = Buffer.from(audio!.data, 'base64');
    assert.deepEqual([wav.toString('latin1', 0, 4), wav.toString('latin1', 8, 12), wav.readUInt32LE(24)], ['RIFF', 'WAVE', 22_050]);
    assert.ok(audio!.durationMs > 2_000, `${audio!.durationMs} ms`);
  });

  it('with audio and no espeak-ng at the path configured: a plain failure, not retried, and nothing sent', async () => {
    const before = cloud.played.length;
    const mute = new HttpSpeakerChannel({ url, token: TOKEN, audio: { espeak: '/opt/none/espeak-ng' } });
    assert.deepEqual(await mute.send(toDevice('dev-no-tts')), { state: 'failed', reason: 'speech audio: /opt/none/espeak-ng not found', retry: false });
    assert.equal(cloud.played.length, before);
  });

  it('a message for someone else is refused without a request', async () => {
    const before = cloud.played.length;
    const outcome = await channel.send(message({ recipient: { kind: 'endpoint', id: 'e1', name: 'county' } }));
    assert.deepEqual(outcome, { state: 'failed', reason: 'recipient e1 is not a speaker (kind endpoint)', retry: false });
    assert.equal(cloud.played.length, before);
  });
});
