import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeObservation, encodeObservation } from '../codec.ts';
import { QUALITIES, type Observation } from '../observation.ts';
import { createRng } from '../../simulators/rng.ts';
import { ChunkReader, ChunkWriter } from './decoded-chunk.ts';
import { ReadingScanner } from './reading-scan.ts';

const rng = createRng(1858);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(rng.next() * 10)).join('');
const encoder = new TextEncoder();
const utf8 = new TextDecoder();

/** A decimal as JSON writes it (and some it does not), with up to 18 digits. */
function decimal(): string {
  const whole = rng.next() < 0.3 ? '0' : String(1 + Math.floor(rng.next() * 9)) + digits(Math.floor(rng.next() * 9));
  const fraction = rng.next() < 0.7 ? `.${digits(1 + Math.floor(rng.next() * 9))}` : '';
  const text = `${rng.next() < 0.3 ? '-' : ''}${whole}${fraction}`;
  return rng.next() < 0.9 ? text : pick([`${text}e3`, `${text}E-2`, `0${text}`, `${text}.`, '.5', '-', '-0', '"4.2"', 'null', 'true']);
}

// Each field's JSON texts: the usual ones, and ones the scanner must leave to decodeObservation
// (escapes, exponents, other types) or that are wrong. Names are compared with subject obs.hydro.S1.stage.
/** Mostly the usual text, now and then another. */
const usual = (text: string, others: readonly string[]): string => (rng.next() < 0.85 ? text : pick(others));
const FIELDS: Record<string, () => string> = {
  domain: () => usual('"hydro"', ['"tide"', '"hydr\\u006f"', '"hydro "']),
  station: () => usual('"S1"', ['"S2"', '"S"', '7']),
  metric: () => usual('"stage"', ['"stage2"']),
  ts: () => usual(String(Math.floor(rng.next() * 2e12)), ['0', '01', '1.0', '1e3', '-5', '123456789012345', '9007199254740993', '"2026-07-01T08:00:00+08:00"', '"soon"']),
  value: decimal,
  quality: () => JSON.stringify(pick([...QUALITIES, 'great'])).replace(rng.next() < 0.05 ? 'e' : '\0', '\\u0065'),
  unit: () => JSON.stringify(pick(['m', '°C', 'm³/s', '', 'x'.repeat(33), 'a"b', 'tab\there'])),
  source: () => JSON.stringify(pick(['telemetry', '遥测', 's'.repeat(129)])),
  position: () => '{"lon":119.5,"lat":26.1}',
  extra: () => '1',
};
const SPACE = ['', '', '', ' ', '\n', '\t', '\r\n  '];

/** A message in JSON text: fields in any order with any spacing, now and then broken. */
function payload(): string {
  const members: string[] = [];
  for (const [k, text] of Object.entries(FIELDS)) {
    const chance = k === 'ts' || k === 'value' ? 0.95 : k === 'position' || k === 'extra' ? 0.05 : 0.5;
    if (rng.next() < chance) members.push(`"${k}":${pick(SPACE)}${text()}`);
  }
  if (rng.next() < 0.03 && members.length > 0) members.push(members[0]!);
  members.sort(() => rng.next() - 0.5);
  const json = `${pick(SPACE)}{${pick(SPACE)}${members.join(`${pick(SPACE)},${pick(SPACE)}`)}${pick(SPACE)}}${pick(SPACE)}`;
  return rng.next() < 0.97 ? json : pick([json.slice(0, -2), `${json}x`, `${json.replace(/}\s*$/, ',}')}`, `\uFEFF${json}`]);
}

const SUBJECT = 'obs.hydro.S1.stage';
const NAMES = ['hydro', 'S1', 'stage'].map((t) => encoder.encode(t));

/** The reading the scanner found, as decodeObservation would build it. */
function scanned(s: ReadingScanner, data: Uint8Array): Observation {
  const obs: Observation = { domain: 'hydro', station: 'S1', metric: 'stage', ts: s.ts, quality: QUALITIES[s.quality]!, value: s.value };
  if (s.unitStart >= 0) obs.unit = utf8.decode(data.subarray(s.unitStart, s.unitEnd));
  if (s.sourceStart >= 0) obs.source = utf8.decode(data.subarray(s.sourceStart, s.sourceEnd));
  return obs;
}

test('what the scanner reads, decodeObservation reads the same, -0 and the last digit of every value included', () => {
  const scanner = new ReadingScanner();
  let fast = 0;
  let slowOk = 0;
  let rejected = 0;
  for (let k = 0; k < 30_000; k++) {
    const text = payload();
    const data = encoder.encode(text);
    const decoded = decodeObservation(SUBJECT, data);
    if (scanner.scan(data, NAMES)) {
      fast++;
      const obs = scanned(scanner, data);
      // The scanner leaves the length of a unit or source to the writer's table, which holds only those decodeObservation took.
      if ((obs.unit?.length ?? 0) > 32 || (obs.source?.length ?? 0) > 128) continue;
      assert.ok(decoded.ok, `scanned what decodeObservation rejects: ${text}`);
      assert.deepEqual(obs, { ...decoded.obs }, text);
    } else if (decoded.ok) slowOk++;
    else rejected++;
  }
  // Every answer was given many times, so the comparison covered them all.
  assert.ok(fast > 3_000 && slowOk > 3_000 && rejected > 3_000, `fast ${fast}, only decodeObservation ${slowOk}, rejected ${rejected}`);
});

test('the usual message, as the engine and the simulators write it, is read by the scanner', () => {
  const scanner = new ReadingScanner();
  const obs: Observation = { domain: 'hydro', station: 'S1', metric: 'stage', ts: 1_782_864_000_000, value: 7.11, quality: 'doubtful', unit: 'm³/s', source: 'telemetry' };
  const data = encodeObservation(obs);
  assert.ok(scanner.scan(data, NAMES));
  assert.deepEqual(scanned(scanner, data), obs);
  // A name that is not the subject's is decodeObservation's to reject.
  assert.equal(scanner.scan(encodeObservation({ ...obs, station: 'S2' }), NAMES), false);
  assert.equal(decodeObservation(SUBJECT, encodeObservation({ ...obs, station: 'S2' })).ok, false);
});

test('a chunk gives back what decodeObservation gives, whichever way each message was read', () => {
  const writer = new ChunkWriter(500);
  const reader = new ChunkReader();
  const subjects = [SUBJECT, 'obs.hydro.S2.stage', 'obs.tide.S1.stage'];
  for (let round = 0; round < 20; round++) {
    const messages = Array.from({ length: 500 }, () => {
      const subject = pick(subjects);
      const [, domain, station] = subject.split('.');
      // Names repeat the subject's, so that most readings are valid and many take the scanner.
      return { subject, data: encoder.encode(payload().replace('"hydro"', `"${domain}"`).replace('"S1"', `"${station}"`)) };
    });
    messages.forEach((m, i) => writer.add(i, m.subject, m.data));
    const { chunk, transfer } = writer.take();
    const read = reader.read(structuredClone(chunk, { transfer }));
    messages.forEach((m, i) => {
      const got = read.item(i).decoded;
      const want = decodeObservation(m.subject, m.data);
      assert.deepEqual(got.ok ? { ok: true, obs: { ...got.obs } } : got, want, utf8.decode(m.data));
    });
  }
});
