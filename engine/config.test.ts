import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './config.ts';
import { formatError } from './yaml-file.ts';

test('defaults fill what is left out, and paths resolve against the config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-config-'));
  try {
    writeFileSync(join(dir, 'seed.yaml'), 'stations: s.yaml\nsource: { kind: nats }\n');
    assert.deepEqual(loadConfig(join(dir, 'seed.yaml')), {
      config: {
        rules: join(dir, 'rules/packs'),
        stations: join(dir, 's.yaml'),
        store: { kind: 'duckdb', path: join(dir, '.seed/seed.duckdb') },
        source: { kind: 'nats', url: 'nats://127.0.0.1:4222', durable: 'seed-engine', worker: true },
        sinks: { console: true },
        batch: {},
        tickMs: 15_000,
        watchRules: true,
        feeds: { ais: [], beidou: [] },
        fire: { breaks: [5, 14, 21, 33], utc_offset_minutes: 480 },
      },
      errors: [],
    });
    writeFileSync(join(dir, 'bad.yaml'), 'stations: s.yaml\nsource: { kind: kafka }\nbatch: { maxSize: 0 }\n');
    const errors = loadConfig(join(dir, 'bad.yaml')).errors;
    assert.ok(errors.every((e) => e.file.endsWith('bad.yaml')));
    assert.deepEqual(errors.map((e) => formatError({ ...e, file: 'bad.yaml' })), [
      'bad.yaml:2:17: source.kind: Invalid input: expected "nats"',
      'bad.yaml:3:19: batch.maxSize: Too small: expected number to be >0',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('speaker channels take speech audio and status polling keys; a wrong one is placed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-config-'));
  try {
    const alerting = (speaker: string) =>
      `stations: s.yaml\nsource: { kind: nats }\nalerting:\n  contacts: c.yaml\n  routes: r.yaml\n  channels:\n    - { name: speaker-cloud, http_speaker: { url: "http://127.0.0.1:9/v1/broadcast", ${speaker} } }\n`;
    writeFileSync(join(dir, 'seed.yaml'), alerting('audio: { voices: { zh: cmn } }, status_poll_ms: 2000'));
    const channel = loadConfig(join(dir, 'seed.yaml')).config?.alerting?.channels[0];
    assert.deepEqual(channel, { name: 'speaker-cloud', http_speaker: { url: 'http://127.0.0.1:9/v1/broadcast', audio: { voices: { zh: 'cmn' } }, status_poll_ms: 2000 } });
    writeFileSync(join(dir, 'bad.yaml'), alerting('audio: { speed_wpm: 30 }'));
    assert.deepEqual(loadConfig(join(dir, 'bad.yaml')).errors.map((e) => formatError({ ...e, file: 'bad.yaml' })), ['bad.yaml:7:106: alerting.channels.0.http_speaker.audio.speed_wpm: Too small: expected number to be >=80']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
