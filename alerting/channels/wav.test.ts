import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readWav, sealWav } from './wav.ts';

/** A 16-bit mono PCM WAV at `rate` Hz with `samples` samples, its data size as given (espeak-ng streams 0x7ffff000), and any chunks before the data. */
function wav(rate: number, samples: number, declared = samples * 2, before: Buffer[] = []): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE(rate * 2, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const data = Buffer.alloc(8 + samples * 2, 1);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(declared, 4);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(declared === samples * 2 ? 4 + fmt.length + before.reduce((n, b) => n + b.length, 0) + data.length : 0x7ffff024, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, fmt, ...before, data]);
}

test('reads the format and the duration from data bytes over byte rate', () => {
  assert.deepEqual(readWav(wav(22050, 22050)), { format: 1, channels: 1, sampleRate: 22050, bitsPerSample: 16, byteRate: 44100, dataOffset: 44, dataBytes: 44100, durationMs: 1000 });
});

test("a streamed header's overstated data size counts only the bytes present", () => {
  const info = readWav(wav(22050, 11025, 0x7ffff000));
  assert.deepEqual([info.dataBytes, info.durationMs], [22050, 500]);
});

test('skips chunks before the data, an odd-sized one padded', () => {
  const list = Buffer.alloc(8 + 3 + 1);
  list.write('LIST', 0, 'latin1');
  list.writeUInt32LE(3, 4);
  const info = readWav(wav(8000, 8000, 16000, [list]));
  assert.deepEqual([info.dataOffset, info.durationMs], [56, 1000]);
});

test('seals a streamed file: RIFF and data sizes say what it holds', () => {
  const streamed = wav(22050, 100, 0x7ffff000);
  const sealed = sealWav(streamed);
  assert.equal(sealed.readUInt32LE(4), sealed.length - 8);
  assert.equal(sealed.readUInt32LE(40), 200);
  assert.deepEqual(readWav(sealed), readWav(streamed));
  assert.equal(streamed.readUInt32LE(40), 0x7ffff000, 'the original is left as it was');
});

test('anything else is refused with a plain reason', () => {
  assert.throws(() => readWav(Buffer.from('ID3\u0004 not a wav at all')), /not a RIFF\/WAVE file/);
  assert.throws(() => readWav(wav(22050, 10).subarray(0, 30)), /fmt chunk too short/);
  assert.throws(() => readWav(wav(22050, 10).subarray(0, 36)), /no data chunk/);
  const noFmt = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'), wav(22050, 1).subarray(36)]);
  assert.throws(() => readWav(noFmt), /data chunk before the fmt chunk/);
});
