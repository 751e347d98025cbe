// Geofence speed: positions per second of 10,000 vessels against 1,000 zones (goal: at least
// 100,000 positions/s), through the evaluator with the shipped vessel pack (eight geofence rules and
// the dark-vessel deadman), against the baseline of the spatial index lookup alone on the same positions.
import { loadRules } from '../../rules/loader.ts';
import { createRng } from '../../simulators/rng.ts';
import { ZoneIndex } from '../../stations/zone-index.ts';
import type { Zone } from '../../stations/zones.ts';
import { Evaluator } from '../evaluator.ts';
import type { Observation } from '../observation.ts';
import type { Station } from '../station.ts';

export const ZONES = 1000;
export const VESSELS = 10_000;

/** Random star-shaped polygons of 20 vertices, 1–6 km across, over a 3° × 3° sea area. */
function zones(): Zone[] {
  const rng = createRng(1000);
  return Array.from({ length: ZONES }, (_, i) => {
    const lon = 121 + rng.next() * 3;
    const lat = 27 + rng.next() * 3;
    const r = 0.005 + rng.next() * 0.025;
    const ring = Array.from({ length: 20 }, (_, k) => {
      const a = (2 * Math.PI * k) / 20;
      const d = r * (0.6 + 0.4 * rng.next());
      return [lon + d * Math.cos(a), lat + d * Math.sin(a)];
    });
    ring.push(ring[0]!);
    const xs = ring.map((p) => p[0]!);
    const ys = ring.map((p) => p[1]!);
    return { id: `Z${i}`, name: `Z${i}`, kind: i % 10 === 0 ? 'port' : 'no-fishing', geometry: { type: 'Polygon', coordinates: [ring] }, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], properties: {} };
  });
}

/** Each vessel a random walk at fishing speed (3 kn, so the speed bands hold), one fix per vessel per round. */
function positions(count: number, t0: number): Observation[] {
  const rng = createRng(2000);
  const lon = Float64Array.from({ length: VESSELS }, () => 121 + rng.next() * 3);
  const lat = Float64Array.from({ length: VESSELS }, () => 27 + rng.next() * 3);
  const out: Observation[] = [];
  for (let k = 0; k < count; k++) {
    const v = k % VESSELS;
    const course = rng.next() * 360;
    lon[v]! += 0.002 * Math.sin((course * Math.PI) / 180);
    lat[v]! += 0.002 * Math.cos((course * Math.PI) / 180);
    out.push({ domain: 'vessel', station: `V${v}`, metric: 'position', ts: t0 + Math.floor(k / VESSELS) * 10_000 + (k % VESSELS), position: { lon: lon[v]!, lat: lat[v]!, speed: 3, course }, quality: 'reliable' });
  }
  return out;
}


export interface GeofenceBench {
  positions: number;
  indexMs: number;
  evaluatorMs: number;
  events: number;
  inside: number;
}

export function benchGeofence(count = 1_000_000): GeofenceBench {
  const zs = zones();
  const fixes = positions(count, Date.parse('2026-09-10T00:00:00Z'));
  const index = new ZoneIndex(zs);
  let t = performance.now();
  let inside = 0;
  for (const o of fixes) inside += index.containing(o.position!.lon, o.position!.lat).length > 0 ? 1 : 0;
  const indexMs = performance.now() - t;
  const set = loadRules('rules/packs/vessels');
  if (set.errors.length) throw new Error(JSON.stringify(set.errors));
  const stations = new Map<string, Station>(Array.from({ length: VESSELS }, (_, v) => [`V${v}`, { id: `V${v}`, name: `V${v}`, domain: 'vessel', lon: 122, lat: 28, tags: ['trawler'], params: {} }]));
  const ev = new Evaluator(set, stations, { zones: zs, now: fixes[0]!.ts });
  let events = 0;
  t = performance.now();
  for (const o of fixes) events += ev.step(o).events.length;
  return { positions: count, indexMs, evaluatorMs: performance.now() - t, events, inside };
}
