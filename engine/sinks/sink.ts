// Where warning events go besides the store: the bus, a JSONL file, the console.
import type { WarningEvent } from '../warning.ts';

export interface WarningSink {
  /** Called once per batch, before the batch is committed; events carry stable ids for dedupe. */
  write(events: readonly WarningEvent[]): Promise<void>;
}
