// Publishes each warning event on warn.<domain>.<tier>.<rule>.<entity>, keyed by its id so a
// replay after a crash is deduplicated by JetStream.
import type { Publisher } from '../bus.ts';
import { warningSubject, type WarningEvent } from '../warning.ts';
import type { WarningSink } from './sink.ts';

const encoder = new TextEncoder();

export const busSink = (publisher: Publisher): WarningSink => ({
  async write(events: readonly WarningEvent[]) {
    await Promise.all(events.map((e) => publisher.publish(warningSubject(e), encoder.encode(JSON.stringify(e)), { msgId: e.id })));
  },
});
