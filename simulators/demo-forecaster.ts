// The demo's duty forecaster, simulated: approves what waits for approval after a few minutes of
// checking, and acknowledges Orange and Red warnings, but only after the first step of the
// escalation ladder has called the section chief (a busy night at the bureau).
import type { Alerting } from '../alerting/alerting.ts';

const MIN = 60_000;

export function dutyForecaster(alerting: Alerting, clock: () => number, opts = { approveAfterMs: 5 * MIN, acknowledgeAfterMs: 20 * MIN }): () => Promise<void> {
  return async () => {
    const now = clock();
    for (const ep of alerting.episodes()) {
      const waiting = Object.values(ep.approvals).filter((a) => !a.decided && now - a.requestedAt >= opts.approveAfterMs);
      if (waiting.length > 0) await alerting.approve(ep.key, true, 'duty-lin', 'checked against the radar and the gauges (simulated forecaster)');
      if (ep.escalation && !ep.acknowledged && now - ep.last.issuedAt >= opts.acknowledgeAfterMs) await alerting.acknowledge(ep.key, 'duty-chen', 'on it (simulated forecaster)');
    }
  };
}
