// Appends every warning event as one JSON line: easy to tail, grep and load elsewhere.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { WarningEvent } from '../warning.ts';
import type { WarningSink } from './sink.ts';

export function jsonlSink(path: string): WarningSink {
  let ready: Promise<unknown> | undefined;
  return {
    async write(events: readonly WarningEvent[]) {
      if (!events.length) return;
      await (ready ??= mkdir(dirname(path), { recursive: true }));
      await appendFile(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    },
  };
}
