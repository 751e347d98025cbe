// One write (or read) at a time, in call order: what every store adapter's connection needs.

/** Runs tasks one at a time in call order; a failure rejects only its own caller. */
export function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

