// The store a deployment's seed.yaml picks, opened with its secrets from the environment. The
// description printed at start names where data goes, never a password or token.
import type { StoreSpec } from '../config.ts';
import { parseDuration } from '../duration.ts';
import { openDuckDbStore } from './duckdb-store.ts';
import { openInfluxStore } from './influx-store.ts';
import { openQuestDbStore } from './questdb-store.ts';
import type { Store } from './store.ts';

/** A secret named by an environment variable; a name given but not set is an error, not a silent anonymous login. */
function secret(name: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined) throw new Error(`the store's secret is read from the environment variable ${name}, which is not set`);
  return value;
}

/** A URL without its user and password, whatever they contain. */
function bare(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable URL)';
  }
}

export function describeStore(spec: StoreSpec): string {
  switch (spec.kind) {
    case 'duckdb':
      return `duckdb ${spec.path}`;
    case 'influxdb':
      return spec.api === 'v1' ? `influxdb ${bare(spec.url)} (v1 API) database ${spec.database}` : `influxdb ${bare(spec.url)} (v2 API) org ${spec.org} bucket ${spec.bucket}`;
    case 'questdb':
      return `questdb ${bare(spec.http)} (writes), ${bare(spec.pg)} (reads)`;
  }
}

export async function openStore(spec: StoreSpec, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  switch (spec.kind) {
    case 'duckdb':
      return openDuckDbStore(spec.path, { ...(spec.retention_days !== undefined && { retentionDays: spec.retention_days }) });
    case 'influxdb': {
      if (spec.api === 'v2') {
        const token = secret(spec.token_env, env);
        return openInfluxStore({ url: spec.url, api: 'v2', org: spec.org, bucket: spec.bucket, ...(spec.state_bucket && { stateBucket: spec.state_bucket }), ...(token !== undefined && { token }) });
      }
      const password = secret(spec.password_env, env);
      const { retention } = spec;
      return openInfluxStore({
        url: spec.url, api: 'v1', database: spec.database,
        ...(spec.retention_policy && { retentionPolicy: spec.retention_policy }),
        ...(spec.state_retention_policy && { stateRetentionPolicy: spec.state_retention_policy }),
        ...(spec.username && { username: spec.username }),
        ...(password !== undefined && { password }),
        ...(retention && {
          retention: {
            ...(retention.raw_days !== undefined && { rawDays: retention.raw_days }),
            ...(retention.downsample && { downsample: { everyMs: parseDuration(retention.downsample.every)!, ...(retention.downsample.keep_days !== undefined && { keepDays: retention.downsample.keep_days }) } }),
          },
        }),
      });
    }
    case 'questdb': {
      const password = secret(spec.password_env, env);
      return openQuestDbStore({
        httpUrl: spec.http, pgUrl: spec.pg,
        ...(spec.username && { username: spec.username }),
        ...(password !== undefined && { password }),
        ...(spec.ttl_days !== undefined && { ttlDays: spec.ttl_days }),
      });
    }
  }
}
