// The sea the fleet works in: the harbours, the fishing grounds, and the world a run sets up from
// its zones and its sea (passages that keep off the land and out of closed waters: simulators/sea.ts).
import type { Zone } from '../stations/zones.ts';
import { DEMO_SEA } from './demo-coast.ts';
import type { LonLat } from './lonlat.ts';
import type { Rng } from './rng.ts';
import { CLEAR_KM, type Sea } from './sea.ts';
import { centroid, cornersOf, edgeKm, inside, kmBetween, moved } from './vessel-geometry.ts';
import type { FleetScenario } from './vessel-scenario.ts';

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
  /** Where the fairway meets open water, off the basin on its seaward side. */
  mouth: LonLat;
}

export interface World {
  sea: Sea;
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

function harbourOf(sea: Sea, zone: Zone): Harbour {
  const corners = cornersOf(zone);
  const centre = centroid(corners);
  const across = Math.max(...corners.map((p) => kmBetween(centre, p)));
  return { zone, centre, berthKm: 0.4 * edgeKm(zone, centre), mouth: sea.seaward(centre, across + 1.5) };
}

export function worldOf(s: FleetScenario): World {
  const zones = [...s.zones].sort(byId);
  const sea = s.sea ?? DEMO_SEA;
  const harbours = zones.filter((z) => z.kind === 'port' || z.kind === 'anchorage').map((z) => harbourOf(sea, z));
  if (!harbours.length) throw new Error('simulateFleet: the zones include no port to sail from');
  return {
    sea,
    harbours,
    byId: new Map(harbours.map((h) => [h.zone.id, h])),
    grounds: zones.filter((z) => z.kind === 'fishing-ground').map(zoneGround),
    closed: zones.filter((z) => z.kind === 'no-fishing'),
    keepOut: zones.filter((z) => z.kind !== 'fishing-ground'),
    inshore: new Map(),
  };
}

export const harbourAt = (w: World, p: LonLat): Harbour | undefined => w.harbours.find((h) => inside(h.zone, p));

/** A small boat's waters: within ~12 km of the harbour mouth and in sight of it, clear of the shore and of every zone. */
export function inshoreOf(w: World, h: Harbour): Ground {
  let g = w.inshore.get(h.zone.id);
  if (!g) {
    const ok = (p: LonLat): boolean => w.sea.clearanceKm(p, 0.8) >= 0.8 && w.sea.legClearanceKm(h.mouth, p, CLEAR_KM) >= CLEAR_KM && !w.keepOut.some((z) => inside(z, p));
    g = discGround(`inshore-${h.zone.id}`, h.mouth, 12, ok);
    w.inshore.set(h.zone.id, g);
  }
  return g;
}

/** Open water 35 km out beyond a harbour's mouth, for a sea drawn without fishing grounds. */
export const offshoreGround = (w: World, h: Harbour): Ground =>
  discGround(`off-${h.zone.id}`, w.sea.seaward(h.mouth, 35), 10, (p) => w.sea.clearanceKm(p, 5) >= 5 && !w.keepOut.some((z) => inside(z, p)));

/** The length of the passage from `from` to the harbour's centre, in through its mouth, km. */
export const routeKm = (w: World, from: LonLat, h: Harbour): number => {
  let km = 0;
  let at = from;
  for (const p of [...w.sea.passage(from, h.mouth), h.centre]) [km, at] = [km + kmBetween(at, p), p];
  return km;
};
