// `npm run demo`: a typhoon's rain and storm surge over the demo county, simulators → bus → engine →
// warnings, on the embedded defaults (in-process bus, DuckDB file), or over NATS with --nats <url>.
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { BehaviorSubject, filter, firstValueFrom, lastValueFrom, tap } from 'rxjs';
import type { Publisher, Source } from '../engine/bus.ts';
import { startEngine, type BatchReport } from '../engine/pipeline.ts';
import { busSink } from '../engine/sinks/bus-sink.ts';
import { consoleSink } from '../engine/sinks/console-sink.ts';
import { jsonlSink } from '../engine/sinks/jsonl-sink.ts';
import { MemoryBus } from '../engine/sources/memory-bus.ts';
import { openJetStream } from '../engine/sources/jetstream-source.ts';
import { openDuckDbStore } from '../engine/store/duckdb-store.ts';
import { formatShort } from '../engine/time.ts';
import { formatError } from '../engine/yaml-file.ts';
import { loadRules } from '../rules/loader.ts';
import { loadRegistry } from '../stations/registry.ts';
import { summary } from './demo-summary.ts';
import { DEFAULT_STORM_HOURS, DEFAULT_STORM_SEED, simulateStorm } from './hydrology.ts';
import { replay } from './publish.ts';
import { simulateTide } from './tide.ts';

const { values: args } = parseArgs({
  options: {
    nats: { type: 'string' },
    speed: { type: 'string', default: '6480' },
    seed: { type: 'string', default: String(DEFAULT_STORM_SEED) },
    hours: { type: 'string', default: String(DEFAULT_STORM_HOURS) },
    dir: { type: 'string', default: '.seed' },
  },
});

const out = (line: string) => process.stdout.write(`${line}\n`);
const tty = process.stdout.isTTY;
const clearStatus = () => tty && process.stdout.write('\r\x1b[K');

/** What a broken gauge might send: each must end in the dead-letter subject with its reason. */
const MALFORMED: Array<[string, string]> = [
  ['obs.hydrology.H02.stage', '{"ts":"2026-07-28T02:00:00+08:00","value":"4.2m"}'],
  ['obs.hydrology.R02.rain', '\u0013 garbled radio frame'],
  ['obs.hydrology.H03.stage', '{"ts":"2026-07-28 02:00:00","value":1.4}'],
];

interface Bus {
  publisher: Publisher;
  source: Source;
  /** Stream position before the demo started (a fresh consumer starts after it). */
  startAfterSeq?: number;
  /** The position of the last message published, once the feed ends (NATS only). */
  lastSeq(): Promise<number | undefined>;
  close(): Promise<void>;
}

async function openBus(): Promise<Bus> {
  if (!args.nats) {
    const memory = new MemoryBus();
    return { publisher: memory, source: memory.source('demo'), lastSeq: () => Promise.resolve(undefined), close: () => Promise.resolve(memory.close()) };
  }
  const bus = await openJetStream(args.nats);
  await bus.ensureStreams();
  const jsm = await jetstreamManager(bus.nc);
  const obsSeq = async () => (await jsm.streams.info('OBS')).state.last_seq;
  return {
    publisher: bus.publisher,
    source: bus.source(`seed-demo-${process.pid}-${Date.now()}`),
    startAfterSeq: await obsSeq(),
    lastSeq: async () => {
      await bus.publisher.flush();
      return obsSeq();
    },
    close: () => bus.close(),
  };
}

async function main(): Promise<number> {
  const rules = loadRules('rules/packs');
  const registry = loadRegistry('stations/demo-county.yaml');
  const errors = [...rules.errors, ...registry.errors];
  if (errors.length) {
    errors.forEach((e) => out(formatError(e)));
    return 1;
  }
  const speed = Number(args.speed);
  const start = Date.parse('2026-07-27T20:00:00+08:00');
  const stations = [...registry.stations.values()];
  const hours = Number(args.hours);
  // The surge peaks at landfall, 20.5 h in, on the afternoon high water; the rain band comes first.
  const tides = simulateTide({ seed: Number(args.seed), start, hours, stations, typhoon: { peakAt: start + 20.5 * 3_600_000, height: 1.0 } });
  const observations = [...simulateStorm({ seed: Number(args.seed), start, hours, stations }), ...tides].sort((a, b) => a.ts - b.ts);
  const end = observations[observations.length - 1]!.ts;

  const dbPath = `${args.dir}/demo.duckdb`;
  const jsonlPath = `${args.dir}/demo-warnings.jsonl`;
  for (const f of [dbPath, `${dbPath}.wal`, jsonlPath]) rmSync(f, { force: true });
  const store = await openDuckDbStore(dbPath);
  const bus = await openBus();

  out(`Seed demo: a ${args.hours} h typhoon (rain, rivers, reservoirs, villages, storm surge) over ${registry.stations.size} stations (${observations.length} observations), ${rules.rules.length} rules, speed ×${speed}`);
  out(`bus: ${args.nats ? `NATS JetStream ${args.nats}` : 'in-process'}; store: ${dbPath}; warnings also in ${jsonlPath}`);
  out('');
  const timeline = consoleSink((line) => {
    clearStatus();
    out(line);
  });
  let simNow = start;
  const { reports, evaluator } = await startEngine(bus.source, rules, registry.stations, {
    store,
    // Stale rules and holds read the simulated clock, which runs at the replay's speed.
    clock: () => simNow,
    publisher: bus.publisher,
    sinks: [timeline, jsonlSink(jsonlPath), ...(args.nats ? [busSink(bus.publisher)] : [])],
    ...(bus.startAfterSeq !== undefined && { startAfterSeq: bus.startAfterSeq }),
  });

  const batches: BatchReport[] = [];
  let published = 0;
  const status = () => {
    if (!tty) return;
    const pct = Math.round(((simNow - start) / (end - start)) * 100);
    const active = evaluator.active();
    const top = active[0] ? ` (highest: ${active[0].tier} ${active[0].rule} at ${active[0].entity})` : '';
    process.stdout.write(`\r\x1b[K[${'#'.repeat(Math.floor(pct / 5)).padEnd(20)}] ${String(pct).padStart(3)}%  ${formatShort(simNow)}  observations ${published}  active warnings ${active.length}${top}`);
  };

  // In process, the engine ends when the bus closes; over NATS, once it has committed the last message.
  const committed = new BehaviorSubject(0);
  const engineDone = lastValueFrom(
    reports.pipe(
      tap({
        next: (r) => {
          batches.push(r);
          committed.next(Math.max(committed.value, r.seq ?? 0));
          status();
        },
        error: (err: unknown) => committed.error(err),
      }),
    ),
    { defaultValue: undefined },
  );

  const encoder = new TextEncoder();
  await lastValueFrom(
    replay(observations, bus.publisher, { speed }).pipe(
      tap((o) => {
        if (++published === Math.floor(observations.length / 10)) {
          for (const [subject, text] of MALFORMED) void bus.publisher.publish(subject, encoder.encode(text));
        }
        simNow = o.ts;
        status();
      }),
    ),
    { defaultValue: undefined },
  );
  const target = await bus.lastSeq();
  if (target !== undefined) await firstValueFrom(committed.pipe(filter((seq) => seq >= target)));
  await bus.close();
  await engineDone;
  clearStatus();

  out('');
  for (const line of summary(batches, await store.warnings(), await store.deadLetters(), evaluator.active(), registry.stations)) out(line);
  out(`\nStored in ${dbPath}; replay it with a different --seed or --speed, or run over NATS with --nats nats://127.0.0.1:4222.`);
  await store.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
