// Dissemination as configured in seed.yaml: contacts, routes and templates read and checked (every
// error at file:line:column), the channels made, the CAP feed rebuilt from the stored warnings of
// the last week, and the outbox resumed where it stopped.
import type { Publisher } from '../engine/bus.ts';
import type { Config } from '../engine/config.ts';
import type { Station } from '../engine/station.ts';
import type { Store } from '../engine/store/store.ts';
import type { LocatedError } from '../engine/yaml-file.ts';
import type { Zone } from '../stations/zones.ts';
import { Alerting } from './alerting.ts';
import { CapService } from './cap/cap-service.ts';
import { makeChannel } from './channel-factory.ts';
import { loadContacts } from './contacts.ts';
import { loadRouting } from './routing.ts';
import { DEFAULT_TEMPLATES_URL, loadTemplates } from './templates.ts';

const WEEK = 7 * 24 * 3_600_000;

export interface OpenedAlerting {
  alerting: Alerting;
  cap?: CapService;
  resumed: number;
  inDoubt: number;
}

export async function openAlerting(
  config: NonNullable<Config['alerting']>,
  deps: { store: Store; publisher: Publisher; stations: ReadonlyMap<string, Station>; zones: readonly Zone[]; clock: () => number },
): Promise<{ opened?: OpenedAlerting; errors: LocatedError[] }> {
  const { contacts, errors } = loadContacts(config.contacts);
  if (!contacts) return { errors };
  const { routing, errors: routeErrors } = loadRouting(config.routes, contacts, config.channels.map((c) => c.name));
  if (!routing) return { errors: routeErrors };
  const templates = loadTemplates(config.templates ?? DEFAULT_TEMPLATES_URL);
  const channels = config.channels.map((spec) => makeChannel(spec, deps.publisher));
  const zones = new Map(deps.zones.map((z) => [z.id, z]));
  const cap =
    config.cap &&
    new CapService({ sender: config.cap.sender, senderName: config.cap.sender_name, agency: config.cap.agency, utcOffsetMinutes: config.utc_offset_minutes, templates, zoneOf: (id) => zones.get(id), publisher: deps.publisher });
  cap?.restore(await deps.store.warnings({ from: deps.clock() - WEEK }));
  const { alerting, resumed, inDoubt } = await Alerting.open({
    store: deps.store,
    channels,
    routing,
    contacts,
    templates,
    tagsOf: (id) => deps.stations.get(id)?.tags ?? [],
    stationOf: (id) => deps.stations.get(id),
    clock: deps.clock,
    utcOffsetMinutes: config.utc_offset_minutes,
    ...(cap && { onEvents: (events) => cap.write(events) }),
  });
  return { opened: { alerting, ...(cap && { cap }), resumed, inDoubt }, errors: [] };
}
