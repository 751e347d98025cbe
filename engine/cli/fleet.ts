// `seed fleet [rule] --nats <url>`: where a geofence rule stands over the fleet, from a running
// engine. For the typhoon port-return order: in force or not, the deadline, who is still out.
import { formatTable } from '../bench/table.ts';
import { CONTROL_SUBJECTS } from '../control.ts';
import type { FleetStanding } from '../evaluator.ts';
import { requestControl } from '../nats/nats-control.ts';
import { openJetStream } from '../sources/jetstream-source.ts';
import { formatLocal } from '../time.ts';

export function formatStanding(s: FleetStanding): string[] {
  const order = s.since === undefined ? 'not ordered' : `ordered ${formatLocal(s.since)}, deadline ${formatLocal(s.deadline!)}${s.inForce ? ' (passed)' : ''}`;
  const rows = s.holding.map((h) => [h.vessel, h.name, h.tier ?? '', h.last ? formatLocal(h.last.ts) : 'never', h.last ? `${h.last.lat.toFixed(4)}N ${h.last.lon.toFixed(4)}E` : '', h.last?.speed?.toFixed(1) ?? '']);
  return [`${s.rule}: ${s.condition}, ${s.count} of ${s.watched} vessels; ${order}`, ...(rows.length ? [formatTable([['vessel', 'name', 'tier', 'last heard', 'position', 'kn'], ...rows])] : [])];
}

export async function fleetCommand(rule: string | undefined, nats: string, out: (line: string) => void): Promise<number> {
  const bus = await openJetStream(nats);
  try {
    const reply = await requestControl(bus.nc, CONTROL_SUBJECTS.fleet, rule ? { rule } : {});
    if (!reply.ok) return (out(reply.error), 1);
    formatStanding(reply as unknown as FleetStanding).forEach((l) => out(l));
    return 0;
  } finally {
    await bus.close();
  }
}
