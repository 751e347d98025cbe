// Choosing the store in seed.yaml: each kind validates with file:line:column errors, secrets come from
// the environment (a named but unset variable is an error), and the printed description holds none.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig, type StoreSpec } from '../config.ts';
import { formatError } from '../yaml-file.ts';
import { startInfluxd, type InfluxServer } from '../servers/influxd-server.ts';
import { describeStore, openStore } from './open-store.ts';

let dir = '';
let influxd: InfluxServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seed-open-store-'));
  influxd = await startInfluxd();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await influxd?.stop();
});

function storeOf(yaml: string): { spec?: StoreSpec; errors: string[] } {
  const file = join(dir, 'seed.yaml');
  writeFileSync(file, `stations: s.yaml\nsource: { kind: nats }\n${yaml}`);
  const { config, errors } = loadConfig(file);
  return { ...(config && { spec: config.store }), errors: errors.map((e) => formatError({ ...e, file: 'seed.yaml' })) };
}

void test('each store kind reads from seed.yaml; mistakes are reported with their line and column', () => {
  assert.deepEqual(storeOf('store: { kind: duckdb, retention_days: 90 }\n').spec, { kind: 'duckdb', path: join(dir, '.seed/seed.duckdb'), retention_days: 90 });
  assert.deepEqual(
    storeOf('store:\n  kind: influxdb\n  url: http://127.0.0.1:8086\n  api: v1\n  database: seed\n  username: seed\n  password_env: INFLUX_PASSWORD\n  retention: { raw_days: 90, downsample: { every: 1h, keep_days: 1825 } }\n').spec,
    { kind: 'influxdb', url: 'http://127.0.0.1:8086', api: 'v1', database: 'seed', username: 'seed', password_env: 'INFLUX_PASSWORD', retention: { raw_days: 90, downsample: { every: '1h', keep_days: 1825 } } },
  );
  assert.deepEqual(storeOf('store: { kind: influxdb, url: "http://127.0.0.1:8086", api: v2, org: bureau, bucket: seed, token_env: INFLUX_TOKEN }\n').spec, {
    kind: 'influxdb', url: 'http://127.0.0.1:8086', api: 'v2', org: 'bureau', bucket: 'seed', token_env: 'INFLUX_TOKEN',
  });
  assert.deepEqual(storeOf('store: { kind: questdb, http: "http://127.0.0.1:9000", pg: "postgres://admin@127.0.0.1:8812/qdb", password_env: QDB_PASSWORD, ttl_days: 30 }\n').spec, {
    kind: 'questdb', http: 'http://127.0.0.1:9000', pg: 'postgres://admin@127.0.0.1:8812/qdb', password_env: 'QDB_PASSWORD', ttl_days: 30,
  });
  assert.deepEqual(storeOf('store:\n  kind: influxdb\n  url: http://127.0.0.1:8086\n  api: v1\n  database: seed\n  password: hunter2\n').errors, ['seed.yaml:8:3: unknown field "password"']);
  assert.deepEqual(storeOf('store:\n  kind: influxdb\n  url: http://127.0.0.1:8086\n  api: v2\n  org: bureau\n').errors, ['seed.yaml:4:3: store.bucket: is required']);
  assert.deepEqual(storeOf('store: { kind: sqlite }\n').errors.length, 1);
});

void test('secrets come from the environment and never appear in the description', async () => {
  const spec: StoreSpec = { kind: 'influxdb', url: influxd.url, api: 'v1', database: 'seed_open', username: 'seed', password_env: 'SEED_TEST_INFLUX_PASSWORD' };
  await assert.rejects(openStore(spec, {}), /SEED_TEST_INFLUX_PASSWORD, which is not set/);
  // influxd runs without authentication here, so any password opens it; the point is where it is read from.
  const store = await openStore(spec, { SEED_TEST_INFLUX_PASSWORD: 's3cret-pw' });
  await store.commit({ observations: [{ domain: 'hydro', station: 'H1', metric: 'stage', ts: 0, value: 1, quality: 'reliable' }], events: [], deadLetters: [] });
  assert.equal((await store.range('hydro.H1.stage', -Infinity, Infinity)).length, 1);
  await store.close();
  assert.equal(describeStore(spec), `influxdb ${influxd.url} (v1 API) database seed_open`);
  assert.equal(
    describeStore({ kind: 'questdb', http: 'http://admin:s3cret@127.0.0.1:9000', pg: 'postgres://admin:pa%3Ass%2Fw%40rd@127.0.0.1:8812/qdb' }),
    'questdb http://127.0.0.1:9000 (writes), postgres://127.0.0.1:8812/qdb (reads)',
  );
});
