// Hot reload: watch the rules directory; when files settle, load the whole set again. A valid set
// is handed on to be swapped in atomically; a set with any error is reported and kept out, so the
// previous rules keep running.
import { watch } from 'node:fs';
import { loadRules, type RuleSet } from '../rules/loader.ts';
import type { LocatedError } from './yaml-file.ts';

export interface WatchHandlers {
  valid(set: RuleSet): void;
  invalid(errors: LocatedError[]): void;
}

/** Watch `dir` (recursively); returns a function that stops watching. */
export function watchRules(dir: string, on: WatchHandlers, settleMs = 200): () => void {
  let timer: NodeJS.Timeout | undefined;
  const reload = (): void => {
    let set: RuleSet;
    try {
      set = loadRules(dir);
    } catch (e) {
      // A file vanishing between listing and reading: the next event reloads again.
      on.invalid([{ file: dir, line: 1, column: 1, message: e instanceof Error ? e.message : String(e) }]);
      return;
    }
    if (set.errors.length) on.invalid(set.errors);
    else on.valid(set);
  };
  // Editors write a file in several steps (truncate, write, rename): wait for them to settle.
  const watcher = watch(dir, { recursive: true }, (_event, name) => {
    if (name && !/\.ya?ml$/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(reload, settleMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
