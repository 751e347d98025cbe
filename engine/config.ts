// The deployment config (seed.yaml): rules, stations, store, source and sinks. Relative paths are
// relative to the config file.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { YamlFile, type LocatedError } from './yaml-file.ts';

const schema = z.strictObject({
  rules: z.string().default('rules/packs'),
  stations: z.string(),
  store: z.strictObject({ kind: z.literal('duckdb').default('duckdb'), path: z.string().default('.seed/seed.duckdb') }).prefault({}),
  source: z.strictObject({
    kind: z.literal('nats'),
    url: z.string().default('nats://127.0.0.1:4222'),
    durable: z.string().default('seed-engine'),
  }),
  sinks: z.strictObject({ jsonl: z.string().optional(), console: z.boolean().default(true) }).prefault({}),
  batch: z.strictObject({ maxSize: z.number().int().positive().optional(), maxWaitMs: z.number().int().positive().optional() }).prefault({}),
  /** How often the clock is read for stale rules, holds and renotification. */
  tickMs: z.number().int().positive().default(15_000),
  /** The HTTP API (mode, active warnings, rules); off unless a port is given. Loopback by default. */
  http: z.strictObject({ port: z.number().int().min(0).max(65535), host: z.string().default('127.0.0.1') }).optional(),
  /** Watch the rules directory and swap in a changed set that validates. */
  watchRules: z.boolean().default(true),
  /** Geofence zones: a GeoJSON FeatureCollection of ports, no-fishing areas... */
  zones: z.string().optional(),
  /** The fleet registry: vessels, their terminals and home ports (which must be zones). */
  fleet: z.string().optional(),
  /** Vessel feeds read by the engine and published as observations. */
  feeds: z
    .strictObject({
      /** AIS NMEA: a TCP server to connect to ("host:port"), a UDP port to listen on (loopback unless host is given), a file, or a NATS subject. */
      ais: z.array(z.union([z.strictObject({ tcp: z.string().regex(/^[^:]+:\d+$/, 'must be host:port') }), z.strictObject({ udp: z.number().int().min(0).max(65535), host: z.string().default('127.0.0.1') }), z.strictObject({ file: z.string() }), z.strictObject({ nats: z.string() })])).default([]),
      /** Beidou reports (JSON, or RMC sentences on subjects ending in the terminal id) on NATS subjects. */
      beidou: z.array(z.strictObject({ nats: z.string() })).default([]),
    })
    .prefault({}),
});

export type Config = z.output<typeof schema>;

export function loadConfig(path: string): { config?: Config; errors: LocatedError[] } {
  const yaml = new YamlFile(relative(process.cwd(), path) || path, readFileSync(path, 'utf8'));
  const { value, errors } = yaml.validate(schema);
  if (!value) return { errors };
  const base = dirname(resolve(path));
  const at = (p: string) => resolve(base, p);
  return {
    config: {
      ...value,
      rules: at(value.rules),
      stations: at(value.stations),
      ...(value.zones && { zones: at(value.zones) }),
      ...(value.fleet && { fleet: at(value.fleet) }),
      feeds: { ...value.feeds, ais: value.feeds.ais.map((f) => ('file' in f ? { file: at(f.file) } : f)) },
      store: { ...value.store, path: at(value.store.path) },
      sinks: { ...value.sinks, ...(value.sinks.jsonl && { jsonl: at(value.sinks.jsonl) }) },
    },
    errors,
  };
}
