// The warning lifecycle reducer on its own: issue, change, lift, the hold before a step down, and
// renotification at multiples of the interval.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tier } from '../engine/tiers.ts';
import { holdEnds, idle, renotify, stepLifecycle, type LifecycleState, type LifecycleStep } from './lifecycle.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-07-01T00:00:00Z');
const t = (minute: number): number => T0 + minute * MIN;

/** Propose tiers at the given minutes; returns every announced [kind, tier, minute] and the final state. */
function run(proposals: [number, Tier | null][], holdMs = 0, from: LifecycleState = idle): { events: [string, Tier | null, number][]; state: LifecycleState } {
  let state = from;
  const events: [string, Tier | null, number][] = [];
  for (const [minute, tier] of proposals) {
    const s = stepLifecycle(state, tier, t(minute), holdMs);
    if (s.kind) events.push([s.kind, s.state.tier, (s.at! - T0) / MIN]);
    state = s.state;
  }
  return { events, state };
}

test('issue, upgrade, downgrade and lift without a hold, each at the time it is proposed', () => {
  const { events, state } = run([[0, null], [5, 'blue'], [10, 'blue'], [15, 'orange'], [20, 'yellow'], [25, null], [30, null]]);
  assert.deepEqual(events, [
    ['issued', 'blue', 5],
    ['upgraded', 'orange', 15],
    ['downgraded', 'yellow', 20],
    ['lifted', null, 25],
  ]);
  assert.equal(state, idle);
});

test('issuedAt stays with the episode, since and notifiedAt move with each change', () => {
  const a = stepLifecycle(idle, 'yellow', t(0));
  assert.deepEqual(a, { state: { tier: 'yellow', issuedAt: t(0), since: t(0), notifiedAt: t(0) }, kind: 'issued', at: t(0) });
  const b = stepLifecycle(a.state, 'red', t(7));
  assert.deepEqual(b, { state: { tier: 'red', issuedAt: t(0), since: t(7), notifiedAt: t(7) }, kind: 'upgraded', at: t(7) });
  // The same tier again announces nothing and keeps the very same state object.
  const c = stepLifecycle(b.state, 'red', t(8));
  assert.equal(c.state, b.state);
  assert.equal(c.kind, undefined);
});

test('a step down inside the hold waits; it is applied at max(first lower proposal, since + hold)', () => {
  const red = stepLifecycle(idle, 'red', t(10)).state;
  const hold = 30 * MIN;
  const first = stepLifecycle(red, 'orange', t(20), hold);
  assert.deepEqual(first, { state: { ...red, pendingAt: t(20) } });
  assert.equal(holdEnds(first.state, hold), t(40));
  // A second lower proposal inside the hold keeps the first one's time.
  const second = stepLifecycle(first.state, 'yellow', t(35), hold);
  assert.equal(second.state, first.state);
  // After the hold: the step down takes effect when the hold ended, not when it was noticed.
  const done: LifecycleStep = stepLifecycle(second.state, 'yellow', t(47), hold);
  assert.deepEqual(done, { state: { tier: 'yellow', issuedAt: t(10), since: t(40), notifiedAt: t(40) }, kind: 'downgraded', at: t(40) });
  assert.equal(holdEnds(done.state, hold), undefined);
});

test('a lift deferred by the hold is dated at the end of the hold', () => {
  const { events } = run([[0, 'orange'], [5, null], [12, null]], 10 * MIN);
  assert.deepEqual(events, [['issued', 'orange', 0], ['lifted', null, 10]]);
});

test('a first lower proposal after the hold is applied at once, at its own time', () => {
  const { events } = run([[0, 'orange'], [25, 'blue']], 10 * MIN);
  assert.deepEqual(events, [['issued', 'orange', 0], ['downgraded', 'blue', 25]]);
});

test('going back up to the held tier cancels the pending step down; an upgrade is never held', () => {
  const { events, state } = run([[0, 'orange'], [3, 'yellow'], [6, 'orange']], 10 * MIN);
  assert.deepEqual(events, [['issued', 'orange', 0]]);
  assert.deepEqual(state, { tier: 'orange', issuedAt: t(0), since: t(0), notifiedAt: t(0) });
  assert.equal(holdEnds(state, 10 * MIN), undefined);
  // After the cancelled step down, a new lower proposal starts its own wait.
  assert.deepEqual(run([[8, 'yellow'], [20, 'yellow']], 10 * MIN, state).events, [['downgraded', 'yellow', 10]]);
  // Upgrades go through at once, whatever the hold, and clear any pending step down.
  const up = run([[0, 'yellow'], [1, 'blue'], [2, 'red']], 60 * MIN);
  assert.deepEqual(up.events, [['issued', 'yellow', 0], ['upgraded', 'red', 2]]);
  assert.equal(up.state.pendingAt, undefined);
});

test('renotify: nothing before the interval, then the latest multiple of it since the last notice', () => {
  const every = 60 * MIN;
  const s0 = stepLifecycle(idle, 'orange', t(0)).state;
  assert.deepEqual(renotify(s0, t(59), every), { state: s0 });
  const r1 = renotify(s0, t(60), every);
  assert.deepEqual(r1, { state: { ...s0, notifiedAt: t(60) }, kind: 'renotified', at: t(60) });
  // A tick that comes late gives one reminder, at the last multiple it passed.
  const r2 = renotify(r1.state, t(150), every);
  assert.deepEqual([r2.kind, r2.at], ['renotified', t(120)]);
  assert.deepEqual(renotify(r2.state, t(179), every), { state: r2.state });
  assert.equal(renotify(r2.state, t(180), every).at, t(180));
  // A change of tier is a notice too: the next reminder counts from it.
  const up = stepLifecycle(r2.state, 'red', t(130)).state;
  assert.equal(renotify(up, t(189), every).kind, undefined);
  assert.equal(renotify(up, t(190), every).at, t(190));
});

test('renotify: never without a warning or without an interval', () => {
  assert.deepEqual(renotify(idle, t(1000), 60 * MIN), { state: idle });
  const s = stepLifecycle(idle, 'blue', t(0)).state;
  assert.deepEqual(renotify(s, t(1000), 0), { state: s });
});
