// The fleet registry: one YAML file listing every vessel with its positioning terminals (an AIS
// transponder by MMSI, a Beidou terminal by id), class, length, home port and owner. Each vessel
// becomes a station of domain `vessel`, so rules match vessels by class, terminal or home port
// tags like any other station; static AIS reports (types 5, 19, 24) fill in what the file lacks.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { TOKEN, type Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { YamlFile, type LocatedError } from '../engine/yaml-file.ts';

export const VESSEL_DOMAIN = 'vessel';

/** Where a vessel's positions are found: `vessel.<id>.position`. */
export const POSITION_METRIC = 'position';

/** How often a terminal reports at most when all is well (DOMAIN.md): class A and B AIS 3 min at anchor or slow, Beidou 10 min. */
export const EXPECTED_INTERVAL_MS = { 'ais-a': 3 * 60_000, 'ais-b': 3 * 60_000, beidou: 10 * 60_000 } as const;
export type TerminalKind = keyof typeof EXPECTED_INTERVAL_MS;

const vessel = z.strictObject({
  id: z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"'),
  name: z.string().min(1),
  /** Free text matched by rules as a tag: trawler, gillnetter, seiner, longliner, carrier, small... */
  class: z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"'),
  length: z.number().positive().optional(),
  home_port: z.string().regex(TOKEN).optional(),
  mmsi: z.string().regex(/^\d{9}$/, 'must be nine digits, quoted').optional(),
  /** AIS transponder class, with an MMSI. */
  ais: z.enum(['A', 'B']).optional(),
  /** Beidou terminal id. */
  terminal: z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"').optional(),
  owner: z.strictObject({ name: z.string().min(1), phone: z.string().min(1).optional() }).optional(),
  tags: z.array(z.string()).default([]),
});

const fleetFile = z.strictObject({ vessels: z.array(vessel) });

export interface Terminal {
  kind: TerminalKind;
  /** MMSI or Beidou terminal id. */
  id: string;
}

export interface Vessel {
  id: string;
  name: string;
  class: string;
  length?: number;
  homePort?: string;
  owner?: { name: string; phone?: string };
  terminals: Terminal[];
  /** From static AIS reports: call sign, IMO, ship type, as last heard. */
  callsign?: string;
  imo?: number;
  shipType?: number;
}

export interface Fleet {
  vessels: Map<string, Vessel>;
  /** The vessels as stations, for the engine. */
  stations: Map<string, Station>;
  /** Terminal id (MMSI or Beidou id) → vessel id. */
  byTerminal: Map<string, string>;
  errors: LocatedError[];
}

/** A port's place: a vessel's station sits at its home port and takes its region. */
export interface PortPlace {
  lon: number;
  lat: number;
  region?: string;
}

/** A vessel's fix as the engine takes it: `vessel.<id>.position`, tagged with the terminal that reported (`ais:<mmsi>`, `beidou:<id>`). */
export function positionObservation(vessel: string, ts: number, fix: { lon: number; lat: number; speed?: number; course?: number }, source: string): Observation {
  return {
    domain: VESSEL_DOMAIN,
    station: vessel,
    metric: POSITION_METRIC,
    ts,
    position: { lon: fix.lon, lat: fix.lat, ...(fix.speed !== undefined && { speed: fix.speed }), ...(fix.course !== undefined && { course: fix.course }) },
    quality: 'reliable',
    source,
  };
}

/** The tag a vessel of a home port carries, e.g. `port:P01`. */
export const portTag = (port: string): string => `port:${port}`;

/**
 * Parse a fleet file. With `ports`, a home port must be one of them, and the vessel's station
 * takes its position and region; without, stations sit at 0,0 with no region.
 */
export function parseFleet(file: string, text: string, ports?: ReadonlyMap<string, PortPlace>): Fleet {
  const yaml = new YamlFile(file, text);
  const { value, errors } = yaml.validate(fleetFile);
  const fleet: Fleet = { vessels: new Map(), stations: new Map(), byTerminal: new Map(), errors };
  value?.vessels.forEach((v, i) => {
    const at = (field: string, message: string) => errors.push(yaml.error(['vessels', i, field], message));
    if (fleet.vessels.has(v.id)) at('id', `vessel id "${v.id}" appears twice`);
    if (!v.mmsi && !v.terminal) at('id', `vessel ${v.id} has no terminal: give "mmsi" (with "ais") or "terminal" (Beidou)`);
    if (v.mmsi && !v.ais) at('mmsi', 'give "ais: A" or "ais: B" with an MMSI');
    if (v.ais && !v.mmsi) at('ais', 'an AIS class needs an "mmsi"');
    const port = v.home_port === undefined ? undefined : ports?.get(v.home_port);
    if (v.home_port !== undefined && ports && !port) at('home_port', `no port "${v.home_port}" among the zones`);
    const terminals: Terminal[] = [
      ...(v.mmsi && v.ais ? [{ kind: v.ais === 'A' ? ('ais-a' as const) : ('ais-b' as const), id: v.mmsi }] : []),
      ...(v.terminal ? [{ kind: 'beidou' as const, id: v.terminal }] : []),
    ];
    for (const t of terminals) {
      const other = fleet.byTerminal.get(t.id);
      if (other !== undefined && other !== v.id) at(t.kind === 'beidou' ? 'terminal' : 'mmsi', `terminal ${t.id} is already ${other}'s`);
      fleet.byTerminal.set(t.id, v.id);
    }
    fleet.vessels.set(v.id, {
      id: v.id,
      name: v.name,
      class: v.class,
      terminals,
      ...(v.length !== undefined && { length: v.length }),
      ...(v.home_port !== undefined && { homePort: v.home_port }),
      ...(v.owner && { owner: v.owner }),
    });
    // The most frequent terminal sets how often the vessel is expected to be heard from.
    const reportMs = Math.min(...terminals.map((t) => EXPECTED_INTERVAL_MS[t.kind]));
    fleet.stations.set(v.id, {
      id: v.id,
      name: v.name,
      domain: VESSEL_DOMAIN,
      lon: port?.lon ?? 0,
      lat: port?.lat ?? 0,
      ...(port?.region && { region: port.region }),
      tags: [...new Set([v.class, ...terminals.map((t) => t.kind), ...(v.home_port ? [portTag(v.home_port)] : []), ...v.tags])],
      params: { ...(v.length !== undefined && { length: v.length }), ...(terminals.length && { report_minutes: reportMs / 60_000 }) },
    });
  });
  return fleet;
}

export function loadFleet(path: string, ports?: ReadonlyMap<string, PortPlace>): Fleet {
  return parseFleet(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'), ports);
}

/** What a static AIS report says of a vessel, kept (the file stays the authority on what it states). */
export function applyStatic(v: Vessel, s: { callsign?: string; imo?: number; shipType?: number; length?: number }): Vessel {
  return {
    ...v,
    ...(s.callsign !== undefined && { callsign: s.callsign }),
    ...(s.imo !== undefined && { imo: s.imo }),
    ...(s.shipType !== undefined && { shipType: s.shipType }),
    ...(v.length === undefined && s.length !== undefined && { length: s.length }),
  };
}
