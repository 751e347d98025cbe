// The areas a geofence rule watches: registry zones selected by kind or id behind a spatial index,
// or moving hazard circles (a typhoon's gale radius) that follow the latest track report.
import turfDistance from '@turf/distance';
import type { ZoneSelection } from '../rules/rule.ts';
import { ZoneIndex } from '../stations/zone-index.ts';
import type { Zone } from '../stations/zones.ts';
import type { Area, Areas } from './geofence-binding.ts';

/** The zones a selection names, indexed once per rule set and selection. */
export function zoneAreas(zones: readonly Zone[], selection: ZoneSelection): Areas {
  const chosen = zones.filter((z) => (!selection.kinds || selection.kinds.includes(z.kind)) && (!selection.ids || selection.ids.has(z.id)));
  const byId = new Map(chosen.map((z) => [z.id, z]));
  const index = new ZoneIndex(chosen);
  // Rules with the same selection share these areas, and each asks about the same fix in turn.
  let lastLon = NaN;
  let lastLat = NaN;
  let lastArea: Area | undefined;
  return {
    containing: (lon, lat) => {
      if (lon !== lastLon || lat !== lastLat) {
        lastLon = lon;
        lastLat = lat;
        lastArea = index.containing(lon, lat)[0];
      }
      return lastArea;
    },
    distance: (id, lon, lat) => {
      const z = byId.get(id);
      return z ? index.distance(z, lon, lat) : Infinity;
    },
    get: (id) => byId.get(id),
  };
}

interface Circle extends Area {
  lon: number;
  lat: number;
  radiusM: number;
  ts: number;
}

/** Circles keyed by the hazard's station (typhoon id); each report moves its circle. */
export class HazardAreas implements Areas {
  private readonly circles = new Map<string, Circle>();

  /** A track report: centre and radius in km. False when older than the circle already known. */
  update(id: string, ts: number, lon: number, lat: number, radiusKm: number): boolean {
    const known = this.circles.get(id);
    if (known && known.ts >= ts) return false;
    this.circles.set(id, { id, name: `${id} within ${radiusKm} km`, kind: 'hazard', lon, lat, radiusM: radiusKm * 1000, ts });
    return true;
  }

  containing(lon: number, lat: number): Area | undefined {
    for (const c of this.circles.values()) if (this.distance(c.id, lon, lat) === 0) return c;
    return undefined;
  }

  distance(id: string, lon: number, lat: number): number {
    const c = this.circles.get(id);
    if (!c || c.radiusM <= 0) return Infinity;
    return Math.max(0, turfDistance([c.lon, c.lat], [lon, lat], { units: 'meters' }) - c.radiusM);
  }

  get(id: string): Area | undefined {
    return this.circles.get(id);
  }
}
