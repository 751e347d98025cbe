// The stations registry: one YAML file per deployment listing every station with its thresholds.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { TOKEN } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { YamlFile, type LocatedError } from '../engine/yaml-file.ts';

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
});

const registryFile = z.strictObject({ stations: z.array(station) });

export interface Registry {
  stations: Map<string, Station>;
  errors: LocatedError[];
}

export function parseRegistry(file: string, text: string): Registry {
  const yaml = new YamlFile(file, text);
  const { value, errors } = yaml.validate(registryFile);
  const stations = new Map<string, Station>();
  value?.stations.forEach((s, i) => {
    if (stations.has(s.id)) errors.push(yaml.error(['stations', i, 'id'], `station id "${s.id}" appears twice`));
    const { kind, ...rest } = s;
    stations.set(s.id, kind === undefined || rest.tags.includes(kind) ? rest : { ...rest, tags: [kind, ...rest.tags] });
  });
  return { stations: errors.length ? new Map<string, Station>() : stations, errors };
}

export const loadRegistry = (path: string): Registry =>
  parseRegistry(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'));
