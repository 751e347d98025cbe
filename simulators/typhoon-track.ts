// A typhoon's track for the demo: from the sea east of Taiwan (126°E 24°N) west-north-west, north of
// Taiwan and over the Matsu islands, to landfall on the Lianjiang coast at hour 30 (Typhoon Maria
// came ashore there in 2018), then north-west over land west of Luoyuan Bay, as the centre's position,
// speed and course with its radius of gale-force winds (r7, Beaufort 7 and up) every few minutes.
// r7 grows from ~250 to ~350 km at sea and shrinks once the storm is over land. Deterministic: the
// seed only sets the centre's small wobble and r7's ripple.
import type { Observation } from '../engine/observation.ts';
import { KM_PER_DEG_LAT, kmPerDegLon, type LonLat } from './lonlat.ts';
import { createRng, deriveSeed } from './rng.ts';

const HOUR = 3_600_000;
const KMH_PER_KN = 1.852;

export const TYPHOON_DOMAIN = 'typhoon';
export const R7_METRIC = 'r7';

/** Hours after the start when the centre crosses the demo coast, and where: the shore of 定海湾 at 坑园. */
export const LANDFALL_HOUR = 30;
const LANDFALL: LonLat = [119.674, 26.28];
/** The track covers this much; past it the key points run out. */
export const MAX_TRACK_HOURS = 72;

export interface TyphoonTrackOptions {
  /** The typhoon's number, e.g. TY2608: the station of its observations. */
  id: string;
  /** Epoch ms of the first position. */
  start: number;
  /** Positions cover start .. start + hours inclusive (at most MAX_TRACK_HOURS). */
  hours: number;
  /** Minutes between positions; default 10. */
  stepMinutes?: number;
  seed?: number;
}

/** The centre every 15 hours from hour -15 (the spline needs a point either side). */
const KEYS: readonly LonLat[] = [
  [129.1, 22.85],
  [126.0, 24.0],
  [122.9, 25.15],
  LANDFALL,
  [118.5, 27.3],
  [117.4, 28.35],
  [116.3, 29.4],
  [115.2, 30.45],
];
const KEY_HOURS = 15;

/** Catmull–Rom through the key points: smooth, and on each key point at its hour. */
function centreAt(hour: number): LonLat {
  const x = hour / KEY_HOURS + 1;
  const i = Math.min(Math.max(Math.floor(x), 1), KEYS.length - 3);
  const u = x - i;
  const [p0, p1, p2, p3] = [KEYS[i - 1]!, KEYS[i]!, KEYS[i + 1]!, KEYS[i + 2]!];
  const at = (k: 0 | 1): number =>
    0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * u + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * u * u + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * u * u * u);
  return [at(0), at(1)];
}

/** r7 in km: growing at sea until landfall, then filling over land. */
function r7At(hour: number): number {
  return hour <= LANDFALL_HOUR ? 250 + (100 * hour) / LANDFALL_HOUR : 350 * Math.exp(-(hour - LANDFALL_HOUR) / 20);
}

const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;

/** The track's positions, oldest first. */
export function typhoonTrack(options: TyphoonTrackOptions): Observation[] {
  const { id, start, hours } = options;
  const stepMinutes = options.stepMinutes ?? 10;
  if (!(hours >= 0 && hours <= MAX_TRACK_HOURS)) throw new RangeError(`hours must be 0 to ${MAX_TRACK_HOURS}`);
  if (!(stepMinutes > 0)) throw new RangeError('stepMinutes must be positive');
  const rng = createRng(deriveSeed(options.seed ?? 0, `typhoon:${id}`));
  // A trochoidal wobble of the centre (a few km, a few hours' period) and a ripple on r7.
  const wobbleKm = 2 + 4 * rng.next();
  const wobbleHours = 6 + 4 * rng.next();
  const phase = rng.next() * 2 * Math.PI;
  const rippleHours = 8 + 6 * rng.next();
  const ripplePhase = rng.next() * 2 * Math.PI;
  const centre = (hour: number): LonLat => {
    const [lon, lat] = centreAt(hour);
    const a = (2 * Math.PI * hour) / wobbleHours + phase;
    return [lon + (wobbleKm * Math.cos(a)) / kmPerDegLon(lat), lat + (wobbleKm * Math.sin(a)) / KM_PER_DEG_LAT];
  };
  const out: Observation[] = [];
  for (let k = 0; k * stepMinutes <= hours * 60; k++) {
    const hour = (k * stepMinutes) / 60;
    const [lon, lat] = centre(hour);
    // Motion over the ten minutes around the fix.
    const [lonA, latA] = centre(hour - 1 / 12);
    const [lonB, latB] = centre(hour + 1 / 12);
    const east = (lonB - lonA) * kmPerDegLon(lat);
    const north = (latB - latA) * KM_PER_DEG_LAT;
    const speed = (Math.hypot(east, north) * 6) / KMH_PER_KN;
    const course = ((Math.atan2(east, north) * 180) / Math.PI + 360) % 360;
    const r7 = r7At(hour) * (1 + 0.03 * Math.sin((2 * Math.PI * hour) / rippleHours + ripplePhase));
    out.push({
      domain: TYPHOON_DOMAIN,
      station: id,
      metric: R7_METRIC,
      ts: start + Math.round(hour * HOUR),
      value: Math.round(r7),
      unit: 'km',
      position: { lon: round(lon, 3), lat: round(lat, 3), speed: round(speed, 1), course: Math.round(course) % 360 },
      quality: 'reliable',
      source: 'track',
    });
  }
  return out;
}
