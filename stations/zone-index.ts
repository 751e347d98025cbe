// Which zones a position is in or near: an R-tree (flatbush) over the zones' bounding boxes, then
// the exact test on the few candidates. containing() runs for every vessel position, so it keeps
// its per-call garbage to the result array.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import type { Zone } from './zones.ts';

/** turf's mean Earth radius, so distances agree with turf's. */
const EARTH_RADIUS = 6_371_008.8;
const DEGREES = 180 / Math.PI;

/** Great-circle distance in metres (haversine). */
function metresBetween(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const sinLat = Math.sin((lat2 - lat1) / DEGREES / 2);
  const sinLon = Math.sin((lon2 - lon1) / DEGREES / 2);
  const h = sinLat * sinLat + Math.cos(lat1 / DEGREES) * Math.cos(lat2 / DEGREES) * sinLon * sinLon;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Metres from (lon, lat) to the nearest point of any ring. Edges are straight in lon/lat, as GeoJSON
 * and the containment test take them; the nearest point is found in a plane around (lon, lat) with
 * longitudes scaled by cos φ, then measured by haversine. A hundred times faster than turf's
 * pointToPolygonDistance, which bends edges along great circles: the two differ by that bend,
 * centimetres on a 2 km edge, metres on a 20 km one.
 */
function distanceToRings(polygons: readonly Position[][][], lon: number, lat: number): number {
  const kx = Math.cos(lat / DEGREES);
  let best = Infinity;
  let nearX = 0;
  let nearY = 0;
  for (const rings of polygons) {
    for (const ring of rings) {
      let ax = (ring[0]![0]! - lon) * kx;
      let ay = ring[0]![1]! - lat;
      for (let i = 1; i < ring.length; i++) {
        const bx = (ring[i]![0]! - lon) * kx;
        const by = ring[i]![1]! - lat;
        const dx = bx - ax;
        const dy = by - ay;
        const length2 = dx * dx + dy * dy;
        // Where the perpendicular from the origin (the point) meets the edge, kept within the edge.
        const t = length2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2)) : 0;
        const x = ax + t * dx;
        const y = ay + t * dy;
        if (x * x + y * y < best) {
          best = x * x + y * y;
          nearX = x;
          nearY = y;
        }
        ax = bx;
        ay = by;
      }
    }
  }
  return metresBetween(lon, lat, lon + nearX / kx, lat + nearY);
}

/**
 * Half-widths in degrees of a box holding every point within `metres` of (lon, lat): the largest
 * longitude difference on a sphere is asin(sin d / cos φ); past the pole every longitude is near.
 */
function reach(lat: number, metres: number): { dLon: number; dLat: number } {
  const d = metres / EARTH_RADIUS;
  const sinD = Math.sin(Math.min(d, Math.PI / 2));
  const cosLat = Math.cos(lat / DEGREES);
  // A hair more than exact, against rounding.
  const dLat = d * DEGREES * (1 + 1e-9) + 1e-9;
  const dLon = sinD < cosLat ? Math.asin(sinD / cosLat) * DEGREES * (1 + 1e-9) + 1e-9 : 360;
  return { dLon, dLat };
}

export class ZoneIndex {
  readonly size: number;
  private readonly zones: readonly Zone[];
  private readonly tree: Flatbush | undefined;
  /** Reused for every query: turf takes a bare position. */
  private readonly point = [0, 0];
  /** The current containing() call's result, for the search filter. */
  private hits: Zone[] = [];
  private readonly collectContaining = (i: number): boolean => {
    const zone = this.zones[i]!;
    if (booleanPointInPolygon(this.point, zone.geometry)) this.hits.push(zone);
    return false; // collected here, so flatbush's own result array stays empty
  };

  constructor(zones: readonly Zone[]) {
    this.zones = [...zones];
    this.size = zones.length;
    // Flatbush refuses an empty index.
    if (!zones.length) return;
    const tree = new Flatbush(zones.length);
    for (const { bbox } of zones) tree.add(bbox[0], bbox[1], bbox[2], bbox[3]);
    tree.finish();
    this.tree = tree;
  }

  /** Zones containing the point; a point on the boundary counts as inside; a point in a hole is outside. */
  containing(lon: number, lat: number): Zone[] {
    const hits: Zone[] = [];
    if (!this.tree) return hits;
    this.point[0] = lon;
    this.point[1] = lat;
    this.hits = hits;
    this.tree.search(lon, lat, lon, lat, this.collectContaining);
    return hits;
  }

  /** Distance in metres from the point to the zone's area: 0 inside (or on the edge), else to the nearest edge (holes count as edges: a point in a hole is outside, at its distance to the hole's ring). */
  distance(zone: Zone, lon: number, lat: number): number {
    this.point[0] = lon;
    this.point[1] = lat;
    if (booleanPointInPolygon(this.point, zone.geometry)) return 0;
    const g = zone.geometry;
    return distanceToRings(g.type === 'Polygon' ? [g.coordinates] : g.coordinates, lon, lat);
  }

  /** Zones whose area lies within `metres` of the point (containing ones at distance 0), nearest first. */
  near(lon: number, lat: number, metres: number): { zone: Zone; distance: number }[] {
    const found: { zone: Zone; distance: number }[] = [];
    if (!this.tree) return found;
    const { dLon, dLat } = reach(lat, metres);
    // Longitudes are not wrapped at ±180°: zones across the antimeridian are not supported (our seas are far from it).
    for (const i of this.tree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const zone = this.zones[i]!;
      const distance = this.distance(zone, lon, lat);
      if (distance <= metres) found.push({ zone, distance });
    }
    return found.sort((a, b) => a.distance - b.distance);
  }
}
