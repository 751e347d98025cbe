import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observable, SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { PublishOptions, Publisher } from '../engine/bus.ts';
import { decodeObservation } from '../engine/codec.ts';
import type { Observation } from '../engine/observation.ts';
import { replay } from './publish.ts';

const MIN = 60_000;
const t0 = Date.UTC(2023, 6, 28, 0, 0);

const obs = (station: string, ts: number, value = 1): Observation => ({
  domain: 'hydrology',
  station,
  metric: 'stage',
  ts,
  value,
  unit: 'm',
  quality: 'reliable',
  source: 'sim',
});

interface Sent {
  at: number;
  subject: string;
  data: Uint8Array;
  options?: PublishOptions;
}

/** A publisher that records what it is given and when (in virtual time); `latency` virtual ms per publish. */
function recorder(scheduler: TestScheduler, latency = 0): Publisher & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    publish(subject, data, options) {
      sent.push({ at: scheduler.now(), subject, data, options });
      if (latency === 0) return Promise.resolve();
      return new Promise((resolve) => scheduler.schedule(() => resolve(), latency));
    },
  };
}

/** A scheduler that counts the timers asked of it. */
function counting(scheduler: TestScheduler): SchedulerLike & { timers: number } {
  const wrapped = {
    timers: 0,
    now: () => scheduler.now(),
    schedule: ((...args: Parameters<SchedulerLike['schedule']>) => {
      wrapped.timers++;
      return scheduler.schedule(...args);
    }) as SchedulerLike['schedule'],
  };
  return wrapped;
}

/**
 * Run `source$` to completion in virtual time. Publishes resolve as promises (microtasks), which
 * TestScheduler.run cannot see, so flush the virtual clock and let microtasks settle in turns.
 */
async function runVirtual(scheduler: TestScheduler, source$: Observable<Observation>): Promise<Array<{ at: number; o: Observation }>> {
  const emitted: Array<{ at: number; o: Observation }> = [];
  let done = false;
  let failure: unknown;
  source$.subscribe({
    next: (o) => emitted.push({ at: scheduler.now(), o }),
    error: (e: unknown) => ((failure = e), (done = true)),
    complete: () => (done = true),
  });
  for (let turn = 0; !done; turn++) {
    assert.ok(turn < 100_000, 'replay never completed');
    scheduler.flush();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('replay failed', { cause: failure });
  return emitted;
}

function virtualScheduler(): TestScheduler {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.maxFrames = Number.POSITIVE_INFINITY; // outside run() it stops at 750 frames otherwise
  return scheduler;
}

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);

describe('replay', () => {
  it('paces by event time divided by speed and emits each observation after publishing it', async () => {
    const scheduler = virtualScheduler();
    const bus = recorder(scheduler);
    const input = [obs('H01', t0), obs('H01', t0 + 5 * MIN), obs('H01', t0 + 60 * MIN), obs('H01', t0 + 36 * 60 * MIN)];
    const out = await runVirtual(scheduler, replay(input, bus, { speed: 3600, scheduler }));
    assert.deepEqual(
      out.map((e) => e.o),
      input,
    );
    // One simulated hour per real second: 5 min -> 83.3 ms, 1 h -> 1 s, 36 h -> 36 s.
    const expected = [0, (5 * MIN) / 3600, 1000, 36_000];
    out.forEach((e, i) => close(e.at, expected[i]!, `emission ${i}`));
    bus.sent.forEach((s, i) => close(s.at, expected[i]!, `publish ${i}`));
  });

  it('keeps the same pacing at another speed', async () => {
    const scheduler = virtualScheduler();
    const bus = recorder(scheduler);
    const input = [obs('H01', t0), obs('H01', t0 + 10 * MIN), obs('H01', t0 + 30 * MIN)];
    const out = await runVirtual(scheduler, replay(input, bus, { speed: 60, scheduler }));
    assert.deepEqual(
      out.map((e) => e.at),
      [0, 10_000, 30_000],
    );
  });

  it('does not drift when publishing takes time: deadlines count from the start', async () => {
    const scheduler = virtualScheduler();
    const bus = recorder(scheduler, 30); // each publish takes 30 ms, the steps are 83.3 ms apart
    const input = Array.from({ length: 200 }, (_, i) => obs('H01', t0 + i * 5 * MIN, i));
    const out = await runVirtual(scheduler, replay(input, bus, { speed: 3600, scheduler }));
    assert.equal(bus.sent.length, 200);
    bus.sent.forEach((s, i) => close(s.at, (i * 5 * MIN) / 3600, `publish ${i}`));
    out.forEach((e, i) => close(e.at, (i * 5 * MIN) / 3600 + 30, `emission ${i}`));
  });

  it('catches up after a slow publish instead of shifting every later deadline', async () => {
    const scheduler = virtualScheduler();
    const slowOnce = recorder(scheduler);
    let first = true;
    const bus: Publisher = {
      publish(subject, data, options) {
        const p = slowOnce.publish(subject, data, options);
        if (!first) return p;
        first = false;
        return new Promise((resolve) => scheduler.schedule(() => resolve(), 250)); // 3 steps late
      },
    };
    const input = Array.from({ length: 8 }, (_, i) => obs('H01', t0 + i * 5 * MIN, i));
    await runVirtual(scheduler, replay(input, bus, { speed: 3600, scheduler }));
    const step = (5 * MIN) / 3600;
    const at = slowOnce.sent.map((s) => s.at);
    // Steps 1..3 were due while step 0 was still publishing: they go out at once, one after another.
    [1, 2, 3].forEach((i) => close(at[i]!, 250, `late publish ${i}`));
    [4, 5, 6, 7].forEach((i) => close(at[i]!, i * step, `publish ${i} back on schedule`));
  });

  it('publishes a burst sharing one timestamp together, on one timer, in order', async () => {
    const scheduler = virtualScheduler();
    const clock = counting(scheduler);
    const bus = recorder(scheduler);
    const burst = (ts: number): Observation[] => Array.from({ length: 50 }, (_, i) => obs(`S${String(i).padStart(2, '0')}`, ts, i));
    const input = [...burst(t0), ...burst(t0 + 5 * MIN), ...burst(t0 + 10 * MIN)];
    const out = await runVirtual(scheduler, replay(input, bus, { speed: 3600, scheduler: clock }));
    assert.deepEqual(
      out.map((e) => e.o),
      input,
    );
    assert.deepEqual(
      bus.sent.map((s) => s.subject),
      input.map((o) => `obs.hydrology.${o.station}.stage`),
    );
    // The first group is due at once; the two later groups take one timer each, not fifty.
    assert.equal(clock.timers, 2);
    const step = (5 * MIN) / 3600;
    bus.sent.forEach((s, i) => close(s.at, Math.floor(i / 50) * step, `publish ${i}`));
  });

  it('publishes bytes that decode back to the same observation, with an idempotency key', async () => {
    const scheduler = virtualScheduler();
    const bus = recorder(scheduler);
    const input: Observation[] = [
      obs('H01', t0, 7.56),
      { domain: 'hydrology', station: 'R01', metric: 'rain_1h', ts: t0, value: 42.7, unit: 'mm', quality: 'reliable', source: 'sim' },
      { domain: 'hydrology', station: 'R01', metric: 'rain', ts: t0 + 5 * MIN, value: 0, unit: 'mm', quality: 'reliable', source: 'sim' },
    ];
    await runVirtual(scheduler, replay(input, bus, { speed: 3600, scheduler }));
    assert.equal(bus.sent.length, input.length);
    bus.sent.forEach((s, i) => {
      const o = input[i]!;
      assert.equal(s.subject, `obs.hydrology.${o.station}.${o.metric}`);
      assert.deepEqual(decodeObservation(s.subject, s.data), { ok: true, obs: o });
      assert.equal(s.options?.msgId, `hydrology.${o.station}.${o.metric}@${o.ts}`);
    });
  });

  it('plays everything at once with speed Infinity, using no timers', async () => {
    const scheduler = virtualScheduler();
    const clock = counting(scheduler);
    const bus = recorder(scheduler);
    const input = Array.from({ length: 100 }, (_, i) => obs('H01', t0 + i * 5 * MIN, i));
    const out = await runVirtual(scheduler, replay(input, bus, { speed: Infinity, scheduler: clock }));
    assert.equal(out.length, 100);
    assert.ok(out.every((e) => e.at === 0));
    assert.equal(clock.timers, 0);
  });

  it('publishes late data (ts before the previous one) at once, keeping arrival order', async () => {
    const scheduler = virtualScheduler();
    const bus = recorder(scheduler);
    const input = [obs('H01', t0), obs('H01', t0 + 60 * MIN), obs('H02', t0 + 30 * MIN)];
    const out = await runVirtual(scheduler, replay(input, bus, { speed: 3600, scheduler }));
    assert.deepEqual(
      out.map((e) => [e.o.station, e.at]),
      [
        ['H01', 0],
        ['H01', 1000],
        ['H02', 1000],
      ],
    );
  });

  it('fails with the publisher error, completes at once when empty, and rejects a bad speed', async () => {
    const scheduler = virtualScheduler();
    const broken: Publisher = { publish: () => Promise.reject(new Error('no route to NATS')) };
    await assert.rejects(runVirtual(scheduler, replay([obs('H01', t0)], broken, { speed: 3600, scheduler })), /no route to NATS/);
    assert.deepEqual(await runVirtual(scheduler, replay([], recorder(scheduler), { speed: 3600, scheduler })), []);
    for (const speed of [0, -1, Number.NaN]) {
      assert.throws(() => replay([obs('H01', t0)], recorder(scheduler), { speed, scheduler }), /speed/);
    }
  });
});
