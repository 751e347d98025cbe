// Against a real MQTT broker (aedes on loopback) and fake speakers that take commands and answer
// with acknowledgements: played, busy, faulty, silent, and a broker that is not there.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Message } from '../channel.ts';
import { MqttSpeakerChannel } from './mqtt-speaker-channel.ts';
import type { SpeakerCommand } from './speaker-command.ts';

const ACK_TIMEOUT_MS = 300;

const toDevice = (device: string, over: Partial<Message> = {}): Message => ({
  key: `w-1|${device}|speaker`,
  recipient: { kind: 'speaker', id: device, name: `Speaker ${device}`, device },
  lang: 'zh',
  title: '山洪橙色预警',
  text: '小河村:河水上涨,请做好转移准备',
  tier: 'orange',
  priority: 2,
  events: [],
  ...over,
});

type Answer = (command: SpeakerCommand) => unknown[];

/** A speaker on the broker: it records each command and, `delayMs` later, publishes what `answer` says, in order. */
async function speaker(url: string, device: string, answer: Answer, delayMs: number): Promise<{ client: MqttClient; commands: SpeakerCommand[] }> {
  const client = await connectAsync(url, { reconnectPeriod: 0 });
  const commands: SpeakerCommand[] = [];
  const reply = (command: SpeakerCommand): void => {
    for (const ack of answer(command)) client.publish(`speakers/${device}/ack`, JSON.stringify(ack), { qos: 1 });
  };
  client.on('message', (_topic, payload) => {
    const command = JSON.parse(payload.toString()) as SpeakerCommand;
    commands.push(command);
    setTimeout(() => reply(command), delayMs);
  });
  await client.subscribeAsync(`speakers/${device}/command`, { qos: 1 });
  return { client, commands };
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('MqttSpeakerChannel', () => {
  let broker: Aedes;
  let tcp: Server;
  let url = '';
  let channel: MqttSpeakerChannel;
  const speakers: MqttClient[] = [];
  const closing: MqttSpeakerChannel[] = [];
  const add = async (device: string, answer: Answer, delayMs = 0): Promise<SpeakerCommand[]> => {
    const s = await speaker(url, device, answer, delayMs);
    speakers.push(s.client);
    return s.commands;
  };
  const ack = (c: SpeakerCommand, status: string, extra: object = {}): object => ({ id: c.id, device: c.devices[0], status, ...extra });

  before(async () => {
    broker = await Aedes.createBroker();
    tcp = createServer(broker.handle);
    url = `mqtt://127.0.0.1:${await listen(tcp)}`;
    channel = new MqttSpeakerChannel({ url, ackTimeoutMs: ACK_TIMEOUT_MS });
  });

  after(async () => {
    for (const c of [channel, ...closing]) await c.close();
    for (const s of speakers) await s.endAsync();
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise((r) => tcp.close(r));
  });

  it('is named speaker-mqtt and reaches speakers', () => {
    assert.equal(channel.name, 'speaker-mqtt');
    assert.equal(channel.reaches, 'speaker');
  });

  it('a played acknowledgement is delivered; the speaker got the whole command', async () => {
    const commands = await add('dev-1', (c) => [ack(c, 'played')]);
    const m = toDevice('dev-1');
    assert.deepEqual(await channel.send(m), { state: 'delivered', ref: m.key });
    assert.deepEqual(commands, [
      { id: m.key, devices: ['dev-1'], text: m.text, volume: 90, repeat: 3, priority: 2, tier: 'orange', lang: 'zh' },
    ]);
  });

  it('busy is retried; an error is retried unless the speaker cannot do it at all', async () => {
    await add('dev-busy', (c) => [ack(c, 'busy')]);
    assert.deepEqual(await channel.send(toDevice('dev-busy')), { state: 'failed', reason: 'speaker dev-busy busy', retry: true });
    await add('dev-faulty', (c) => [ack(c, 'error', { detail: 'amplifier fault' })]);
    assert.deepEqual(await channel.send(toDevice('dev-faulty')), { state: 'failed', reason: 'speaker dev-faulty error: amplifier fault', retry: true });
    await add('dev-old', (c) => [ack(c, 'error', { detail: 'tts unsupported for lang zh' })]);
    assert.deepEqual(await channel.send(toDevice('dev-old')), { state: 'failed', reason: 'speaker dev-old error: tts unsupported for lang zh', retry: false });
  });

  it('no acknowledgement in time is retried', async () => {
    const commands = await add('dev-dead', () => []);
    const started = Date.now();
    assert.deepEqual(await channel.send(toDevice('dev-dead')), { state: 'failed', reason: 'no acknowledgement within 0.3s', retry: true });
    assert.ok(Date.now() - started >= ACK_TIMEOUT_MS - 5);
    assert.equal(commands.length, 1, 'the command reached the speaker');
  });

  it('ignores acks for other ids, from other devices, and interim statuses', async () => {
    await add('dev-chatty', (c) => [
      { id: 'w-0|nobody|speaker', device: 'dev-chatty', status: 'error' },
      { ...ack(c, 'error'), device: 'dev-impostor' },
      ack(c, 'received'),
      'not an ack',
      ack(c, 'played'),
    ]);
    assert.deepEqual(await channel.send(toDevice('dev-chatty')), { state: 'delivered', ref: 'w-1|dev-chatty|speaker' });
  });

  it('waits for several speakers at once; a repeat of a command in flight is not sent again', async () => {
    const a = await add('dev-a', (c) => [ack(c, 'played')], 50);
    await add('dev-b', (c) => [ack(c, 'busy')], 50);
    const m = toDevice('dev-a', { tier: 'red', priority: 1 });
    const outcomes = await Promise.all([channel.send(m), channel.send(toDevice('dev-b')), channel.send(m)]);
    assert.deepEqual(outcomes, [
      { state: 'delivered', ref: m.key },
      { state: 'failed', reason: 'speaker dev-b busy', retry: true },
      { state: 'delivered', ref: m.key },
    ]);
    assert.equal(a.length, 1);
    assert.deepEqual([a[0]!.volume, a[0]!.repeat, a[0]!.priority], [100, 3, 1]);
  });

  it('honours custom topics, volume and repeat', async () => {
    const custom = new MqttSpeakerChannel({ url, commandTopic: 'v2/{device}/cmd', ackTopic: 'v2/{device}/ack', volume: 55, repeat: 5, ackTimeoutMs: ACK_TIMEOUT_MS });
    closing.push(custom);
    const client = await connectAsync(url, { reconnectPeriod: 0 });
    speakers.push(client);
    const commands: SpeakerCommand[] = [];
    client.on('message', (_t, payload) => {
      const c = JSON.parse(payload.toString()) as SpeakerCommand;
      commands.push(c);
      client.publish('v2/dev-v2/ack', JSON.stringify(ack(c, 'played')));
    });
    await client.subscribeAsync('v2/dev-v2/cmd', { qos: 1 });
    assert.equal((await custom.send(toDevice('dev-v2'))).state, 'delivered');
    assert.deepEqual(commands.map((c) => [c.volume, c.repeat]), [[55, 5]]);
  });

  it('refuses a non-speaker or a device id that is not a topic level, without publishing', async () => {
    assert.deepEqual(await channel.send(toDevice('x', { recipient: { kind: 'person', id: 'p1', name: 'Li' } })), {
      state: 'failed',
      reason: 'recipient p1 is not a speaker (kind person)',
      retry: false,
    });
    assert.deepEqual(await channel.send(toDevice('a/b')), { state: 'failed', reason: 'device id "a/b" cannot be an MQTT topic level', retry: false });
  });

  it('with no broker: fails fast enough to retry, and closes without hanging', async () => {
    const gone = createServer();
    const port = await listen(gone);
    await new Promise((r) => gone.close(r));
    const lonely = new MqttSpeakerChannel({ url: `mqtt://127.0.0.1:${port}`, ackTimeoutMs: 5_000 });
    closing.push(lonely); // its client keeps reconnecting until closed, even if an assertion fails
    const started = Date.now();
    const outcome = await lonely.send(toDevice('dev-1'));
    assert.ok(Date.now() - started < 1_000, 'did not wait for the ack timeout');
    assert.ok(outcome.state === 'failed' && outcome.retry && /^not connected to the broker: .*ECONNREFUSED/.test(outcome.reason), JSON.stringify(outcome));
    await lonely.close();
    assert.deepEqual(await lonely.send(toDevice('dev-1')), { state: 'failed', reason: 'speaker-mqtt is closed', retry: true });
  });

  it('with audio: the command carries the text as speech, rendered by espeak-ng', async () => {
    const spoken = new MqttSpeakerChannel({ url, ackTimeoutMs: 5_000, audio: { speedWpm: 160 } });
    closing.push(spoken);
    const commands = await add('dev-audio', (c) => [ack(c, 'played')]);
    const m = toDevice('dev-audio');
    assert.deepEqual(await spoken.send(m), { state: 'delivered', ref: m.key });
    const { audio, ...text } = commands[0]!;
    assert.deepEqual(text, { id: m.key, devices: ['dev-audio'], text: m.text, volume: 90, repeat: 3, priority: 2, tier: 'orange', lang: 'zh' });
    assert.deepEqual([audio?.format, audio?.encoding], ['wav', 'base64']);
    const wav = Buffer.from(audio!.data, 'base64');
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(audio!.durationMs, Math.round(((wav.length - 44) / 44_100) * 1000));
  });

  it('with audio and no espeak-ng at the path configured: a plain failure, not retried, and no text-only command', async () => {
    const mute = new MqttSpeakerChannel({ url, ackTimeoutMs: 5_000, audio: { espeak: '/opt/none/espeak-ng' } });
    closing.push(mute);
    const commands = await add('dev-no-tts', (c) => [ack(c, 'played')]);
    assert.deepEqual(await mute.send(toDevice('dev-no-tts')), { state: 'failed', reason: 'speech audio: /opt/none/espeak-ng not found', retry: false });
    assert.deepEqual(commands, []);
  });

  it('close ends the wait for an acknowledgement', async () => {
    const patient = new MqttSpeakerChannel({ url, ackTimeoutMs: 60_000 });
    await add('dev-mute', () => []);
    const pending = patient.send(toDevice('dev-mute'));
    await new Promise((r) => setTimeout(r, 50));
    await patient.close();
    assert.deepEqual(await pending, { state: 'failed', reason: 'speaker-mqtt closed before an acknowledgement', retry: true });
  });
});
