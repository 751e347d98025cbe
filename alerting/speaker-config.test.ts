// The speaker keys as engine/config.ts uses them (spread into its strict http_speaker and
// mqtt_speaker entries), and through makeChannel to working channels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import type { Publisher } from '../engine/bus.ts';
import { startSpeakerCloud } from '../simulators/speaker-cloud.ts';
import type { Message, Receipt } from './channel.ts';
import { makeChannel } from './channel-factory.ts';
import { httpSpeakerKeys, httpSpeakerOptions, mqttSpeakerKeys, mqttSpeakerOptions } from './speaker-config.ts';

const httpSpeaker = z.strictObject({ url: z.url(), token_env: z.string().optional(), ...httpSpeakerKeys });
const mqttSpeaker = z.strictObject({ url: z.string(), ...mqttSpeakerKeys });
const publisher: Publisher = { publish: () => Promise.resolve() };

const message: Message = { key: 'k1', recipient: { kind: 'speaker', id: 's1', name: 's1', device: 'XY-001' }, lang: 'zh', title: '', text: '请立即转移', tier: 'red', priority: 1, events: [] };

test('audio and status keys become channel options; absent, they are off or default', () => {
  const spec = httpSpeaker.parse({
    url: 'https://cloud.example.cn/v1/broadcast',
    audio: { espeak: '/usr/bin/espeak-ng', voices: { zh: 'cmn', en: 'en-gb' }, speed_wpm: 140 },
    status_url: 'https://cloud.example.cn/v1/tasks',
    status_poll_ms: 5000,
    status_within_ms: 600000,
  });
  assert.deepEqual(httpSpeakerOptions(spec), {
    audio: { espeak: '/usr/bin/espeak-ng', voices: { zh: 'cmn', en: 'en-gb' }, speedWpm: 140 },
    statusUrl: 'https://cloud.example.cn/v1/tasks',
    statusPollMs: 5000,
    statusWithinMs: 600000,
  });
  assert.deepEqual(mqttSpeakerOptions(mqttSpeaker.parse({ url: 'mqtt://10.0.0.6:1883', audio: {} })), { audio: { espeak: undefined, voices: undefined, speedWpm: undefined } });
  assert.deepEqual(mqttSpeakerOptions(mqttSpeaker.parse({ url: 'mqtt://10.0.0.6:1883' })), { audio: undefined });
});

test('a wrong key or value is refused', () => {
  const url = 'https://cloud.example.cn/v1/broadcast';
  const wrong = (v: object) => httpSpeaker.safeParse({ url, ...v }).error?.issues.map((i) => `${i.path.join('.')}: ${i.code}`);
  assert.deepEqual(wrong({ audio: { speed_wpm: 30 } }), ['audio.speed_wpm: too_small']);
  assert.deepEqual(wrong({ audio: { voice: 'cmn' } }), ['audio: unrecognized_keys']);
  assert.deepEqual(wrong({ audio: { voices: { fr: 'fr' } } }), ['audio.voices: unrecognized_keys']);
  assert.deepEqual(wrong({ status_url: 'tasks' }), ['status_url: invalid_format']);
  assert.deepEqual(wrong({ status_poll_ms: 0 }), ['status_poll_ms: too_small']);
});

test('makeChannel: a speaker spec with audio renders speech, and fails plainly when espeak-ng is not where it says', async () => {
  for (const spec of [
    { name: 'speaker-cloud', http_speaker: { url: 'http://127.0.0.1:9/v1/broadcast', audio: { espeak: '/opt/none/espeak-ng' } } },
    { name: 'speaker-mqtt', mqtt_speaker: { url: 'mqtt://127.0.0.1:9', audio: { espeak: '/opt/none/espeak-ng' } } },
  ]) {
    const channel = makeChannel(spec, publisher, {});
    assert.deepEqual(await channel.send(message), { state: 'failed', reason: 'speech audio: /opt/none/espeak-ng not found', retry: false });
    await channel.close();
  }
});

test('makeChannel: an http_speaker polls the status as often as status_poll_ms says', async () => {
  const cloud = await startSpeakerCloud({ token: 'tok', queuedMs: 0 });
  const spec = { name: 'speaker-cloud', http_speaker: { url: cloud.url, token_env: 'CLOUD_TOKEN', status_poll_ms: 10 } };
  const channel = makeChannel(spec, publisher, { CLOUD_TOKEN: 'tok' });
  try {
    const receipt = new Promise<Receipt>((resolve) => channel.onReceipt?.(resolve));
    assert.deepEqual(await channel.send(message), { state: 'sent', ref: 'task-1' });
    const { ref, state } = await receipt;
    assert.deepEqual([ref, state], ['task-1', 'delivered']);
  } finally {
    await channel.close();
    await cloud.stop();
  }
});
