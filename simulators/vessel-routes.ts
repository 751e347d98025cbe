// The sea the fleet works in: passages that keep off the coast, the harbours, the fishing grounds,
// and the world a run sets up from its zones.
import type { Zone } from '../stations/zones.ts';
import { DEMO_COAST, kmPerDegLon, legSeawardKm, offshore, seawardKm, type LonLat } from './fleet-files.ts';
import type { Rng } from './rng.ts';
import { centroid, cornersOf, edgeKm, inside, kmBetween, moved } from './vessel-geometry.ts';
import type { FleetScenario } from './vessel-scenario.ts';

const CLEAR_KM = 0.3; // the closest a leg may pass the shore
const ROUND_KM = 1.5; // how far off a headland a rounding waypoint lies

/**
 * The waypoints of a passage from a to b that keeps to the sea: straight if it can, otherwise
 * through a point off the headland in the way, and so on for each half.
 */
export function seaLegs(coast: readonly LonLat[], a: LonLat, b: LonLat, depth = 0): LonLat[] {
  const worst = legSeawardKm(coast, a, b);
  const need = Math.min(CLEAR_KM, seawardKm(coast, a[0], a[1]), seawardKm(coast, b[0], b[1])) - 1e-9;
  if (worst.km >= need || depth > 8) return [b];
  const round = offshore(coast, worst.lat, ROUND_KM);
  return [...seaLegs(coast, a, round, depth + 1), ...seaLegs(coast, round, b, depth + 1)];
}

export interface Ground {
  id: string;
  centre: LonLat;
  contains(p: LonLat): boolean;
  sample(rng: Rng): LonLat;
}

export interface Harbour {
  zone: Zone;
  centre: LonLat;
  /** Berths lie within this distance of the centre, well inside the basin. */
  berthKm: number;
  /** Where the fairway meets open water, east of the basin. */
  mouth: LonLat;
}

export interface World {
  coast: readonly LonLat[];
  harbours: Harbour[];
  byId: Map<string, Harbour>;
  grounds: Ground[];
  closed: Zone[];
  /** Where nobody fishes unless scripted to: all but the fishing grounds. */
  keepOut: Zone[];
  inshore: Map<string, Ground>;
}

export const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function zoneGround(zone: Zone): Ground {
  const centre = centroid(cornersOf(zone));
  const [w, s, e, n] = zone.bbox;
  return {
    id: zone.id,
    centre,
    contains: (p) => inside(zone, p),
    sample: (rng) => {
      for (let k = 0; k < 500; k++) {
        const p: LonLat = [w + rng.next() * (e - w), s + rng.next() * (n - s)];
        if (inside(zone, p)) return p;
      }
      return centre;
    },
  };
}

export function discGround(id: string, centre: LonLat, km: number, ok: (p: LonLat) => boolean): Ground {
  const contains = (p: LonLat): boolean => kmBetween(centre, p) <= km && ok(p);
  return {
    id,
    centre,
    contains,
    sample: (rng) => {
      for (let k = 0; k < 500; k++) {
        const p = moved(centre, rng.next() * 360, km * Math.sqrt(rng.next()));
        if (contains(p)) return p;
      }
      return centre;
    },
  };
}

function harbourOf(zone: Zone): Harbour {
  const corners = cornersOf(zone);
  const centre = centroid(corners);
  return { zone, centre, berthKm: 0.4 * edgeKm(zone, centre), mouth: [zone.bbox[2] + 2 / kmPerDegLon(centre[1]), centre[1]] };
}

export function worldOf(s: FleetScenario): World {
  const zones = [...s.zones].sort(byId);
  const harbours = zones.filter((z) => z.kind === 'port' || z.kind === 'anchorage').map(harbourOf);
  if (!harbours.length) throw new Error('simulateFleet: the zones include no port to sail from');
  return {
    coast: s.coast ?? DEMO_COAST,
    harbours,
    byId: new Map(harbours.map((h) => [h.zone.id, h])),
    grounds: zones.filter((z) => z.kind === 'fishing-ground').map(zoneGround),
    closed: zones.filter((z) => z.kind === 'no-fishing'),
    keepOut: zones.filter((z) => z.kind !== 'fishing-ground'),
    inshore: new Map(),
  };
}

export const harbourAt = (w: World, p: LonLat): Harbour | undefined => w.harbours.find((h) => inside(h.zone, p));

/** A small boat's waters: within ~12 km of the harbour mouth, clear of the shore and of every zone. */
export function inshoreOf(w: World, h: Harbour): Ground {
  let g = w.inshore.get(h.zone.id);
  if (!g) {
    g = discGround(`inshore-${h.zone.id}`, h.mouth, 12, (p) => seawardKm(w.coast, p[0], p[1]) >= 0.8 && !w.keepOut.some((z) => inside(z, p)));
    w.inshore.set(h.zone.id, g);
  }
  return g;
}

/** Open water off a harbour, for a coast drawn without fishing grounds. */
export const offshoreGround = (w: World, h: Harbour): Ground =>
  discGround(`off-${h.zone.id}`, offshore(w.coast, h.centre[1], 35), 10, (p) => seawardKm(w.coast, p[0], p[1]) >= 5 && !w.keepOut.some((z) => inside(z, p)));

/** The length of the passage from `from` to the harbour's centre, in through its mouth, km. */
export const routeKm = (w: World, from: LonLat, h: Harbour): number => {
  let km = 0;
  let at = from;
  for (const p of [...seaLegs(w.coast, from, h.mouth), h.centre]) [km, at] = [km + kmBetween(at, p), p];
  return km;
};
