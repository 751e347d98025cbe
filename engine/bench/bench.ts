// `npm run bench`: end-to-end throughput and publish→warning latency of the engine over a real
// nats-server, against the ceiling of a consumer that only decodes the same messages, and memory
// per series. One run, one table; numbers, not assertions.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bufferTime, concatMap, filter, lastValueFrom, takeWhile, tap } from 'rxjs';
import type { Source } from '../bus.ts';
import { decodeObservation } from '../codec.ts';
import { Evaluator } from '../evaluator.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import { observationSubject, type Observation } from '../observation.ts';
import { startEngine, type BatchReport, type EngineOptions } from '../pipeline.ts';
import { busSink } from '../sinks/bus-sink.ts';
import { openJetStream, type JetStreamBus } from '../sources/jetstream-source.ts';
import type { Station } from '../station.ts';
import { openDuckDbStore } from '../store/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import type { WarningEvent } from '../warning.ts';
import { parseRuleFile } from '../../rules/loader.ts';
import { createRng } from '../../simulators/rng.ts';
import { benchBacktest } from './backtest-bench.ts';
import { benchGeofence, VESSELS, ZONES } from './geofence-bench.ts';
import { benchOutbox, OUTBOX_DELIVERIES } from './outbox-bench.ts';
import { formatTable, percentile } from './table.ts';
import { benchEncode, benchStore, latencyCell, STORE_POINTS } from './store-bench.ts';
import { timedStore } from './timed-store.ts';
import { startInfluxd } from '../servers/influxd-server.ts';
import { openInfluxStore } from '../store/influx-store.ts';
import { openQuestDbStore } from '../store/questdb-store.ts';

const SECTIONS = ['backtest', 'geofence', 'outbox', 'stores', 'engine'];
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '300000' },
    stations: { type: 'string', default: '100' },
    rules: { type: 'string', default: '100' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    /** Runs of each engine configuration, interleaved (at least 1); the table shows the median run and every run. */
    rounds: { type: 'string', default: '3' },
    /** Run only these sections (comma-separated): backtest, geofence, outbox, stores, engine. */
    only: { type: 'string', default: SECTIONS.join(',') },
  },
});
const sections = new Set(args.only.split(','));
const unknown = [...sections].filter((s) => !SECTIONS.includes(s));
if (unknown.length) throw new Error(`--only: no section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
const want = (section: string) => sections.has(section);
const N = Number(args.messages);
const STATIONS = Number(args.stations);
const RULES = Number(args.rules);
const encoder = new TextEncoder();

/** A 100-rule pack: rule i watches metric m<i> at every station, four tiers from station parameters. */
function rulePack() {
  const text = `rules:\n${Array.from({ length: RULES }, (_, i) => `  - id: bench-${i}\n    title: Bench rule ${i}\n    domain: bench\n    match: { metric: m${i} }\n    tiers:\n      blue: { above: station.level - 3 }\n      yellow: { above: station.level - 2, for: 1m }\n      orange: { above: station.level - 1, for: 1m }\n      red: { above: station.level }\n    clear: { hysteresis: 0.5 }\n`).join('')}`;
  const set = parseRuleFile('bench.yaml', text);
  if (set.errors.length) throw new Error(JSON.stringify(set.errors));
  return set.rules;
}

const stations = new Map<string, Station>(
  Array.from({ length: STATIONS }, (_, i) => {
    const id = `B${String(i).padStart(4, '0')}`;
    return [id, { id, name: id, domain: 'bench', lon: 119, lat: 26, tags: [], params: { level: 10 } }];
  }),
);

/** Readings for every (station, metric): a random walk around 5, crossing the tiers now and then. */
function* readings(count: number, t0: number): Generator<Observation> {
  const rng = createRng(42);
  const ids = [...stations.keys()];
  const walk = new Float64Array(ids.length * RULES).fill(5);
  for (let k = 0; k < count; k++) {
    const s = k % walk.length;
    walk[s] = Math.min(12, Math.max(0, walk[s]! + (rng.next() - 0.5) * 1.5));
    yield { domain: 'bench', station: ids[s % ids.length]!, metric: `m${Math.floor(s / ids.length)}`, ts: t0 + Math.floor(k / walk.length) * 60_000, value: Math.round(walk[s] * 100) / 100, quality: 'reliable' };
  }
}

const nullStore: Store = {
  commit: () => Promise.resolve(),
  range: () => Promise.resolve([]),
  scan: () => ({ [Symbol.asyncIterator]: async function* () {} }),
  latest: () => Promise.resolve(new Map()),
  aggregate: () => Promise.resolve([]),
  warnings: () => Promise.resolve([]),
  deadLetters: () => Promise.resolve([]),
  audit: () => Promise.resolve([]),
  saveAlerting: () => Promise.resolve(),
  deliveries: () => Promise.resolve([]),
  episodes: () => Promise.resolve([]),
  loadCheckpoint: () => Promise.resolve(undefined),
  close: () => Promise.resolve(),
};

async function publishAll(bus: JetStreamBus, count: number): Promise<number> {
  const started = performance.now();
  let k = 0;
  for (const o of readings(count, Date.parse('2026-07-01T00:00:00Z'))) {
    await bus.publisher.publish(observationSubject(o), encoder.encode(JSON.stringify(o)));
    if (++k % 10_000 === 0) await bus.publisher.flush();
  }
  await bus.publisher.flush();
  while ((await bus.lastSeq('OBS')) < count) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - started;
}

/** Ceiling: the same durable consumer and batching, decoding every message and nothing else. */
async function ceiling(source: Source, count: number): Promise<number> {
  let seen = 0;
  let started = 0;
  await lastValueFrom(
    source.messages().pipe(
      tap(() => (started ||= performance.now())),
      bufferTime(50, null, 5000),
      filter((b) => b.length > 0),
      concatMap((batch) => {
        for (const m of batch) if (!decodeObservation(m.subject, m.data).ok) throw new Error('decode failed');
        batch[batch.length - 1]!.ack();
        return [(seen += batch.length)];
      }),
      takeWhile((n) => n < count),
    ),
    { defaultValue: 0 },
  );
  return performance.now() - started;
}

/** The run of median duration (of an even number, the faster of the middle two). */
const median = <T extends { ms: number }>(runs: readonly T[]): T => percentile([...runs].sort((a, b) => a.ms - b.ms), 0.5);

/** The local servers the engine runs with, by process id (undefined where /proc cannot tell). */
type Servers = { nats: number | undefined; store?: number | undefined };

/** A local server's process, found in /proc (Linux) by the temporary directory its arguments name. */
function pidOf(dir: string): number | undefined {
  if (!existsSync('/proc')) return undefined;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // The watchdog shell that started the server has the same arguments: skip it.
      if (cmd[0] !== '/bin/sh' && cmd.some((arg) => arg.startsWith(dir))) return Number(pid);
    } catch {
      // a process that ended while we looked
    }
  }
  return undefined;
}

/** A process's CPU time so far, ms (0 where there is none to read). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, at 100 ticks a second
  } catch {
    return 0;
  }
}

/** CPU time so far, ms: this process (every thread) and each local server. */
function cpuMs(servers: Servers): { node: number; nats: number; store: number } {
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1000, nats: processCpuMs(servers.nats), store: processCpuMs(servers.store) };
}

interface EngineRun {
  ms: number;
  events: number;
  /** Cores busy on average: the engine process (all its threads), the nats-server, and the store's server if it has one. */
  cores: { node: number; nats: number; store?: number };
  /** The share of the run the store spent committing, in how many commits, and the readings of the largest. */
  writes?: { busy: number; commits: number; largest: number };
}

async function engineRun(source: Source, count: number, opts: EngineOptions, servers: Servers): Promise<EngineRun> {
  const store = opts.store === nullStore ? undefined : timedStore(opts.store);
  const { reports } = await startEngine(source, rulePack(), stations, store ? { ...opts, store } : opts);
  let seen = 0;
  let events = 0;
  let started = 0;
  let cpu0 = { node: 0, nats: 0, store: 0 };
  let writes0 = { busyMs: 0, commits: 0, largest: 0 };
  await lastValueFrom(
    reports.pipe(
      tap((r: BatchReport) => {
        if (!started) {
          started = performance.now();
          cpu0 = cpuMs(servers);
          // Counted from the first report, as the run's time and CPU are.
          if (store) writes0 = { ...store.writes };
        }
        seen += r.received;
        events += r.events.length;
      }),
      takeWhile(() => seen < count),
    ),
    { defaultValue: undefined },
  );
  const ms = performance.now() - started;
  const cpu1 = cpuMs(servers);
  const cores = { node: (cpu1.node - cpu0.node) / ms, nats: (cpu1.nats - cpu0.nats) / ms, ...('store' in servers && { store: (cpu1.store - cpu0.store) / ms }) };
  return { ms, events, cores, ...(store && { writes: { busy: (store.writes.busyMs - writes0.busyMs) / ms, commits: store.writes.commits - writes0.commits, largest: store.writes.largest } }) };
}

/** Paced publishing at `rate`/s for `seconds`, with the engine running: publish → warning on warn.>. */
async function latency(bus: JetStreamBus, engineSource: Source, opts: EngineOptions, rate: number, seconds: number) {
  const sent = new Map<string, number>();
  const delays: number[] = [];
  const sub = bus.nc.subscribe('warn.>', {
    callback: (_err, msg) => {
      const e = msg.json<WarningEvent>();
      const key = `${e.entity}.${e.evidence.metric}@${e.at}`;
      const t = sent.get(key);
      if (t !== undefined) delays.push(performance.now() - t);
    },
  });
  const { reports } = await startEngine(engineSource, rulePack(), stations, opts);
  const running = reports.subscribe();
  const total = rate * seconds;
  const gen = readings(total, Date.parse('2026-08-01T00:00:00Z'));
  const started = performance.now();
  let k = 0;
  while (k < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; k < due; k++) {
      const o = gen.next().value as Observation;
      sent.set(`${o.station}.${o.metric}@${o.ts}`, performance.now());
      await bus.publisher.publish(observationSubject(o), encoder.encode(JSON.stringify(o)));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await bus.publisher.flush();
  await new Promise((r) => setTimeout(r, 1000));
  running.unsubscribe();
  sub.unsubscribe();
  return delays.sort((a, b) => a - b);
}

/** Heap bytes per series held by the evaluator (binding, resolved levels, state). */
function memoryPerSeries(series: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  const big = new Map<string, Station>(Array.from({ length: series / RULES }, (_, i) => [`S${i}`, { id: `S${i}`, name: `S${i}`, domain: 'bench', lon: 0, lat: 0, tags: [], params: { level: 10 } }]));
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const ev = new Evaluator(rulePack(), big);
  let k = 0;
  for (const id of big.keys()) for (let m = 0; m < RULES; m++) ev.step({ domain: 'bench', station: id, metric: `m${m}`, ts: 1_000 + k++, value: 5, quality: 'reliable' });
  ev.takeDirty();
  gc?.();
  return (process.memoryUsage().heapUsed - before) / series;
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'seed-bench-'));
  const bus = await openJetStream(server.url);
  try {
    await bus.ensureStreams();
    console.log(`seed bench: ${N.toLocaleString()} observations, ${(STATIONS * RULES).toLocaleString()} series (${STATIONS} stations × ${RULES} metrics), ${RULES}-rule threshold pack, nats-server ${server.url}\n`);
    if (want('backtest')) await backtestSection(dir);
    if (want('geofence')) geofenceSection();
    if (want('outbox')) await outboxSection(dir);
    if (want('stores')) await storesSection(dir);
    if (want('engine')) await engineSection(bus, dir, server);
  } finally {
    await bus.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function backtestSection(dir: string): Promise<void> {
  const bt = await benchBacktest(join(dir, 'season.duckdb'));
  const pps = (ms: number) => bt.points / (ms / 1000);
  console.log(`backtest: 50 gauges × 180 days at 5 min, the hydrology pack (goal: under 10 s; run first, on a fresh heap)\n`);
  console.log(
    formatTable([
      ['phase', 'points', 'seconds', 'points/s', 'vs scan'],
      ['load into DuckDB (prefill)', bt.points, bt.loadMs / 1000, pps(bt.loadMs), ''],
      ['baseline: DuckDB scan in time order, no rules', bt.points, bt.scanMs / 1000, pps(bt.scanMs), 1],
      [`backtest: scan + every rule of the pack (${bt.events.toLocaleString('en')} events)`, bt.points, bt.backtestMs / 1000, pps(bt.backtestMs), pps(bt.backtestMs) / pps(bt.scanMs)],
    ]),
  );
  console.log('');
}

function geofenceSection(): void {
  const geo = benchGeofence();
  const gps = (ms: number) => geo.positions / (ms / 1000);
  console.log(`geofence: ${VESSELS.toLocaleString('en')} vessels against ${ZONES.toLocaleString('en')} zones, the shipped vessel pack (goal: at least 100,000 positions/s)\n`);
  console.log(
    formatTable([
      ['phase', 'positions', 'seconds', 'positions/s', 'vs index'],
      [`baseline: spatial index lookup only (${geo.inside.toLocaleString('en')} inside)`, geo.positions, geo.indexMs / 1000, gps(geo.indexMs), 1],
      [`evaluator: the vessel pack, ladders, lifecycles (${geo.events.toLocaleString('en')} events)`, geo.positions, geo.evaluatorMs / 1000, gps(geo.evaluatorMs), gps(geo.evaluatorMs) / gps(geo.indexMs)],
    ]),
  );
  console.log('');
}

async function outboxSection(dir: string): Promise<void> {
  const outboxBare = await benchOutbox(nullStore);
  const outboxStore = await openDuckDbStore(join(dir, 'outbox.duckdb'));
  const outboxDuck = await benchOutbox(outboxStore);
  await outboxStore.close();
  const dps = (ms: number) => OUTBOX_DELIVERIES / (ms / 1000);
  console.log(`outbox: ${OUTBOX_DELIVERIES.toLocaleString('en')} deliveries to distinct recipients over a channel that answers at once, 64 in flight\n`);
  console.log(
    formatTable([
      ['phase', 'deliveries', 'seconds', 'deliveries/s', 'vs no store'],
      ['baseline: outbox bookkeeping, a store that keeps nothing', OUTBOX_DELIVERIES, outboxBare / 1000, dps(outboxBare), 1],
      ['outbox: stored before and after each attempt (DuckDB)', OUTBOX_DELIVERIES, outboxDuck / 1000, dps(outboxDuck), dps(outboxDuck) / dps(outboxBare)],
    ]),
  );
  console.log('');
}

async function storesSection(dir: string): Promise<void> {
  const influxd = await startInfluxd();
  const stores: [string, () => Promise<Store>][] = [
    ['DuckDB (embedded file)', () => openDuckDbStore(join(dir, 'stores.duckdb'))],
    ['InfluxDB 1.x (Debian influxd, v1 API)', () => openInfluxStore({ url: influxd.url, api: 'v1', database: 'bench' })],
  ];
  if (process.env.QUESTDB_URL) stores.push(['QuestDB (QUESTDB_URL)', () => openQuestDbStore({ httpUrl: process.env.QUESTDB_URL!, pgUrl: process.env.QUESTDB_PG_URL ?? 'postgres://admin:quest@127.0.0.1:8812/qdb', prefix: 'seed_bench_' })]);
  const encodeMs = benchEncode();
  const spp = (ms: number) => STORE_POINTS / (ms / 1000);
  const storeRows: (string | number)[][] = [['store', 'points', 'write s', 'points/s', 'vs encode', '24 h range p50 / p99 ms', '24 h hourly buckets p50 / p99 ms']];
  storeRows.push(['baseline: line protocol encoding only, no I/O', STORE_POINTS, encodeMs / 1000, spp(encodeMs), 1, '', '']);
  let rangeRows = 0;
  try {
    for (const [name, open] of stores) {
      const s = await open();
      const r = await benchStore(s);
      await s.close();
      rangeRows = r.rangeRows;
      storeRows.push([name, STORE_POINTS, r.writeMs / 1000, spp(r.writeMs), spp(r.writeMs) / spp(encodeMs), latencyCell(r.range), latencyCell(r.aggregate)]);
    }
  } finally {
    await influxd.stop();
  }
  console.log(`stores: ${STORE_POINTS.toLocaleString('en')} observations of 100 series in commits of 5,000, then 50 queries of one series over 24 h (${rangeRows.toLocaleString('en')} readings) and its hourly buckets (goal: writes well above 100,000 points/s)\n`);
  console.log(formatTable(storeRows));
  console.log('');
}

/** `work` on a DuckDB store at `path`, closed after it however it ends. */
async function withDuckDb<T>(path: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openDuckDbStore(path);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** One engine run with InfluxDB as the store, on an influxd of its own: no other run shares its CPU or its data. */
async function influxRun(source: Source, opts: Omit<EngineOptions, 'store'>, servers: Servers): Promise<EngineRun> {
  const influxd = await startInfluxd();
  try {
    const store = await openInfluxStore({ url: influxd.url, api: 'v1', database: 'engine' });
    try {
      return await engineRun(source, N, { ...opts, store }, { ...servers, store: pidOf(influxd.dir) });
    } finally {
      await store.close();
    }
  } finally {
    await influxd.stop();
  }
}

async function engineSection(bus: JetStreamBus, dir: string, nats: NatsServer): Promise<void> {
  const publishMs = await publishAll(bus, N);
  const source = (name: string, worker = false) => bus.source(name, { batch: 5000, worker });
  const base = { publisher: bus.publisher, sinks: [busSink(bus.publisher)], batch: { maxSize: 5000, maxWaitMs: 50 } };
  const servers = { nats: pidOf(nats.storeDir) };
  const duckdb = (r: number) => join(dir, `bench-${r}.duckdb`);
  const configs: { phase: string; run: (r: number) => Promise<EngineRun>; runs: EngineRun[] }[] = [
    { phase: 'engine: decode + 100 rules + warn publish, no store, one thread', run: (r) => engineRun(source(`engine-nostore-${r}`), N, { ...base, store: nullStore }, servers), runs: [] },
    { phase: 'engine: the same, consuming and decoding in a worker thread', run: (r) => engineRun(source(`engine-nostore-worker-${r}`, true), N, { ...base, store: nullStore }, servers), runs: [] },
    { phase: 'engine as seed run runs it: decoding worker + DuckDB, group commit', run: (r) => withDuckDb(duckdb(r), (store) => engineRun(source(`engine-duckdb-${r}`, true), N, { ...base, store }, servers)), runs: [] },
    { phase: 'the same with InfluxDB 1.x (Debian influxd, v1 API) as the store', run: (r) => influxRun(source(`engine-influx-${r}`, true), base, servers), runs: [] },
  ];
  // This machine's speed drifts by ±20% from minute to minute: each configuration runs several
  // times, interleaved with the others, so a slow minute falls on all of them alike.
  const ceilings: { ms: number }[] = [];
  const rounds = Math.max(1, Number(args.rounds) || 1);
  for (let r = 0; r < rounds; r++) {
    ceilings.push({ ms: await ceiling(source(`ceiling-${r}`), N) });
    for (const c of configs) c.runs.push(await c.run(r));
  }
  const ceilingMs = median(ceilings).ms;
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const after = await bus.lastSeq('OBS');
  // On the last round's DuckDB file, as a store that has been running a while would be.
  const delays = await withDuckDb(duckdb(rounds - 1), (store) => latency(bus, source('engine-latency', true), { ...base, store, startAfterSeq: after }, rate, seconds));
  const perSeries = memoryPerSeries(100_000);

  const rps = (ms: number) => N / (ms / 1000);
  const ceil = rps(ceilingMs);
  const parts = (r: EngineRun) => [r.cores.node, r.cores.nats, ...(r.cores.store === undefined ? [] : [r.cores.store])];
  const cores = (r: EngineRun) => parts(r).map((c) => c.toFixed(2)).join(' + ');
  /** CPU of every process the run used, µs per observation: cores busy × seconds / observations. */
  const cpuPerObs = (r: EngineRun) => (parts(r).reduce((a, c) => a + c, 0) * r.ms * 1000) / N;
  const busy = (r: EngineRun) => (r.writes ? `${Math.round(r.writes.busy * 100)}% (${r.writes.commits} commits, largest ${r.writes.largest.toLocaleString('en')})` : '');
  const range = (all: { ms: number }[]) => all.map((r) => Math.round(rps(r.ms))).sort((a, b) => a - b).map((n) => n.toLocaleString('en')).join(', ');
  const row = ({ phase, runs }: (typeof configs)[number]) => {
    const r = median(runs);
    return [phase, N, r.ms / 1000, rps(r.ms), rps(r.ms) / ceil, cores(r), cpuPerObs(r), busy(r), range(runs)];
  };
  console.log(
    formatTable([
      ['phase (median run)', 'observations', 'seconds', 'obs/s', 'vs ceiling', 'cores: engine + nats-server (+ influxd)', 'CPU µs per obs (those processes)', 'store committing (largest commit, readings)', 'every run, obs/s'],
      ['publish into JetStream (prefill)', N, publishMs / 1000, rps(publishMs), '', '', '', '', ''],
      ['ceiling: JetStream consume + decode only, one thread', N, ceilingMs / 1000, ceil, 1, '', '', '', range(ceilings)],
      ...configs.map(row),
    ]),
  );
  const target = 100_000;
  // What every process shares: each core gives a second of CPU a second.
  console.log(`\nCPU budget at ${target.toLocaleString('en')} obs/s on this machine's ${availableParallelism()} cores: ${(availableParallelism() * 1e6) / target} µs per observation, engine, nats-server and store together`);
  console.log(`warning events: ${median(configs[2]!.runs).events.toLocaleString()} in the DuckDB run`);
  console.log(
    `publish → warning received on warn.> at ${rate.toLocaleString()} obs/s for ${seconds} s (engine as seed run runs it, batches ≤ 5000 / 50 ms): ` +
      (delays.length ? `n=${delays.length}, p50 ${percentile(delays, 0.5).toFixed(1)} ms, p99 ${percentile(delays, 0.99).toFixed(1)} ms, max ${delays[delays.length - 1]!.toFixed(1)} ms` : 'no warnings'),
  );
  console.log(`memory per series (evaluator: binding + state, 100,000 series): ${Math.round(perSeries)} bytes${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: approximate)'}`);
}

await main();
