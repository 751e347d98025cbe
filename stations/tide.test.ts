import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTidePredictor } from '@neaps/tide-predictor';
import { formatError } from '../engine/yaml-file.ts';
import { loadRegistry, parseRegistry } from './registry.ts';
import { tideModel } from './tide.ts';

const reference = loadRegistry('stations/tide-reference.yaml');
const FT = 0.3048;
const MINUTE = 60_000;

// NOAA CO-OPS published high/low predictions (product=predictions, interval=hilo, datum=MLLW,
// time_zone=lst_ldt: PDT, UTC−7), as returned by api.tidesandcurrents.noaa.gov for these dates.
const PUBLISHED: Record<string, Array<{ t: string; v: number; type: 'H' | 'L' }>> = {
  // units=metric
  NOAA9414290: [
    { t: '2026-10-07T03:25-07:00', v: 0.023, type: 'L' },
    { t: '2026-10-07T10:19-07:00', v: 1.687, type: 'H' },
    { t: '2026-10-07T15:54-07:00', v: 0.449, type: 'L' },
    { t: '2026-10-07T21:59-07:00', v: 1.687, type: 'H' },
  ],
  // units=english (feet)
  NOAA9414131: [
    { t: '2022-08-06T00:21-07:00', v: 0.804 * FT, type: 'L' },
    { t: '2022-08-06T06:40-07:00', v: 3.476 * FT, type: 'H' },
    { t: '2022-08-06T11:04-07:00', v: 2.591 * FT, type: 'L' },
    { t: '2022-08-06T17:48-07:00', v: 5.902 * FT, type: 'H' },
  ],
};

test('highs and lows match NOAA published predictions within 3 cm and 6 minutes', () => {
  assert.deepEqual(reference.errors, []);
  for (const [id, published] of Object.entries(PUBLISHED)) {
    const model = tideModel(reference.stations.get(id)!.harmonics!);
    const from = Date.parse(published[0]!.t) - 3 * 3_600_000;
    const to = Date.parse(published.at(-1)!.t) + 3 * 3_600_000;
    const predicted = model.extremes(from, to);
    assert.equal(predicted.length, published.length, `${id}: ${predicted.length} extremes`);
    published.forEach((p, i) => {
      const e = predicted[i]!;
      const dt = (e.ts - Date.parse(p.t)) / MINUTE;
      const dz = e.level - p.v;
      assert.equal(e.high, p.type === 'H', `${id} ${p.t} type`);
      assert.ok(Math.abs(dz) <= 0.03, `${id} ${p.t}: level ${e.level.toFixed(3)} m vs published ${p.v.toFixed(3)} m`);
      assert.ok(Math.abs(dt) <= 6, `${id} ${p.t}: time off by ${dt.toFixed(1)} min`);
    });
  }
});

test('the one-minute grid agrees with a finer harmonic timeline within a millimetre, across a day boundary', () => {
  const h = reference.stations.get('NOAA9414290')!.harmonics!;
  const model = tideModel(h);
  // A 20-second timeline over the same hours, computed independently of the model's day grid.
  const start = Date.parse('2026-10-06T22:00:00Z');
  const fine = createTidePredictor(h.constituents, { offset: h.datumOffset }).getTimelinePrediction({ start: new Date(start), end: new Date(start + 4 * 3_600_000), timeFidelity: 20 });
  for (const p of fine.slice(1)) {
    const t = p.time.getTime();
    assert.ok(Math.abs(model.level(t) - p.level) < 0.001, `${p.time.toISOString()}: ${model.level(t)} vs ${p.level}`);
  }
});

test('forecast peak: the next high water plus the surge now, persisting or decaying', () => {
  const model = tideModel(reference.stations.get('NOAA9414290')!.harmonics!);
  const now = Date.parse('2026-10-07T05:00:00-07:00');
  const high = model.highWaters(now, now + 12 * 3_600_000)[0]!;
  const still = model.forecastPeak(now, 0, 12 * 3_600_000, 0);
  assert.ok(Math.abs(still.level - high.level) < 0.001 && Math.abs(still.ts - high.ts) <= MINUTE, 'no surge: the predicted high water');
  const surged = model.forecastPeak(now, 0.5, 12 * 3_600_000, 0);
  assert.ok(Math.abs(surged.level - (high.level + 0.5)) < 0.001, 'a persisting surge adds to it');
  const decayed = model.forecastPeak(now, 0.5, 12 * 3_600_000, 6 * 3_600_000);
  assert.ok(decayed.level < surged.level && decayed.level > high.level, 'a decaying surge adds less');
  const short = model.forecastPeak(now, 0, 3 * 3_600_000, 0);
  assert.ok(short.ts <= now + 3 * 3_600_000 && short.level < high.level, 'the horizon bounds the search');
});

const tideStation = (constituents: string): string => `stations:
  - id: T1
    name: test
    domain: tide
    lon: 119.6
    lat: 26.1
    harmonics:
      datum_offset: 0.2
      constituents:
${constituents}`;

test('an unknown or repeated constituent is an error at its place in the file', () => {
  const unknown = parseRegistry('t.yaml', tideStation('        - { name: M2, amplitude: 1, phase: 10 }\n        - { name: MX2, amplitude: 0.1, phase: 20 }\n'));
  assert.deepEqual(unknown.errors.map(formatError), ['t.yaml:11:19: stations.0.harmonics.constituents.1.name: unknown tidal constituent "MX2" (the predictor would silently leave it out)']);
  assert.equal(unknown.stations.size, 0);
  const twice = parseRegistry('t.yaml', tideStation('        - { name: M2, amplitude: 1, phase: 10 }\n        - { name: M2, amplitude: 0.1, phase: 20 }\n'));
  assert.deepEqual(twice.errors.map(formatError), ['t.yaml:11:19: constituent M2 appears twice']);
  const phase = parseRegistry('t.yaml', tideStation('        - { name: M2, amplitude: 1, phase: 360 }\n'));
  assert.match(formatError(phase.errors[0]!), /^t\.yaml:10:44: stations\.0\.harmonics\.constituents\.0\.phase: Too big/);
});
