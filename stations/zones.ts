// Geofence zones (ports, anchorages, no-fishing areas…) from a GeoJSON FeatureCollection, checked
// with every error at its file:line:column (JSON is YAML, so YamlFile keeps the positions).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { z } from 'zod';
import { TOKEN } from '../engine/observation.ts';
import { YamlFile, type LocatedError } from '../engine/yaml-file.ts';

export const ZONE_KINDS = ['port', 'anchorage', 'no-fishing', 'restricted', 'shipping-lane', 'fishing-ground'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

export interface Zone {
  id: string;
  name: string;
  kind: ZoneKind;
  region?: string;
  geometry: Polygon | MultiPolygon;
  /** [minLon, minLat, maxLon, maxLat] of the exterior rings. */
  bbox: [number, number, number, number];
  /** The feature's other properties. */
  properties: Record<string, unknown>;
}

const position = z.tuple(
  [
    z.number().min(-180, 'longitude must be within [-180, 180]').max(180, 'longitude must be within [-180, 180]'),
    z.number().min(-90, 'latitude must be within [-90, 90]').max(90, 'latitude must be within [-90, 90]'),
  ],
  z.number(), // altitude
);

const samePosition = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);

const ring = z.array(position).check((ctx) => {
  const r = ctx.value;
  if (r.length < 4) {
    ctx.issues.push({ code: 'custom', input: r, message: `a ring needs at least 4 positions (3 corners and the first repeated), found ${r.length}` });
  } else if (!samePosition(r[0], r.at(-1))) {
    ctx.issues.push({ code: 'custom', input: r, path: [r.length - 1], message: 'ring is not closed: its last position must repeat the first' });
  }
});

const polygonRings = z.array(ring).min(1, 'a polygon needs an exterior ring');

const geometry = z
  // The type first, so a wrong one is reported at the type itself.
  .object({
    type: z.enum(['Polygon', 'MultiPolygon'], { error: (i) => `geometry must be a Polygon or MultiPolygon, not ${JSON.stringify(i.input)}` }),
    coordinates: z.unknown(),
  })
  .pipe(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: polygonRings }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonRings).min(1, 'a multipolygon needs a polygon') }),
    ]),
  );

const kindMessage = `must be one of ${ZONE_KINDS.join(', ')}`;

const properties = z.looseObject({
  id: z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"'),
  name: z.string().min(1),
  kind: z.enum(ZONE_KINDS, { error: (i) => (i.input === undefined ? 'is required' : `unknown zone kind ${JSON.stringify(i.input)}: ${kindMessage}`) }),
  region: z.string().regex(/^\d{6}$/, 'must be a six-digit GB/T 2260 code, quoted').optional(),
});

const feature = z.object({ type: z.literal('Feature', 'must be "Feature"'), properties, geometry });

const featureCollection = z.object({
  type: z.literal('FeatureCollection', 'must be "FeatureCollection"'),
  features: z.array(feature),
});

function bboxOf(exteriors: Position[][]): Zone['bbox'] {
  const box: Zone['bbox'] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of exteriors) {
    for (const [lon, lat] of r) {
      box[0] = Math.min(box[0], lon!);
      box[1] = Math.min(box[1], lat!);
      box[2] = Math.max(box[2], lon!);
      box[3] = Math.max(box[3], lat!);
    }
  }
  return box;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/**
 * The first syntax error (the others follow from it), in JSON.parse's plainer words where it gives a
 * position. YAML accepts some things JSON does not (trailing commas, comments); they are let be.
 */
function syntaxError(json: YamlFile, text: string): LocatedError | undefined {
  const first = json.syntaxErrors[0];
  if (!first) return undefined;
  try {
    JSON.parse(text);
    return first; // valid JSON that YAML refuses: duplicate keys
  } catch (e) {
    const m = /^(.*) in JSON at position (\d+)/.exec((e as Error).message);
    return m ? { file: json.file, ...lineColumn(text, Number(m[2])), message: `invalid JSON: ${m[1]}` } : { ...first, message: `invalid JSON: ${first.message}` };
  }
}

export function parseZones(file: string, text: string): { zones: Zone[]; errors: LocatedError[] } {
  const json = new YamlFile(file, text);
  const syntax = syntaxError(json, text);
  if (syntax) return { zones: [], errors: [syntax] };
  const { value, errors } = json.validate(featureCollection);
  const zones: Zone[] = [];
  const firstAt = new Map<string, number>();
  value?.features.forEach((f, i) => {
    const { id, name, kind, region, ...rest } = f.properties;
    const at = ['features', i, 'properties', 'id'];
    const first = firstAt.get(id);
    if (first !== undefined) errors.push(json.error(at, `zone id "${id}" appears twice (first at line ${json.error(['features', first, 'properties', 'id'], '').line})`));
    else firstAt.set(id, i);
    const g = f.geometry;
    const exteriors = g.type === 'Polygon' ? [g.coordinates[0]!] : g.coordinates.map((p) => p[0]!);
    zones.push({ id, name, kind, ...(region !== undefined && { region }), geometry: g, bbox: bboxOf(exteriors), properties: rest });
  });
  return { zones: errors.length ? [] : zones, errors };
}

export const loadZones = (path: string): { zones: Zone[]; errors: LocatedError[] } =>
  parseZones(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'));

/** Ports and anchorages as places (the middle of their bounding box), for the fleet registry's home ports. */
export function portPlaces(zones: readonly Zone[]): Map<string, { lon: number; lat: number; region?: string }> {
  return new Map(
    zones
      .filter((z) => z.kind === 'port' || z.kind === 'anchorage')
      .map((z) => [z.id, { lon: (z.bbox[0] + z.bbox[2]) / 2, lat: (z.bbox[1] + z.bbox[3]) / 2, ...(z.region && { region: z.region }) }]),
  );
}
