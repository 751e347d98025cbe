// Vessel classes and a vessel's voyage: each class's speeds, trip lengths and manner of fishing, the
// state a vessel carries through its round, and how it leaves and makes port and picks its grounds.
import type { Vessel } from '../stations/vessels.ts';
import type { Zone } from '../stations/zones.ts';
import type { LonLat } from './lonlat.ts';
import type { Rng } from './rng.ts';
import { HOUR, inside, kmBetween, moved } from './vessel-geometry.ts';
import { harbourAt, offshoreGround, type Ground, type Harbour, type World } from './vessel-routes.ts';
import type { Track } from './vessel-track.ts';

type Style = 'trawl' | 'drift' | 'circle' | 'transship' | 'inshore';

interface Profile {
  /** Steaming speed range, kn: each vessel has its own within it. */
  cruise: readonly [number, number];
  /** Time on the ground per trip, hours. */
  fishHours: readonly [number, number];
  portHours: readonly [number, number];
  style: Style;
  /** Out at dawn, in by evening, never far from the harbour. */
  dayTrips?: boolean;
}

export const PROFILES: Record<string, Profile> = {
  trawler: { cruise: [8, 11], fishHours: [18, 54], portHours: [8, 30], style: 'trawl' },
  gillnetter: { cruise: [7, 10], fishHours: [12, 36], portHours: [6, 24], style: 'drift' },
  longliner: { cruise: [7, 10], fishHours: [18, 48], portHours: [8, 24], style: 'drift' },
  seiner: { cruise: [9, 11], fishHours: [10, 30], portHours: [8, 24], style: 'circle' },
  carrier: { cruise: [9, 11], fishHours: [6, 16], portHours: [6, 20], style: 'transship' },
  small: { cruise: [6, 8], fishHours: [6, 10], portHours: [0, 0], style: 'inshore', dayTrips: true },
};

const HARBOUR_KN = 4; // dead slow in the basin and fairway

export const uniform = (rng: Rng, [a, b]: readonly [number, number]): number => a + (b - a) * rng.next();

export interface Voyage {
  vessel: Vessel;
  profile: Profile;
  rng: Rng;
  track: Track;
  home: Harbour;
  cruise: number;
  /** Where it lies, while in port. */
  berth?: Harbour;
  /** Where it fishes this trip. */
  ground?: Ground;
  fishUntil: number;
  departAt: number;
  /** Heading while lying still before it has moved. */
  heading: number;
  intrusion?: { zone: Zone; from: number };
  loiter?: { from: number; until: number };
}

export const steam = (w: World, track: Track, to: LonLat, kn: number): void => {
  for (const p of w.sea.passage(track.here, to)) track.to(p, kn);
};

export function putToSea(w: World, v: Voyage, to: LonLat): void {
  if (v.berth) steam(w, v.track, v.berth.mouth, HARBOUR_KN);
  v.berth = undefined;
  steam(w, v.track, to, v.cruise);
}

export const berthIn = (h: Harbour, rng: Rng): LonLat => moved(h.centre, rng.next() * 360, h.berthKm * Math.sqrt(rng.next()));

/** In through the harbour mouth to a berth (if not lying in that basin already). */
export function makePort(w: World, v: Voyage, h: Harbour): void {
  const here = v.track.here;
  if (!inside(h.zone, here)) {
    const other = harbourAt(w, here);
    if (other) steam(w, v.track, other.mouth, HARBOUR_KN);
    steam(w, v.track, h.mouth, v.cruise);
    steam(w, v.track, berthIn(h, v.rng), HARBOUR_KN);
  } else if (kmBetween(here, h.centre) > h.berthKm) {
    steam(w, v.track, berthIn(h, v.rng), HARBOUR_KN);
  }
  v.berth = h;
}

/** Small boats leave between 04:00 and 07:00 local time (UTC+8), one day in five not at all. */
export function nextMorning(after: number, rng: Rng): number {
  const local = 8 * HOUR;
  const day = 24 * HOUR;
  let t = Math.floor((after + local) / day) * day - local + uniform(rng, [4, 7]) * HOUR;
  while (t < after + 2 * HOUR || rng.next() < 0.2) t += day;
  return t;
}

/** A ground for the trip: the nearer, the likelier. */
export function chooseGround(w: World, v: Voyage): Ground {
  if (!w.grounds.length) return offshoreGround(w, v.home);
  const weights = w.grounds.map((g) => 1 / (kmBetween(v.home.mouth, g.centre) + 15) ** 2);
  let u = v.rng.next() * weights.reduce((s, x) => s + x, 0);
  return w.grounds.find((_, i) => (u -= weights[i]!) < 0) ?? w.grounds[0]!;
}

/** The nearest ground at least `km` away from p (the farthest if none is). */
export function groundAway(w: World, v: Voyage, p: LonLat, km: number): Ground {
  const byDistance = [...w.grounds].sort((a, b) => kmBetween(p, a.centre) - kmBetween(p, b.centre));
  return byDistance.find((g) => kmBetween(p, g.centre) >= km) ?? byDistance.at(-1) ?? offshoreGround(w, v.home);
}
