// A store that keeps the time its commits take. The engine commits one group at a time (the next
// waits for the one before), so the sum over a run is how long a commit was in progress: near all
// of the run means commits ran back to back, each taking whatever had gathered meanwhile. That says
// the store never idled, not by itself that it held the pipeline back.
import type { Store } from '../store/store.ts';

export interface TimedStore extends Store {
  readonly writes: { commits: number; busyMs: number };
}

export function timedStore(store: Store): TimedStore {
  const writes = { commits: 0, busyMs: 0 };
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
      }
    },
  };
}
