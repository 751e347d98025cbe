// `seed tides <station>`: the coming high waters of a tide station. Offline from the stations file
// (astronomical tide only), or from a running engine over NATS with the surge observed now.
import { comingHighWaters, type HighWaterList } from '../../stations/high-waters.ts';
import { loadRegistry } from '../../stations/registry.ts';
import { formatTable } from '../bench/table.ts';
import { CONTROL_SUBJECTS } from '../control.ts';
import { requestControl } from '../nats/nats-control.ts';
import { openJetStream } from '../sources/jetstream-source.ts';
import { formatLocal } from '../time.ts';
import { formatError } from '../yaml-file.ts';

export function formatHighWaters(list: HighWaterList): string[] {
  const surge = list.surge ? `surge ${list.surge.value.toFixed(2)} m at ${formatLocal(list.surge.ts)}` : 'no level reading: astronomical tide only';
  const rows = list.highWaters.map((h) => [formatLocal(h.ts), h.predicted.toFixed(2), h.forecast === undefined ? '' : h.forecast.toFixed(2), h.tier ?? '']);
  return [`${list.station}: high waters (m, 85 datum); ${surge}`, formatTable([['time', 'predicted', 'forecast', 'reaches'], ...rows])];
}

export async function tidesCommand(args: { station: string; stations?: string; from?: string; hours?: string; nats?: string }, out: (line: string) => void): Promise<number> {
  const hours = Number(args.hours ?? 48);
  if (!(hours > 0)) {
    out('--hours must be a positive number');
    return 2;
  }
  if (args.nats && !args.stations) {
    const bus = await openJetStream(args.nats);
    try {
      const reply = await requestControl(bus.nc, CONTROL_SUBJECTS.highWaters, { station: args.station, hours });
      if (!reply.ok) return (out(reply.error), 1);
      formatHighWaters(reply as unknown as HighWaterList).forEach((l) => out(l));
      return 0;
    } finally {
      await bus.close();
    }
  }
  if (!args.stations) {
    out('give --stations <file> (astronomical tide), or --nats <url> to ask a running engine (with the surge now)');
    return 2;
  }
  const registry = loadRegistry(args.stations);
  registry.errors.forEach((e) => out(formatError(e)));
  if (registry.errors.length) return 1;
  const station = registry.stations.get(args.station);
  if (!station?.harmonics) return (out(station ? `station ${args.station} has no harmonic constants` : `no station "${args.station}" in ${args.stations}`), 1);
  const from = args.from === undefined ? Date.now() : Date.parse(args.from);
  if (Number.isNaN(from)) return (out('--from must be an ISO 8601 time'), 2);
  formatHighWaters(comingHighWaters(station, from, hours)).forEach((l) => out(l));
  return 0;
}
