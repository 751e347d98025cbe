import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeObservation, encodeObservation } from './codec.ts';
import type { Observation } from './observation.ts';

const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const reason = (subject: string, v: unknown) => {
  const d = decodeObservation(subject, bytes(v));
  return d.ok ? 'ok' : d.reason;
};

test('round trip, with names from the subject and defaults filled', () => {
  const o: Observation = { domain: 'marine', station: 'V412000001', metric: 'fix', ts: 1_700_000_000_000, position: { lon: 119.5, lat: 26.1, speed: 8.4, course: 260.1 }, quality: 'doubtful', unit: 'kn', source: 'ais' };
  assert.deepEqual(decodeObservation('obs.marine.V412000001.fix', encodeObservation(o)), { ok: true, obs: o });
  assert.deepEqual(decodeObservation('obs.hydrology.H01.stage', bytes({ ts: '2026-07-28T02:35:00+08:00', value: 7.11 })), {
    ok: true,
    obs: { domain: 'hydrology', station: 'H01', metric: 'stage', ts: Date.parse('2026-07-27T18:35:00Z'), value: 7.11, quality: 'reliable' },
  });
});

test('every rejection says why', () => {
  const s = 'obs.hydrology.H01.stage';
  assert.equal(reason('obs.hydrology.H01', { ts: 1, value: 1 }), 'subject "obs.hydrology.H01" is not obs.<domain>.<station>.<metric>');
  assert.match(reason(s, '{"ts": 1,'), /^not JSON: /);
  assert.equal(reason(s, { ts: 1, value: '4.2m' }), 'value: Invalid input: expected number, received string');
  assert.equal(reason(s, { ts: 1 }), 'needs a value or a position');
  assert.match(reason(s, { ts: '2026-07-28 02:00:00', value: 1 }), /^ts: must be ISO 8601 with an offset/);
  assert.match(reason(s, { ts: 1, value: 1, quality: 'great' }), /^quality: /);
  assert.match(reason(s, { ts: 1, position: { lon: 200, lat: 0 } }), /^position\.lon: /);
  assert.equal(reason(s, { ts: 1, value: 1, station: 'H02' }), 'station "H02" contradicts subject "obs.hydrology.H01.stage"');
  assert.equal(reason(s, { ts: 1, value: 1, metric: 'flow' }), 'metric "flow" contradicts subject "obs.hydrology.H01.stage"');
  assert.equal(reason(s, { ts: 1, value: 1, domain: 'hydrology', station: 'H01', metric: 'stage' }), 'ok');
  const notUtf8 = decodeObservation(s, new Uint8Array([0xff, 0xfe]));
  assert.ok(!notUtf8.ok && notUtf8.reason.startsWith('not JSON: '));
});
