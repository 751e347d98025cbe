// The stations registry: one YAML file per deployment listing every station with its thresholds,
// the gauges a village's rain is read from, and a tide station's harmonic constants.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { TOKEN } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { YamlFile, type LocatedError } from '../engine/yaml-file.ts';
import { isKnownConstituent } from './tide.ts';

const constituent = z.strictObject({
  name: z.string().refine(isKnownConstituent, { error: (i) => `unknown tidal constituent "${String(i.input)}" (the predictor would silently leave it out)` }),
  /** Metres. */
  amplitude: z.number().nonnegative(),
  /** Greenwich phase lag (UTC), degrees. */
  phase: z.number().min(0).lt(360),
});

const harmonics = z.strictObject({
  /** Height of the constituents' zero (usually mean sea level) on the 1985 datum, metres. */
  datum_offset: z.number(),
  constituents: z.array(constituent).min(1),
});

const station = z.strictObject({
  id: z.string().regex(TOKEN, 'must be letters, digits, "-" or "_"'),
  name: z.string().min(1),
  domain: z.string().regex(TOKEN),
  kind: z.string().optional(),
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  region: z.string().regex(/^\d{6}$/, 'must be a six-digit GB/T 2260 code, quoted').optional(),
  tags: z.array(z.string()).default([]),
  params: z.record(z.string(), z.number()).default({}),
  /** Linked stations: a list (equal weights) or station id → weight (e.g. Thiessen fractions). */
  links: z.union([z.array(z.string()).min(1), z.record(z.string(), z.number().positive())]).optional(),
  harmonics: harmonics.optional(),
});

const registryFile = z.strictObject({ stations: z.array(station) });

export interface Registry {
  stations: Map<string, Station>;
  errors: LocatedError[];
}

/** Weights that sum to 1: equal for a list, normalised for a map. */
function weights(links: string[] | Record<string, number>): Record<string, number> {
  const raw = Array.isArray(links) ? Object.fromEntries(links.map((id) => [id, 1])) : links;
  const total = Object.values(raw).reduce((s, w) => s + w, 0);
  return Object.fromEntries(Object.entries(raw).map(([id, w]) => [id, w / total]));
}

export function parseRegistry(file: string, text: string): Registry {
  const yaml = new YamlFile(file, text);
  const { value, errors } = yaml.validate(registryFile);
  const stations = new Map<string, Station>();
  value?.stations.forEach((s, i) => {
    if (stations.has(s.id)) errors.push(yaml.error(['stations', i, 'id'], `station id "${s.id}" appears twice`));
    const names = new Set<string>();
    s.harmonics?.constituents.forEach((c, j) => {
      if (names.has(c.name)) errors.push(yaml.error(['stations', i, 'harmonics', 'constituents', j, 'name'], `constituent ${c.name} appears twice`));
      names.add(c.name);
    });
    const { kind, links, harmonics: h, ...rest } = s;
    stations.set(s.id, {
      ...rest,
      tags: kind === undefined || rest.tags.includes(kind) ? rest.tags : [kind, ...rest.tags],
      ...(links && { links: weights(links) }),
      ...(h && { harmonics: { datumOffset: h.datum_offset, constituents: h.constituents } }),
    });
  });
  value?.stations.forEach((s, i) => {
    const ids = Array.isArray(s.links) ? s.links : Object.keys(s.links ?? {});
    ids.forEach((id, j) => {
      // At the list item, or at the map's key.
      const at = yaml.error(['stations', i, 'links', Array.isArray(s.links) ? j : id], '', { onKey: !Array.isArray(s.links) });
      const linked = stations.get(id);
      const problem =
        id === s.id ? `station ${s.id} links to itself`
        : ids.indexOf(id) !== j ? `"${id}" is linked twice`
        : !linked ? `linked station "${id}" is not in the registry`
        : linked.domain !== s.domain ? `linked station "${id}" is in domain ${linked.domain}, not ${s.domain}`
        : undefined;
      if (problem) errors.push({ ...at, message: `stations.${i}.links: ${problem}` });
    });
    // What the domain rules need of a kind, missing, would leave a station silently unwatched.
    if (s.kind === 'village' && !ids.length) errors.push(yaml.error(['stations', i, 'kind'], `stations.${i}: a village needs links to its rain gauges`));
    if (s.kind === 'tide' && !s.harmonics) errors.push(yaml.error(['stations', i, 'kind'], `stations.${i}: a tide station needs harmonics (datum_offset, constituents)`));
  });
  return { stations: errors.length ? new Map<string, Station>() : stations, errors };
}

export const loadRegistry = (path: string): Registry =>
  parseRegistry(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'));
