// The CAP <area> of a warning: the zone's outline when the warning is about a zone, otherwise a
// circle around the station (or the vessel's last fix), with the GB/T 2260 code of its county.
import circle from '@turf/circle';
import type { Position } from 'geojson';
import type { WarningEvent } from '../../engine/warning.ts';
import type { Zone } from '../../stations/zones.ts';

export interface CapArea {
  areaDesc: string;
  /** "lat,lon lat,lon ..." closed rings, lat first as CAP has it (GeoJSON is lon first). */
  polygons: string[];
  /** "lat,lon radiusKm". */
  circles: string[];
  geocodes: { valueName: string; value: string }[];
}

export const GB_T_2260 = 'GB/T 2260';

/** About a metre: finer than any zone is drawn, and short text for the readers. */
const DECIMALS = 5;
/** Enough for a circle drawn as a polygon to stay within 0.5% of the radius. */
const CIRCLE_STEPS = 32;

const coord = (v: number): string => String(Number(v.toFixed(DECIMALS)));

/** One ring as CAP polygon text; throws when it has fewer than the 4 pairs CAP requires. */
export function capPolygon(ring: readonly Position[]): string {
  const pairs = ring.map(([lon, lat]) => `${coord(lat!)},${coord(lon!)}`);
  if (pairs[0] !== pairs.at(-1)) pairs.push(pairs[0]!);
  if (pairs.length < 4) throw new RangeError(`a CAP polygon needs at least 4 coordinate pairs, this ring has ${pairs.length}`);
  return pairs.join(' ');
}

/**
 * The area of `event`: `zone` when given (the one evidence.zone names), else `bufferKm` around the
 * vessel's position or the station. CAP polygons have no holes, so a zone's holes are left out and
 * its exterior rings cover them: warning a little too wide is the safer mistake.
 */
export function capArea(event: WarningEvent, zone?: Zone, bufferKm = 5): CapArea {
  const named = event.evidence.zone;
  if (zone && named && named.id !== zone.id) throw new Error(`capArea: the event is about zone "${named.id}", not "${zone.id}"`);
  const region = zone?.region ?? event.station.region;
  const geocodes = region ? [{ valueName: GB_T_2260, value: region }] : [];
  if (zone) {
    const g = zone.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    return { areaDesc: zone.name, polygons: polygons.map((rings) => capPolygon(rings[0]!)), circles: [], geocodes };
  }
  if (!(bufferKm > 0)) throw new RangeError(`capArea: the radius must be above 0 km, not ${bufferKm}`);
  const { lon, lat } = event.evidence.position ?? event.station;
  // The circle also as a polygon, for readers that only draw polygons.
  const ring = circle([lon, lat], bufferKm, { steps: CIRCLE_STEPS, units: 'kilometers' }).geometry.coordinates[0]!;
  return { areaDesc: event.station.name, polygons: [capPolygon(ring)], circles: [`${coord(lat)},${coord(lon)} ${coord(bufferKm)}`], geocodes };
}
