// The deployment config (seed.yaml): rules, stations, store, source and sinks. Relative paths are
// relative to the config file.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { httpSpeakerKeys, mqttSpeakerKeys } from '../alerting/speaker-config.ts';
import { DEFAULT_BREAKS } from '../stations/fire/danger-level.ts';
import { parseDuration } from './duration.ts';
import { YamlFile, type LocatedError } from './yaml-file.ts';

const url = z.url();
const env = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable (A-Z, 0-9, _)');
/** One dissemination channel: its name (what routes use) and one driver with its settings; secrets by environment variable. */
const channel = z.union([
  z.strictObject({ name: z.string(), smpp: z.strictObject({ host: z.string(), port: z.number().int().min(1).max(65535), system_id: z.string(), password_env: env.optional(), source_addr: z.string() }) }),
  z.strictObject({ name: z.string(), http_sms: z.strictObject({ url, body: z.string(), headers: z.record(z.string(), z.string()).optional(), token_env: env.optional(), ok_path: z.string().optional(), ok_value: z.string().optional(), ref_path: z.string().optional() }) }),
  z.strictObject({ name: z.string(), http_speaker: z.strictObject({ url, token_env: env.optional(), ...httpSpeakerKeys }) }),
  z.strictObject({ name: z.string(), mqtt_speaker: z.strictObject({ url: z.string().regex(/^mqtts?:\/\//, 'must be mqtt://host:port'), username: z.string().optional(), password_env: env.optional(), ack_timeout_ms: z.number().int().positive().optional(), ...mqttSpeakerKeys }) }),
  z.strictObject({ name: z.string(), webhook: z.strictObject({ url, secret_env: env.optional() }) }),
  z.strictObject({ name: z.string(), nats: z.strictObject({ subject: z.string().optional() }) }),
]);
export type ChannelSpec = z.output<typeof channel>;

const alerting = z.strictObject({
  contacts: z.string(),
  routes: z.string(),
  /** Message words; default alerting/templates.yaml. */
  templates: z.string().optional(),
  utc_offset_minutes: z.number().int().min(-720).max(840).default(480),
  /** How often the clock is read for escalation, auto-approval and retries, ms. */
  tick_ms: z.number().int().positive().default(1000),
  channels: z.array(channel).min(1),
  /** The CAP 1.2 feed: sender address, name and the agency's three-digit code (GB/T 35965.1 identifiers). */
  cap: z.strictObject({ sender: z.string().regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &'), sender_name: z.string(), agency: z.string().regex(/^\d{3}$/, 'three digits') }).optional(),
});

const days = z.number().int().positive();
const every = z.string().refine((t) => (parseDuration(t) ?? 0) >= 1000, 'must be a duration of at least 1s, e.g. "1h"');
/** Where observations, warnings and deliveries are kept; secrets come from environment variables, named here. */
const store = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('duckdb').default('duckdb'),
    path: z.string().default('.seed/seed.duckdb'),
    /** Delete raw observations and dead letters older than this many days. */
    retention_days: days.optional(),
  }),
  // InfluxDB 1.x over its v1 API, or 2.x/3.x/1.8+ over the v2 API.
  z.discriminatedUnion('api', [
    z.strictObject({
      kind: z.literal('influxdb'),
      url,
      api: z.literal('v1'),
      database: z.string().min(1),
      retention_policy: z.string().optional(),
      state_retention_policy: z.string().optional(),
      username: z.string().optional(),
      password_env: env.optional(),
      retention: z.strictObject({ raw_days: days.optional(), downsample: z.strictObject({ every, keep_days: days.optional() }).optional() }).optional(),
    }),
    z.strictObject({ kind: z.literal('influxdb'), url, api: z.literal('v2'), org: z.string().min(1), bucket: z.string().min(1), state_bucket: z.string().optional(), token_env: env.optional() }),
  ]),
  z.strictObject({
    kind: z.literal('questdb'),
    /** InfluxDB line protocol over HTTP, e.g. http://127.0.0.1:9000. */
    http: url,
    /** The PostgreSQL wire endpoint, e.g. postgres://admin@127.0.0.1:8812/qdb. */
    pg: z.string().regex(/^postgres(ql)?:\/\//, 'must be postgres://user@host:port/database'),
    username: z.string().optional(),
    password_env: env.optional(),
    ttl_days: days.optional(),
  }),
]);
export type StoreSpec = z.output<typeof store>;

const schema = z.strictObject({
  rules: z.string().default('rules/packs'),
  stations: z.string(),
  store: store.prefault({}),
  source: z.strictObject({
    kind: z.literal('nats'),
    url: z.string().default('nats://127.0.0.1:4222'),
    durable: z.string().default('seed-engine'),
    /** Consume and decode in a worker thread, so the engine's thread only evaluates. */
    worker: z.boolean().default(true),
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
  /** The daily fire-weather index of `fire` stations: FWI lower bounds of danger levels 2–5, and local time's offset (noon is local). */
  fire: z
    .strictObject({
      breaks: z.tuple([z.number(), z.number(), z.number(), z.number()]).refine((b) => b.every((x, i) => i === 0 || x > b[i - 1]!), 'must be ascending').default([...DEFAULT_BREAKS]),
      utc_offset_minutes: z.number().int().min(-720).max(840).default(480),
    })
    .prefault({}),
  /** Dissemination: who gets what through which channels; off when absent. */
  alerting: alerting.optional(),
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
      store: value.store.kind === 'duckdb' ? { ...value.store, path: at(value.store.path) } : value.store,
      sinks: { ...value.sinks, ...(value.sinks.jsonl && { jsonl: at(value.sinks.jsonl) }) },
      ...(value.alerting && {
        alerting: { ...value.alerting, contacts: at(value.alerting.contacts), routes: at(value.alerting.routes), ...(value.alerting.templates && { templates: at(value.alerting.templates) }) },
      }),
    },
    errors,
  };
}
