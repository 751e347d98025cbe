import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeObservation, encodeObservation, type Decoded } from '../codec.ts';
import { observationSubject, seriesKey, type Observation } from '../observation.ts';
import { ChunkReader, ChunkWriter, type Chunk, type DecodedItem, type ReadChunk } from './decoded-chunk.ts';

const T0 = Date.UTC(2026, 6, 1);
const obs = (station: string, i: number, extra: Partial<Observation> = {}): Observation => ({ domain: 'hydro', station, metric: 'stage', ts: T0 + i * 60_000, value: i / 4, quality: 'reliable', ...extra });

/** Adds each message as the worker does, then moves the chunk across a port as the worker does. */
function send(writer: ChunkWriter, messages: { subject: string; data: Uint8Array }[], firstSeq: number): { chunk: Chunk; sent: DecodedItem[] } {
  const sent = messages.map(({ subject, data }, i): DecodedItem => {
    const decoded: Decoded = decodeObservation(subject, data);
    writer.add(firstSeq + i, subject, data);
    return decoded.ok ? { seq: firstSeq + i, decoded } : { seq: firstSeq + i, decoded, subject };
  });
  const { chunk, transfer } = writer.take();
  return { chunk: structuredClone(chunk, { transfer }), sent };
}

/** Message i of a chunk as decodeObservation gives it: a numbered reading also brings its series key, checked here. */
function item(read: ReadChunk, i: number): DecodedItem {
  const got = read.item(i);
  if (!got.decoded.ok || got.decoded.key === undefined) return got;
  const { key, ...decoded } = got.decoded;
  assert.equal(key, seriesKey(decoded.obs));
  return { ...got, decoded };
}

/** Every message of a chunk read, in order. */
const items = (read: ReadChunk): DecodedItem[] => Array.from({ length: read.count }, (_, i) => item(read, i));

const message = (o: Observation): { subject: string; data: Uint8Array } => ({ subject: observationSubject(o), data: encodeObservation(o) });

test('readings cross as columns and come back as decoded, with every optional field and failure as it was', () => {
  const writer = new ChunkWriter(100);
  const reader = new ChunkReader();
  const first = [
    obs('S1', 1, { unit: 'm' }),
    obs('S2', 2, { quality: 'unreliable' }),
    obs('S1', 3, { unit: 'm', source: 'telemetry', quality: 'doubtful' }),
    obs('V1', 4, { domain: 'fleet', metric: 'fix', value: undefined, position: { lon: 120.5, lat: 27.9, speed: 8.5, course: 40 } }),
    obs('S1', 5, { unit: 'm', value: -0 }),
  ].map(message);
  first.splice(2, 0, { subject: 'obs.hydro.S3.stage', data: new TextEncoder().encode('{"ts":"soon"}') });
  const { chunk, sent } = send(writer, first, 10);
  // Three series numbered (S1 in m, S2, S1 in m from telemetry); the fix and the failure as objects.
  assert.deepEqual(chunk.names.map((n) => [n.station, n.unit, n.source]), [['S1', 'm', undefined], ['S2', undefined, undefined], ['S1', 'm', 'telemetry']]);
  assert.deepEqual(chunk.others.map((o) => o.seq), [12, 14]);
  const read = reader.read(chunk);
  // Readings of a numbered series bring its key; the fix and the failure come without one.
  const keys = Array.from({ length: read.count }, (_, i) => read.item(i).decoded).map((d) => (d.ok ? d.key : undefined));
  assert.deepEqual(keys, ['hydro.S1.stage', 'hydro.S2.stage', undefined, 'hydro.S1.stage', undefined, 'hydro.S1.stage']);
  assert.deepEqual(items(read), sent);
  assert.deepEqual(Array.from({ length: read.count }, (_, i) => read.seq(i)), [10, 11, 12, 13, 14, 15]);
  assert.deepEqual(Array.from({ length: read.count }, (_, i) => new TextDecoder().decode(read.bytes(i))), first.map((m) => new TextDecoder().decode(m.data)));
  // Read in any order and more than once, a message is the same; the fix and the failure are found by index.
  assert.deepEqual([4, 3, 2, 4].map((i) => item(read, i)), [sent[4], sent[3], sent[2], sent[4]]);
  // A later chunk sends only the series that are new, and the numbers of the others stand.
  const later = [obs('S2', 6), obs('S4', 7), obs('S1', 8, { unit: 'm' })].map(message);
  const next = send(writer, later, 16);
  assert.deepEqual(next.chunk.names.map((n) => n.station), ['S4']);
  assert.deepEqual(items(reader.read(next.chunk)), next.sent);
});

test('past its size the series table numbers nothing more, and readings of other series travel as objects', () => {
  const writer = new ChunkWriter(10, 1);
  const reader = new ChunkReader();
  const { chunk, sent } = send(writer, [obs('S1', 1), obs('S2', 2), obs('S1', 3)].map(message), 1);
  assert.equal(chunk.names.length, 1);
  assert.deepEqual(chunk.others.map((o) => o.seq), [2]);
  assert.deepEqual(items(reader.read(chunk)), sent);
});

test('a subject with a different source on every message stops being numbered after a few', () => {
  const writer = new ChunkWriter(100);
  const { chunk, sent } = send(writer, Array.from({ length: 12 }, (_, i) => message(obs('S1', i, { source: `feed-${i}` }))), 1);
  assert.equal(chunk.names.length, 8);
  assert.deepEqual(chunk.others.map((o) => o.seq), [9, 10, 11, 12]);
  assert.deepEqual(items(new ChunkReader().read(chunk)), sent);
});

test('a writer is full at its capacity and empty again once taken', () => {
  const writer = new ChunkWriter(2);
  const [a, b] = [obs('S1', 1), obs('S1', 2)].map(message);
  writer.add(1, a!.subject, a!.data);
  assert.equal(writer.full, false);
  writer.add(2, b!.subject, b!.data);
  assert.equal(writer.full, true);
  assert.throws(() => writer.add(3, a!.subject, a!.data), /full/);
  assert.deepEqual([...writer.take().chunk.seq], [1, 2]);
  assert.equal(writer.length, 0);
});

test('a subject whose names are not tokens, and a unit or source without exact UTF-8 bytes, are left to decodeObservation', () => {
  const encoder = new TextEncoder();
  const messages = [
    // The subject's names are taken as they are; the same name in a message is not a token, and is rejected.
    ['obs.hydro.S:1.stage', '{"ts":1,"value":2}'],
    ['obs.hydro.S:1.stage', '{"station":"S:1","ts":1,"value":2}'],
    // A lone surrogate encodes as U+FFFD's bytes: a reading in U+FFFD is another series.
    ['obs.hydro.S1.stage', '{"ts":1,"value":2,"unit":"\\ud800"}'],
    ['obs.hydro.S1.stage', '{"ts":2,"value":2,"unit":"\uFFFD"}'],
    ['obs.hydro.S1.stage', '{"ts":3,"value":2,"source":"x\\udfff"}'],
    ['obs.hydro.S1.stage', '{"ts":4,"value":2,"source":"x\uFFFD"}'],
  ].map(([subject, text]) => ({ subject: subject!, data: encoder.encode(text) }));
  const { chunk, sent } = send(new ChunkWriter(10), messages, 1);
  const got = items(new ChunkReader().read(chunk));
  assert.deepEqual(got, sent);
  assert.deepEqual(got.map(({ decoded: d }) => (d.ok ? [d.obs.unit, d.obs.source] : [])), [[undefined, undefined], [], ['\ud800', undefined], ['\uFFFD', undefined], [undefined, 'x\udfff'], [undefined, 'x\uFFFD']]);
});
