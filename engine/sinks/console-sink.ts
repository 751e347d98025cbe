// The live timeline: one coloured line per warning event, its own explanation included.
import type { Tier } from '../tiers.ts';
import { formatShort } from '../time.ts';
import type { WarningEvent } from '../warning.ts';
import type { WarningSink } from './sink.ts';

const COLOUR: Record<Tier, string> = { blue: '\x1b[34m', yellow: '\x1b[33m', orange: '\x1b[38;5;208m', red: '\x1b[31m' };
const RESET = '\x1b[0m';

export function formatEvent(e: WarningEvent, colour: boolean): string {
  const tier = e.tier ?? e.previousTier;
  const paint = (s: string) => (colour && tier ? `${COLOUR[tier]}${s}${RESET}` : s);
  return `${formatShort(e.at)}  ${paint(e.kind.padEnd(10))} ${e.summary}`;
}

export const consoleSink = (write: (line: string) => void, colour = process.stdout.isTTY): WarningSink => ({
  write(events: readonly WarningEvent[]) {
    for (const e of events) write(formatEvent(e, colour));
    return Promise.resolve();
  },
});
