// Replays observations onto the bus paced by their event time, so a 36-hour storm can play in
// 36 seconds (speed 3600) or as fast as the bus takes it (speed Infinity).
import { asyncScheduler, EMPTY, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Publisher } from '../engine/bus.ts';
import { encodeObservation } from '../engine/codec.ts';
import { observationSubject, seriesKey, type Observation } from '../engine/observation.ts';

export interface ReplayOptions {
  /** Event time per wall time: 1 is real time, 3600 one simulated hour per second, Infinity no pacing. */
  speed: number;
  /** Clock and timers; a TestScheduler in tests. Default: RxJS asyncScheduler. */
  scheduler?: SchedulerLike;
}

/** Runs of consecutive observations with the same ts: each run is published together, on one timer. */
function groupByTs(observations: readonly Observation[]): Observation[][] {
  const groups: Observation[][] = [];
  for (const o of observations) {
    const last = groups.at(-1);
    if (last !== undefined && last[0]!.ts === o.ts) last.push(o);
    else groups.push([o]);
  }
  return groups;
}

/**
 * Publish `observations` in the order given, each at (ts - first ts) / speed after subscription,
 * and emit each one once its publish has resolved. Deadlines are measured from the start, not from
 * the previous message, so slow publishes never accumulate into drift: a late group goes out at
 * once and later groups keep their deadlines. An observation whose ts is earlier than the one
 * before it (late data) goes out immediately after it. Each message carries msgId
 * `<domain>.<station>.<metric>@<ts>`, so a store that dedupes keeps one copy of a replayed reading.
 */
export function replay(observations: readonly Observation[], publisher: Publisher, options: ReplayOptions): Observable<Observation> {
  const { speed, scheduler = asyncScheduler } = options;
  if (!(speed > 0)) throw new RangeError(`replay speed must be a positive number (or Infinity), got ${speed}`);
  const groups = groupByTs(observations);
  if (groups.length === 0) return EMPTY;
  const t0 = groups[0]![0]!.ts;

  const publishGroup = (group: Observation[]): Promise<unknown> =>
    // One group is published concurrently (calls made in order), then emitted in order.
    Promise.all(group.map((o) => publisher.publish(observationSubject(o), encodeObservation(o), { msgId: `${seriesKey(o)}@${o.ts}` })));

  // One group at a time, pulled when the one before is out: a million readings are never queued
  // up inside an operator (concatMap over from(groups) shifts its buffer, quadratic at that size).
  return new Observable<Observation>((subscriber) => {
    const started = scheduler.now();
    let i = 0;
    // Only the next group's timer is ever pending; holding every past one would grow with the replay.
    let timer: Subscription | undefined;
    const next = (): void => {
      if (subscriber.closed) return;
      if (i >= groups.length) return subscriber.complete();
      const group = groups[i++]!;
      const offset = group[0]!.ts - t0;
      // Infinity speed: every deadline is now (0 / Infinity is 0 too, never NaN).
      const wait = started + (offset <= 0 ? 0 : offset / speed) - scheduler.now();
      const go = (): void => {
        publishGroup(group).then(
          () => {
            for (const o of group) subscriber.next(o);
            next();
          },
          (e: unknown) => subscriber.error(e),
        );
      };
      if (wait > 0) timer = scheduler.schedule(go, wait);
      else go();
    };
    next();
    return () => timer?.unsubscribe();
  });
}
