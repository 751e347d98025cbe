// A store that keeps the time its commits take. The engine commits one group at a time (the next
// waits for the one before), so the sum over a run is how long the write path was busy: near all
// of the run when the store is what the pipeline waits on, well under it when something else is.
import type { Store } from '../store/store.ts';

export interface TimedStore extends Store {
  readonly writes: { commits: number; observations: number; busyMs: number };
}

export function timedStore(store: Store): TimedStore {
  const writes = { commits: 0, observations: 0, busyMs: 0 };
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
        writes.observations += batch.observations.length;
      }
    },
  };
}
