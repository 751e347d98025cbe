// A store that keeps the time its commits take and the size of its largest. The engine commits one
// group at a time (the next waits for the one before), so the sum over a run is how long a commit
// was in progress: near all of the run means commits ran back to back, each taking whatever had
// gathered meanwhile. That says the store never idled, not that it held the pipeline back. The
// largest commit says that: evaluation runs at most eight batches ahead of the store, so a group
// that stays well short of eight full batches means evaluation never had to wait for a commit.
import type { Store } from '../store/store.ts';

export interface TimedStore extends Store {
  /** `largest`: the readings of the largest commit. */
  readonly writes: { commits: number; busyMs: number; largest: number };
}

export function timedStore(store: Store): TimedStore {
  const writes = { commits: 0, busyMs: 0, largest: 0 };
  return {
    ...store,
    writes,
    async commit(batch) {
      const started = performance.now();
      try {
        await store.commit(batch);
      } finally {
        writes.busyMs += performance.now() - started;
        writes.commits++;
        writes.largest = Math.max(writes.largest, batch.observations.length);
      }
    },
  };
}
