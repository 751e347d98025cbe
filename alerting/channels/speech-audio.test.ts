// With the real espeak-ng (Debian's, /usr/bin/espeak-ng; CI installs it), and small shell scripts in
// its place that log how they were called, fail, hang or write something that is not a WAV.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Message } from '../channel.ts';
import { Speech, SpeechError, speakerCommandWithSpeech } from './speech-audio.ts';
import { readWav } from './wav.ts';

const ZH = '【连江县预警信息发布中心】9月14日08:30敖江水文站发布河道水位超警红色预警（I级）：水位12.35米，超过警戒水位11.50米。危险区群众必须立即转移，服从现场指挥，严禁返回。';
const EN = '[Lianjiang County Warning Centre] 14 Sep 08:30: Red (I) river stage warning for Aojiang: stage 12.35 m against 11.50 m. People in danger areas must move now.';

const dir = mkdtempSync(join(tmpdir(), 'seed-speech-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An executable shell script standing in for espeak-ng. */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** espeak-ng itself, each call's arguments logged one line each. */
function logged(name: string): { path: string; calls: () => string[] } {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  return { path: script(name, `echo "$*" >> ${log}\nexec /usr/bin/espeak-ng "$@"`), calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const failure = async (speech: Speech, text = 'test'): Promise<SpeechError> => {
  const err = await speech.render(text, 'en').then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof SpeechError, `a SpeechError, got ${String(err)}`);
  return err;
};

test('Chinese and English render to 22050 Hz 16-bit mono WAV, its header sealed, lasting as long as speech at 150 wpm does', async (t) => {
  const speech = new Speech({ espeak: '/usr/bin/espeak-ng' });
  for (const [lang, text, [lo, hi]] of [['zh', ZH, [15_000, 60_000]], ['en', EN, [8_000, 20_000]]] as const) {
    const started = performance.now();
    const audio = await speech.render(text, lang);
    const ms = performance.now() - started;
    const wav = Buffer.from(audio.data, 'base64');
    assert.deepEqual([audio.format, audio.encoding], ['wav', 'base64']);
    assert.deepEqual([wav.toString('latin1', 0, 4), wav.toString('latin1', 8, 16)], ['RIFF', 'WAVEfmt ']);
    const info = readWav(wav);
    assert.deepEqual([info.format, info.sampleRate, info.channels, info.bitsPerSample, info.byteRate], [1, 22050, 1, 16, 44100]);
    assert.equal(wav.readUInt32LE(4), wav.length - 8, 'RIFF size');
    assert.equal(info.dataBytes, wav.length - info.dataOffset, 'data size');
    assert.equal(audio.durationMs, Math.round((info.dataBytes / 44100) * 1000));
    assert.ok(audio.durationMs > lo && audio.durationMs < hi, `${lang}: ${audio.durationMs} ms`);
    t.diagnostic(`${lang}: ${text.length} characters → ${(audio.durationMs / 1000).toFixed(1)} s of speech, ${wav.length} bytes of WAV (${audio.data.length} in base64), rendered in ${ms.toFixed(0)} ms`);
  }
});

test("the language picks the voice, the speed is passed, and a render is made once: repeats and concurrent asks share it", async () => {
  const espeak = logged('espeak-logged');
  const speech = new Speech({ espeak: espeak.path, voices: { en: 'en-us' }, speedWpm: 120 });
  const [a, b] = await Promise.all([speech.render('撤离', 'zh'), speech.render('撤离', 'zh')]);
  assert.equal(a, b);
  assert.equal(await speech.render('撤离', 'zh'), a);
  await speech.render('Evacuate', 'en');
  assert.deepEqual(espeak.calls(), ['-v cmn -s 120 --stdout', '-v en-us -s 120 --stdout']);
});

test('slower speech is longer', async () => {
  const [slow, fast] = await Promise.all([new Speech({ speedWpm: 100 }).render(EN, 'en'), new Speech({ speedWpm: 200 }).render(EN, 'en')]);
  assert.ok(slow.durationMs > fast.durationMs * 1.5, `${slow.durationMs} vs ${fast.durationMs}`);
});

test('a program that is not there fails plainly, without retry, and is not cached: once it is there, it renders', async () => {
  const path = join(dir, 'espeak-later');
  const speech = new Speech({ espeak: path });
  const err = await failure(speech);
  assert.deepEqual([err.message, err.retry], [`${path} not found`, false]);
  writeFileSync(path, '#!/bin/sh\nexec /usr/bin/espeak-ng "$@"\n');
  chmodSync(path, 0o755);
  assert.ok((await speech.render('test', 'en')).durationMs > 0);
});

test('a voice espeak-ng lacks: its complaint, no retry', async () => {
  const err = await failure(new Speech({ voices: { en: 'zz-missing' } }));
  assert.deepEqual([err.message, err.retry], ['espeak-ng exited with 1: Error: The specified espeak-ng voice does not exist.', false]);
});

test('a hung render is killed after the timeout and may be retried', async () => {
  const err = await failure(new Speech({ espeak: script('espeak-hung', 'exec sleep 5'), timeoutMs: 100 }));
  assert.deepEqual([err.message, err.retry], [`${join(dir, 'espeak-hung')} gave no audio within 0.1s`, true]);
});

test('output that is not a WAV, or a WAV without samples, is refused', async () => {
  const garbage = await failure(new Speech({ espeak: script('espeak-text', 'cat') }), 'plain text');
  assert.match(garbage.message, /wrote no usable WAV: not a RIFF\/WAVE file$/);
  const empty = await failure(new Speech({ espeak: script('espeak-header-only', '/usr/bin/espeak-ng "$@" | head -c 44') }));
  assert.match(empty.message, /wrote no usable WAV: no samples$/);
});

test('speakerCommandWithSpeech: the command with audio, the same without a Speech, a plain failed outcome when rendering fails', async () => {
  const message: Message = { key: 'k1', recipient: { kind: 'speaker', id: 's1', name: 's1', device: 'd1' }, lang: 'zh', title: '', text: '撤离', tier: 'red', priority: 1, events: [] };
  const plain = await speakerCommandWithSpeech(message, {}, undefined);
  assert.ok(!('state' in plain) && !('audio' in plain));
  const spoken = await speakerCommandWithSpeech(message, {}, new Speech());
  assert.ok(!('state' in spoken) && spoken.audio && spoken.audio.durationMs > 0);
  assert.deepEqual({ ...spoken, audio: undefined }, { ...plain, audio: undefined });
  assert.deepEqual(await speakerCommandWithSpeech(message, {}, new Speech({ espeak: '/nonexistent/espeak-ng' })), {
    state: 'failed',
    reason: 'speech audio: /nonexistent/espeak-ng not found',
    retry: false,
  });
});
