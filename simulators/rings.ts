// Closed rings drawn around a centre: the demo's port basins, fishing grounds, closed areas and
// small islands are all wobbly ellipses.
import { KM_PER_DEG_LAT, kmPerDegLon, type LonLat } from './lonlat.ts';

/** Rounded to 5 decimal places: about a metre in degrees. */
export const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

export interface Ellipse {
  centre: LonLat;
  /** Semi-axes, km: a east and b north before turning. */
  a: number;
  b: number;
  /** Degrees anticlockwise. */
  turn: number;
  vertices: number;
}

/**
 * The ellipse as a closed ring (first corner repeated), anticlockwise unless `clockwise` (a hole);
 * `radius(k)` scales the k-th corner's radius, for a coastline's or a boundary's wobble.
 */
export function ellipseRing(e: Ellipse, radius: (k: number) => number = () => 1, clockwise = false): LonLat[] {
  const rot = (e.turn * Math.PI) / 180;
  const ring: LonLat[] = [];
  for (let k = 0; k < e.vertices; k++) {
    const th = (2 * Math.PI * (clockwise ? e.vertices - k : k)) / e.vertices;
    const r = radius(k);
    const x = e.a * r * Math.cos(th);
    const y = e.b * r * Math.sin(th);
    const east = x * Math.cos(rot) - y * Math.sin(rot);
    const north = x * Math.sin(rot) + y * Math.cos(rot);
    ring.push([round5(e.centre[0] + east / kmPerDegLon(e.centre[1])), round5(e.centre[1] + north / KM_PER_DEG_LAT)]);
  }
  return [...ring, ring[0]!];
}
