// The InfluxDB store against a real influxd (Debian's influxdb, 1.x) on a free loopback port: the
// conformance suite over the v1 API, again over the v2 write API (through a loopback stand-in for a
// 2.x server's /api/v2/write, which 1.6 lacks, forwarding to the same influxd), the layout Grafana
// reads, and retention with downsampling.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startInfluxd, type InfluxServer } from '../servers/influxd-server.ts';
import { gzipAbove, openInfluxStore } from './influx-store.ts';
import { literal } from './influxql.ts';
import { storeConformance } from './store-conformance.ts';
import type { Observation } from '../observation.ts';

let influxd: InfluxServer;
let databases = 0;
const TOKEN = 'test-token-3f9a';

/** An InfluxQL statement straight to influxd, as Grafana or an operator would send it. */
async function influxql(q: string, db?: string): Promise<unknown> {
  const res = await fetch(`${influxd.url}/query?${new URLSearchParams({ q, epoch: 'ms', ...(db && { db }) }).toString()}`, { method: 'POST' });
  return res.json();
}

/**
 * What a 2.x server does with a v2 write, for a 1.x server: /api/v2/write?org&bucket&precision with
 * a token becomes /write?db=<bucket>; everything else (/query) passes through. Requests without
 * the token are refused, as a 2.x server refuses them.
 */
function v2Gateway(): Promise<{ url: string; writes: string[]; server: Server }> {
  const writes: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Token ${TOKEN}`) return void res.writeHead(401).end('{"code":"unauthorized"}');
    const url = new URL(req.url ?? '/', 'http://x');
    let path = url.pathname + url.search;
    if (url.pathname === '/api/v2/write') {
      writes.push(url.search);
      path = `/write?${new URLSearchParams({ db: url.searchParams.get('bucket') ?? '', precision: url.searchParams.get('precision') ?? 'ns' }).toString()}`;
    }
    const upstream = request(`${influxd.url}${path}`, { method: req.method, headers: { ...req.headers, host: new URL(influxd.url).host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, writes, server })));
}

let gateway: Awaited<ReturnType<typeof v2Gateway>>;

before(async () => {
  influxd = await startInfluxd();
  gateway = await v2Gateway();
});
after(async () => {
  gateway?.server.close();
  await influxd?.stop();
});

storeConformance('influxdb 1.x, v1 API', () => {
  const database = `seed_v1_${++databases}`;
  return Promise.resolve({ open: () => openInfluxStore({ url: influxd.url, api: 'v1', database }) });
});

storeConformance('influxdb, v2 write API (org, bucket, token)', async () => {
  const bucket = `seed_v2_${++databases}`;
  await influxql(`CREATE DATABASE ${bucket}`); // a 2.x bucket is made by its operator, not by Seed
  return { open: () => openInfluxStore({ url: gateway.url, api: 'v2', org: 'bureau', bucket, token: TOKEN }) };
});

void describe('influxdb layout and settings', () => {
  const reading = (station: string, minute: number, value: number): Observation => ({
    domain: 'hydrology', station, metric: 'stage', ts: Date.UTC(2026, 7, 1, 0, minute), value, unit: 'm', quality: 'reliable',
  });

  void it('large writes are gzipped, except to a loopback address', () => {
    for (const url of ['http://127.0.0.1:8086', 'http://localhost:8086', 'http://[::1]:8086']) assert.equal(gzipAbove(url), Number.MAX_SAFE_INTEGER, url);
    for (const url of ['http://influx.bureau.example:8086', 'https://10.0.0.5:8086', 'http://127.influx.example:8086']) assert.equal(gzipAbove(url), 64_000, url);
  });

  void it('writes go through the v2 API with org, bucket and nanosecond precision', async () => {
    const bucket = `seed_v2_${++databases}`;
    await influxql(`CREATE DATABASE ${bucket}`);
    const store = await openInfluxStore({ url: gateway.url, api: 'v2', org: 'bureau', bucket, token: TOKEN });
    const before = gateway.writes.length;
    await store.commit({ observations: [reading('H01', 0, 1)], events: [], deadLetters: [] });
    assert.deepEqual(gateway.writes.slice(before), [`?org=bureau&bucket=${bucket}&precision=ns`]);
    await store.close();
    const refused = await openInfluxStore({ url: gateway.url, api: 'v2', org: 'bureau', bucket, token: 'wrong' });
    await assert.rejects(refused.commit({ observations: [reading('H01', 1, 1)], events: [], deadLetters: [] }), /401|unauthorized/i);
  });

  void it('is read by plain InfluxQL: one observation measurement, tagged by domain, station and metric', async () => {
    const database = `seed_layout_${++databases}`;
    const store = await openInfluxStore({ url: influxd.url, api: 'v1', database });
    await store.commit({ observations: [reading('H01', 0, 4), reading('H01', 20, 6), reading('H01', 70, 9), reading('H02', 10, 100)], events: [], deadLetters: [] });
    const got = await influxql(`SELECT mean(value) FROM observation WHERE station = ${literal('H01')} AND metric = 'stage' AND time >= '2026-08-01T00:00:00Z' AND time < '2026-08-01T02:00:00Z' GROUP BY time(1h)`, database);
    assert.deepEqual(got, {
      results: [{ statement_id: 0, series: [{ name: 'observation', columns: ['time', 'mean'], values: [[Date.UTC(2026, 7, 1, 0), 5], [Date.UTC(2026, 7, 1, 1), 9]] }] }],
    });
    const tags = await influxql('SHOW TAG KEYS FROM observation', database);
    assert.deepEqual(tags, { results: [{ statement_id: 0, series: [{ name: 'observation', columns: ['tagKey'], values: [['domain'], ['metric'], ['station']] }] }] });
    await store.close();
  });

  void it('keeps raw data for the days asked, rule state forever, and downsamples usable readings', async () => {
    const database = `seed_retention_${++databases}`;
    const options = { url: influxd.url, api: 'v1', database, retention: { rawDays: 30, downsample: { everyMs: 1000, keepDays: 365 } } } as const;
    // What was stored before retention was turned on stays readable after.
    let store = await openInfluxStore({ url: influxd.url, api: 'v1', database });
    const mode = { at: Date.now(), action: 'mode', value: 'emergency', by: 'duty', reason: 'typhoon' };
    await store.commit({ observations: [{ ...reading('H09', 0, 3), ts: Date.now() - 60_000 }], events: [], deadLetters: [], audit: [mode] });
    await store.close();
    store = await openInfluxStore(options);
    assert.deepEqual(await store.audit('mode'), [mode]);
    assert.equal((await store.latest(['hydrology.H09.stage'])).get('hydrology.H09.stage')?.value, 3);
    await store.close();
    store = await openInfluxStore(options); // opening again finds everything in place
    const policies = (await influxql(`SHOW RETENTION POLICIES ON ${database}`)) as { results: [{ series: [{ values: unknown[][] }] }] };
    const byName = Object.fromEntries(policies.results[0].series[0].values.map((v): [string, unknown] => [String(v[0]), { duration: v[1], isDefault: v[4] }]));
    assert.deepEqual(byName.autogen, { duration: '720h0m0s', isDefault: true }); // the policy readings already went to
    assert.deepEqual(byName.seed_state, { duration: '0s', isDefault: false }); // 0s: forever
    assert.deepEqual(byName.seed_downsampled_1s, { duration: '8760h0m0s', isDefault: false });

    // The continuous query recomputes the last 10 minutes every second: readings from a minute ago are summarised.
    const t = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const now = (ms: number, value: number, quality: Observation['quality'] = 'reliable'): Observation => ({ ...reading('H01', 0, value), ts: t + ms, quality });
    // A reading older than the 30 days kept is dropped by the server; the rest of the batch and its checkpoint land.
    const ancient = { ...reading('H01', 0, 1), ts: t - 40 * 86_400_000 };
    await store.commit({ observations: [ancient, now(100, 2), now(300, 4), now(500, 1000, 'unreliable'), now(1200, 8)], events: [], deadLetters: [], checkpoint: { consumer: 'engine', seq: 7, states: [] } });
    assert.equal((await store.loadCheckpoint('engine'))?.seq, 7);
    assert.deepEqual((await store.range('hydrology.H01.stage', t - 41 * 86_400_000, t + 60_000)).map((o) => o.value), [2, 4, 1000, 8]);
    const q = `SELECT mean, min, max, "count" FROM ${database}.seed_downsampled_1s.observation_1s WHERE station = 'H01' AND time >= ${t}ms`;
    let rows: unknown;
    for (let i = 0; i < 100; i++) {
      rows = ((await influxql(q)) as { results: [{ series?: [{ values: unknown[][] }] }] }).results[0].series?.[0]?.values;
      if (Array.isArray(rows) && rows.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(rows, [[t, 3, 2, 4, 2], [t + 1000, 8, 8, 8, 1]]);
    await store.close();
  });

  void it('a server that cannot be reached is a clear error at open', async () => {
    await assert.rejects(openInfluxStore({ url: 'http://127.0.0.1:9', api: 'v1', database: 'seed' }), /ECONNREFUSED|connect/);
  });
});
