import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../simulators/rng.ts';
import { readWire, wire } from './wire.ts';

const rng = createRng(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

// Values each field may take: right ones and wrong ones, at the edges of each check.
const FIELDS: Record<string, { good: readonly unknown[]; bad: readonly unknown[] }> = {
  domain: { good: ['hydrology', 'vessel'], bad: ['a.b', '', 7, null] },
  station: { good: ['H01', 'V412000001'], bad: ['H 01', false] },
  metric: { good: ['stage', 'rain_1h'], bad: ['ä', []] },
  ts: { good: [0, 1_700_000_000_000, '2026-07-01T08:00:00+08:00'], bad: [-1, 1.5, 2 ** 53, '2026-07-01', null] },
  value: { good: [0, -3.25, 7.11, 1e308], bad: ['4.2', null, true] },
  position: {
    good: [
      { lon: 119.5, lat: 26.1 },
      { lon: 119.5, lat: 26.1, speed: 8.4, course: 260.1 },
      { lon: -180, lat: 90, speed: 0, course: 360 },
    ],
    bad: [{ lon: 180.01, lat: 0 }, { lon: 0, lat: -90.5 }, { lon: 0, lat: 0, speed: -1 }, { lon: 0, lat: 0, course: 361 }, { lon: 0, lat: 0, heading: 3 }, { lon: '0', lat: 0 }, [1, 2], null],
  },
  unit: { good: ['m', 'x'.repeat(32)], bad: ['x'.repeat(33), 3] },
  quality: { good: ['reliable', 'doubtful', 'unreliable', 'missing'], bad: ['great', null] },
  source: { good: ['ais', 's'.repeat(128)], bad: ['s'.repeat(129), {}] },
  extra: { good: [], bad: [1] },
};

function candidate(): unknown {
  if (rng.next() < 0.02) return pick([null, [], 'text', 4]);
  const o: Record<string, unknown> = {};
  for (const [k, { good, bad }] of Object.entries(FIELDS)) {
    if (rng.next() >= (k === 'ts' ? 0.95 : 0.5)) continue;
    if (good.length && rng.next() < 0.9) o[k] = pick(good);
    else if (rng.next() < 0.3) o[k] = pick(bad);
  }
  return o;
}

test('the fast path agrees with the schema: what it accepts, the schema accepts with the same value', () => {
  let fast = 0;
  let schemaOnly = 0;
  let rejected = 0;
  for (let k = 0; k < 20_000; k++) {
    const json = candidate();
    const read = readWire(json);
    const parsed = wire.safeParse(json);
    if (read !== undefined) {
      fast++;
      assert.ok(parsed.success, `fast path accepted what the schema rejects: ${JSON.stringify(json)}`);
      assert.deepEqual(read, parsed.data, JSON.stringify(json));
    } else if (parsed.success) schemaOnly++;
    else rejected++;
  }
  // Every branch was taken many times: the comparison covered both answers.
  assert.ok(fast > 1_000 && rejected > 1_000 && schemaOnly > 100, `fast ${fast}, schema only ${schemaOnly}, rejected ${rejected}`);
});

test('the usual messages (a reading, a vessel fix) take the fast path', () => {
  assert.deepEqual(readWire({ ts: 1_700_000_000_000, value: 7.11 }), { ts: 1_700_000_000_000, value: 7.11, quality: 'reliable' });
  const fix = { domain: 'vessel', station: '412000001', metric: 'position', ts: 1, position: { lon: 122.1, lat: 29.9, speed: 8.4, course: 260 }, quality: 'doubtful', source: 'ais' };
  assert.deepEqual(readWire(fix), fix);
  // An ISO timestamp is the schema's to check.
  assert.equal(readWire({ ts: '2026-07-01T08:00:00+08:00', value: 1 }), undefined);
});
