import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleFile } from '../rules/loader.ts';
import type { SeriesRule } from '../rules/rule.ts';
import { SeriesBinding } from './series-binding.ts';
import type { Station } from './station.ts';

const [rule] = parseRuleFile(
  'river.yaml',
  `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage }
tiers:
  yellow: { above: station.warning_stage, for: 10m }
  red: { above: station.historical_max }
clear: { hysteresis: 0.1 }
`,
).rules as [SeriesRule];
const H01: Station = { id: 'H01', name: 'Qingshi Bridge', domain: 'hydrology', lon: 119.3, lat: 26.1, tags: [], params: { warning_stage: 5, historical_max: 7 } };
const MIN = 60_000;
const at = (minute: number, value: number) => ({ ts: minute * MIN, value });

test('a reading that moves no latch leaves the state as it was; one that starts a dwell or flips a latch makes a new one', () => {
  const b = new SeriesBinding(rule, H01, 'normal');
  const idle = b.state;
  assert.deepEqual(b.step(at(1, 4.2)), { kind: 'stepped' });
  assert.deepEqual(b.step(at(2, 4.9)), { kind: 'stepped' });
  // The same object: nothing to checkpoint, nothing new for the collector to keep.
  assert.equal(b.state, idle);
  assert.equal(b.head, 2 * MIN);
  // Above the warning stage: Yellow's dwell starts (a new state), Red goes on at once.
  b.step(at(3, 5.2));
  assert.notEqual(b.state, idle);
  assert.deepEqual(b.state.ladder.latches.map((l) => [l.on, l.run?.from.ts]), [[false, 3 * MIN], [false, undefined]]);
  const red = b.step(at(4, 7.5));
  assert.equal(red.kind === 'stepped' && red.decision?.level.tier, 'red');
  assert.equal(b.proposed, 'red');
  // Order still holds on the quiet path: a repeat is a duplicate, an old reading beyond the lateness is late.
  assert.deepEqual(b.step(at(4, 7.5)), { kind: 'duplicate' });
  assert.equal(b.step(at(-100, 4)).kind, 'late');
});
