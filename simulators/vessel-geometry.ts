// Geometry on a local flat earth (legs are tens of km): distances, courses and offsets in km, and
// whether a point is inside a zone or how far it is from the zone's edge.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Zone } from '../stations/zones.ts';
import { KM_PER_DEG_LAT, kmPerDegLon, type LonLat } from './lonlat.ts';

export const HOUR = 3_600_000;
export const KMH_PER_KN = 1.852;

export const kmBetween = (a: LonLat, b: LonLat): number => Math.hypot((b[0] - a[0]) * kmPerDegLon((a[1] + b[1]) / 2), (b[1] - a[1]) * KM_PER_DEG_LAT);

export const courseTo = (a: LonLat, b: LonLat): number => {
  const deg = (Math.atan2((b[0] - a[0]) * kmPerDegLon((a[1] + b[1]) / 2), (b[1] - a[1]) * KM_PER_DEG_LAT) * 180) / Math.PI;
  return (deg + 360) % 360;
};

export const moved = (p: LonLat, course: number, km: number): LonLat => {
  const r = (course * Math.PI) / 180;
  return [p[0] + (km * Math.sin(r)) / kmPerDegLon(p[1]), p[1] + (km * Math.cos(r)) / KM_PER_DEG_LAT];
};

export const inside = (zone: Zone, p: LonLat): boolean =>
  p[0] >= zone.bbox[0] && p[0] <= zone.bbox[2] && p[1] >= zone.bbox[1] && p[1] <= zone.bbox[3] && booleanPointInPolygon([p[0], p[1]], zone.geometry);

const ringsOf = (zone: Zone): LonLat[][] => (zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates).flat() as unknown as LonLat[][];

/** The exterior ring's vertices, without the closing repeat. */
export const cornersOf = (zone: Zone): LonLat[] => ringsOf(zone)[0]!.slice(0, -1);

/** Distance from p to the nearest edge of any of the zone's rings, km. */
export function edgeKm(zone: Zone, p: LonLat): number {
  const kx = kmPerDegLon(p[1]);
  let best = Infinity;
  for (const ring of ringsOf(zone)) {
    for (let i = 1; i < ring.length; i++) {
      const ax = (ring[i - 1]![0] - p[0]) * kx;
      const ay = (ring[i - 1]![1] - p[1]) * KM_PER_DEG_LAT;
      const bx = (ring[i]![0] - p[0]) * kx;
      const by = (ring[i]![1] - p[1]) * KM_PER_DEG_LAT;
      const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
      const s = len2 > 0 ? Math.max(0, Math.min(1, -(ax * (bx - ax) + ay * (by - ay)) / len2)) : 0;
      best = Math.min(best, Math.hypot(ax + s * (bx - ax), ay + s * (by - ay)));
    }
  }
  return best;
}

export const centroid = (points: readonly LonLat[]): LonLat => [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
