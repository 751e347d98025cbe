// The tier ladder (threshold kind) and the lifecycle in virtual time: observations stamped with the scheduler's
// clock go through the evaluator operator, and the warning events are checked frame by frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { evaluate } from '../engine/evaluate.ts';
import { Evaluator } from '../engine/evaluator.ts';
import type { Station } from '../engine/station.ts';
import { parseRuleFile } from './loader.ts';
import { initialLadder, stepLadder, type Level } from './latch.ts';

const rule = parseRuleFile(
  'river.yaml',
  `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
tiers:
  blue:   { above: station.warning_stage - 0.5, for: 10m }
  yellow: { above: station.warning_stage, for: 10m }
  orange: { above: station.guaranteed_stage, for: 10m }
  red:    { above: station.historical_max }
clear: { hysteresis: 0.1, for: 30m }
`,
).rules;
const station: Station = { id: 'H01', name: 'Qingshi Bridge', domain: 'hydrology', lon: 119.3, lat: 26.1, region: '350121', tags: ['river'], params: { warning_stage: 5, guaranteed_stage: 6, historical_max: 7 } };

/** Run stage values (keyed by marble letter) through the engine; events become "kind:tier". */
function run(input: string, values: Record<string, number>, expected: string, expectedValues: Record<string, string>): void {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.run(({ cold, expectObservable }) => {
    const evaluator = new Evaluator(rule, new Map([['H01', station]]));
    const events = cold(input, values).pipe(
      map((value) => ({ domain: 'hydrology', station: 'H01', metric: 'stage', ts: scheduler.now(), value, unit: 'm', quality: 'reliable' as const })),
      evaluate(evaluator),
      map((e) => `${e.kind}:${e.tier ?? 'none'}`),
    );
    expectObservable(events).toBe(expected, expectedValues);
  });
}

test('climbing the ladder: each tier after its dwell, Red at once', () => {
  // Readings every 5 minutes: 4.6 (blue level 4.5), 5.1 (yellow 5), 6.2 (orange 6), 7.05 (red 7).
  run(
    // Blue holds from 0 to 10m, yellow from 10m to 20m; orange is reached at 25m but Red at 30m
    // (no dwell) overtakes it.
    'a 299999ms b 299999ms c 299999ms d 299999ms e 299999ms f 299999ms g',
    { a: 4.6, b: 4.7, c: 5.1, d: 5.2, e: 5.3, f: 6.2, g: 7.05 },
    '- 299999ms - 299999ms i 299999ms - 299999ms u 299999ms - 299999ms r',
    { i: 'issued:blue', u: 'upgraded:yellow', r: 'upgraded:red' },
  );
});

test('dwell not met: a 5-minute excursion raises nothing', () => {
  run('a 299999ms b 299999ms c 299999ms d', { a: 4.2, b: 5.4, c: 4.3, d: 4.2 }, '- 299999ms - 299999ms - 299999ms -', {});
});

test('falling back: downgrade and lift only after the clear dwell below level − hysteresis', () => {
  // Blue issued at 10m (4.6 held). Then 4.45 is below 4.5 but above the clear level 4.4: hysteresis
  // holds. 4.3 from 20m clears after 30 minutes, at 50m.
  run(
    'a 299999ms b 299999ms c 299999ms d 299999ms e 299999ms f 299999ms g 299999ms h 299999ms i 299999ms j 299999ms k',
    { a: 4.6, b: 4.6, c: 4.6, d: 4.45, e: 4.3, f: 4.3, g: 4.3, h: 4.3, i: 4.3, j: 4.3, k: 4.3 },
    '- 299999ms - 299999ms x 299999ms - 299999ms - 299999ms - 299999ms - 299999ms - 299999ms - 299999ms - 299999ms y 299999ms -',
    { x: 'issued:blue', y: 'lifted:none' },
  );
});

test('hysteresis holds a tier while the value wavers just under its level', () => {
  run(
    'a 599999ms b 599999ms c 599999ms d 599999ms e',
    { a: 5.2, b: 5.2, c: 4.95, d: 5.05, e: 4.92 },
    '- 599999ms x 599999ms - 599999ms - 599999ms -',
    { x: 'issued:yellow' },
  );
});

test('out-of-order and duplicate readings are not applied', () => {
  const levels: Level[] = [{ tier: 'yellow', component: 0, op: 'above', level: 5, clearLevel: 4.9, forMs: 600_000, clearForMs: 0 }];
  let s = initialLadder(levels);
  const step = (ts: number, value: number) => {
    const r = stepLadder(levels, s, ts, [value]);
    if (r.applied) s = r.state;
    return r;
  };
  assert.equal(step(0, 5.5).applied, true);
  assert.deepEqual(step(0, 5.5), { applied: false, reason: 'duplicate' });
  assert.deepEqual(step(600_000, 5.4), { applied: true, state: s, tier: 'yellow', decision: { level: levels[0], raised: true, readings: [{ ts: 0, value: 5.5 }, { ts: 600_000, value: 5.4 }] } });
  // A late reading below the clear level would have cleared the tier had it come in order.
  assert.deepEqual(step(300_000, 4.0), { applied: false, reason: 'late' });
  assert.equal(s.latches[0]!.on, true);
});

test('below: a low-water rule mirrors above', () => {
  const levels: Level[] = [{ tier: 'blue', component: 0, op: 'below', level: 1, clearLevel: 1.2, forMs: 0, clearForMs: 0 }];
  let s = initialLadder(levels);
  const tiers = [1.5, 1.0, 1.1, 1.25].map((value, i) => {
    const r = stepLadder(levels, s, i, [value]);
    assert.ok(r.applied);
    s = r.state;
    return r.tier;
  });
  assert.deepEqual(tiers, [null, 'blue', 'blue', null]);
});
