// `npm run demo`: a scenario played through the whole engine on the embedded defaults (in-process
// bus, DuckDB file) or over NATS with --nats <url>: simulators → bus → engine → warnings →
// dissemination (SMS over SMPP, port speakers over MQTT with the vendor cloud as fallback, the
// county platform's webhook, NATS, the CAP feed) to carrier and speaker simulators on 127.0.0.1.
// --scenario typhoon (default): two days of a typhoon over a coastal county and its fleet;
// --scenario dry-season: twenty days of fire weather with a dry spell.
import { readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { BehaviorSubject, filter, firstValueFrom, lastValueFrom, tap } from 'rxjs';
import type { Alerting } from '../alerting/alerting.ts';
import { loadContacts } from '../alerting/contacts.ts';
import { openAlerting } from '../alerting/open-alerting.ts';
import type { Publisher, Source } from '../engine/bus.ts';
import type { Observation } from '../engine/observation.ts';
import { startEngine, type BatchReport, type Sampler } from '../engine/pipeline.ts';
import type { Station } from '../engine/station.ts';
import { tierRank } from '../engine/tiers.ts';
import type { WarningEvent } from '../engine/warning.ts';
import { busSink } from '../engine/sinks/bus-sink.ts';
import { consoleSink } from '../engine/sinks/console-sink.ts';
import { jsonlSink } from '../engine/sinks/jsonl-sink.ts';
import { MemoryBus } from '../engine/sources/memory-bus.ts';
import { openJetStream } from '../engine/sources/jetstream-source.ts';
import { openDuckDbStore } from '../engine/store/duckdb-store.ts';
import { formatShort } from '../engine/time.ts';
import { formatError } from '../engine/yaml-file.ts';
import { loadRules } from '../rules/loader.ts';
import { FireIndex } from '../stations/fire/fire-index.ts';
import { OnlineRate } from '../stations/online-rate.ts';
import { loadRegistry } from '../stations/registry.ts';
import { parseFleet } from '../stations/vessels.ts';
import { parseZones, portPlaces, type Zone } from '../stations/zones.ts';
import { startDemoChannels } from './demo-channels.ts';
import { dutyForecaster } from './demo-forecaster.ts';
import { summary } from './demo-summary.ts';
import { DRY_SEASON, simulateDrySeason } from './fire-weather.ts';
import { DEMO_FLEET_URL, DEMO_ZONES_URL, demoFleetSample } from './fleet-files.ts';
import { DEFAULT_STORM_SEED } from './hydrology.ts';
import { replay } from './publish.ts';
import { TYPHOON_HOURS, typhoonScenario } from './typhoon-scenario.ts';

type Registry = ReturnType<typeof loadRegistry>;

const { values: args } = parseArgs({
  options: {
    nats: { type: 'string' },
    scenario: { type: 'string', default: 'typhoon' },
    /** Simulated seconds per second; default: the scenario in about a minute. */
    speed: { type: 'string' },
    fast: { type: 'boolean', default: false },
    seed: { type: 'string', default: String(DEFAULT_STORM_SEED) },
    /** Every Nth vessel of the demo fleet (1: all 2,040). */
    vessels: { type: 'string', default: '1' },
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

interface Scenario {
  title: string;
  observations: Observation[];
  stations: Map<string, Station>;
  zones: Zone[];
  samplers: Sampler[];
  /** Simulated time the scenario should take about a minute for. */
  minuteSpeed: number;
}

const MINUTE_S = 60;

function buildScenario(name: string, seed: number, registry: Registry): Scenario {
  const fireStations = [...registry.stations.values()].filter((s) => s.domain === 'fire');
  if (name === 'dry-season') {
    const observations = simulateDrySeason({ ...DRY_SEASON, stations: fireStations });
    // Only the fire stations: the gauges are not part of this scenario, and silent ones would be warned of.
    const stations = new Map(fireStations.map((f) => [f.id, f]));
    return {
      title: `a ${DRY_SEASON.days}-day dry season at ${fireStations.length} fire-danger stations (a dry spell from day ${DRY_SEASON.drySpell.fromDay} to ${DRY_SEASON.drySpell.toDay})`,
      observations,
      stations,
      zones: [],
      samplers: [new FireIndex(stations.values())],
      minuteSpeed: (DRY_SEASON.days * 86_400) / MINUTE_S,
    };
  }
  if (name !== 'typhoon') throw new Error(`no scenario "${name}": try typhoon or dry-season`);
  const { zones } = parseZones(DEMO_ZONES_URL.pathname, readFileSync(DEMO_ZONES_URL, 'utf8'));
  const fleet = parseFleet(DEMO_FLEET_URL.pathname, demoFleetSample(Number(args.vessels)), portPlaces(zones));
  // AIS is thinned to one report in 10 minutes (Beidou's rate) to keep the volume to about a million
  // readings; so a terminal counts as online when heard within four of its expected intervals.
  const s = typhoonScenario({ seed, stations: [...registry.stations.values()], zones, vessels: [...fleet.vessels.values()], minIntervalSeconds: 600 });
  const stations = new Map([...registry.stations, ...fleet.stations]);
  const counts = (d: string) => [...registry.stations.values()].filter((x) => x.domain === d).length;
  return {
    title: `a ${TYPHOON_HOURS} h typhoon over ${counts('hydrology')} river, rain, reservoir and village stations, ${counts('tide')} tide stations, ${fireStations.length} fire-danger stations and ${fleet.vessels.size} vessels in ${zones.filter((z) => z.kind === 'port').length} ports`,
    observations: s.observations,
    stations,
    zones,
    samplers: [new OnlineRate(fleet, { tolerance: 4 }), new FireIndex(stations.values())],
    minuteSpeed: (TYPHOON_HOURS * 3600) / MINUTE_S,
  };
}

async function main(): Promise<number> {
  const rules = loadRules('rules/packs');
  const registry = loadRegistry('stations/demo-county.yaml');
  const contacts = loadContacts('simulators/demo/contacts.yaml');
  const errors = [...rules.errors, ...registry.errors, ...contacts.errors];
  if (errors.length || !contacts.contacts) {
    errors.forEach((e) => out(formatError(e)));
    return 1;
  }
  const scenario = buildScenario(args.scenario, Number(args.seed), registry);
  const { observations } = scenario;
  const speed = args.speed ? Number(args.speed) : scenario.minuteSpeed * (args.fast ? 10 : 1);
  const start = observations[0]!.ts;
  const end = observations[observations.length - 1]!.ts;

  const dbPath = `${args.dir}/demo.duckdb`;
  const jsonlPath = `${args.dir}/demo-warnings.jsonl`;
  for (const f of [dbPath, `${dbPath}.wal`, jsonlPath]) rmSync(f, { force: true });
  const store = await openDuckDbStore(dbPath);
  const bus = await openBus();

  // Dissemination to simulated far ends on loopback. The engine's clock is the event time it has
  // read up to (the replay runs ahead of it by what is queued on the bus): a silence is then a
  // real one, not a reading still in the queue.
  let simNow = start;
  let engineNow = start;
  const clock = () => engineNow;
  const engineTime: Sampler = {
    hear: (o) => {
      if (o.ts > engineNow) engineNow = o.ts;
    },
    sample: () => [],
  };
  const far = await startDemoChannels(contacts.contacts, 'SPK017');
  // Dissemination as a deployment configures it in seed.yaml.
  const opened = await openAlerting(
    {
      contacts: 'simulators/demo/contacts.yaml',
      routes: 'simulators/demo/routes.yaml',
      utc_offset_minutes: 480,
      tick_ms: 100,
      channels: far.specs,
      cap: { sender: 'warn@350122.seed.example', sender_name: '连江县预警信息发布中心', agency: '001' },
    },
    { store, publisher: bus.publisher, stations: scenario.stations, zones: scenario.zones, clock },
  );
  if (!opened.opened) {
    opened.errors.forEach((e) => out(formatError(e)));
    return 1;
  }
  const { alerting, cap } = opened.opened;
  // The forecaster and the alerting clock step with the engine's batches (simulated time), one at a time.
  const forecaster = dutyForecaster(alerting, clock);
  let stepping: Promise<void> | undefined;
  const stepAlerting = () => {
    stepping ??= forecaster()
      .then(() => alerting.tick())
      .catch((e: unknown) => {
        out(`alerting: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        stepping = undefined;
      });
  };

  out(`Seed demo: ${scenario.title}: ${observations.length} observations, ${rules.rules.length} rules, speed ×${speed}`);
  out(`bus: ${args.nats ? `NATS JetStream ${args.nats}` : 'in-process'}; store: ${dbPath}; warnings also in ${jsonlPath}; dissemination: ${far.specs.map((c) => c.name).join(', ')} to simulators on 127.0.0.1`);
  out('');
  // The timeline shows every station warning, and vessels' warnings only from Orange (they run to hundreds).
  const console = consoleSink((line) => {
    clearStatus();
    out(line);
  });
  const timeline = { write: (events: readonly WarningEvent[]) => console.write(events.filter((e) => e.domain !== 'vessel' || tierRank(e.tier ?? e.previousTier) >= 3)) };
  const { reports, evaluator } = await startEngine(bus.source, rules, scenario.stations, {
    store,
    // Stale rules and holds read the simulated clock, which runs at the replay's speed.
    clock,
    publisher: bus.publisher,
    sinks: [timeline, jsonlSink(jsonlPath), alerting, ...(args.nats ? [busSink(bus.publisher)] : [])],
    samplers: [engineTime, ...scenario.samplers],
    zones: scenario.zones,
    // The clock is read every simulated minute, within batches, never on wall time: however far the
    // engine falls behind the replay (--fast), silences, deadlines and online rates fall where they
    // would at real speed, and a run gives the same warnings on any machine.
    tickMs: 0,
    clockTickMs: 60_000,
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

  // The engine ends once it has taken every message (in process; the bus then closes) or committed the
  // last one (over NATS). Closing the in-process bus earlier would leave a backlog to be evaluated
  // after the clock stopped ticking: no silences, deadlines or online rates in it.
  const committed = new BehaviorSubject(0);
  const taken = new BehaviorSubject(0);
  const engineDone = lastValueFrom(
    reports.pipe(
      tap({
        next: (r) => {
          batches.push(r);
          stepAlerting();
          committed.next(Math.max(committed.value, r.seq ?? 0));
          taken.next(taken.value + r.received);
          status();
        },
        error: (err: unknown) => {
          committed.error(err);
          taken.error(err);
        },
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
  else await firstValueFrom(taken.pipe(filter((n) => n >= published + MALFORMED.length)));
  await bus.close();
  await engineDone;
  // Let dissemination finish: the last lifts go out after their grouping wait (simulated), receipts come back.
  engineNow = end + 3_600_000;
  await stepping;
  await settle(alerting, () => (engineNow += 60_000));
  await alerting.stop();
  clearStatus();

  const deliveries = await store.deliveries();
  const farEnds = [
    `SMS centre (SMPP): ${far.smsCenter.messages().length} messages in ${far.smsCenter.submits()} submit_sm`,
    `port speakers (MQTT): ${far.speakers.played().length} announcements played${far.speakers.repeats().length ? `, ${far.speakers.repeats().length} repeats dropped` : ''}`,
    `speaker vendor cloud (HTTP, fallback for the dead speaker SPK017): ${far.cloud.played().length} announcements`,
    `county broadcast platform (webhook): ${far.platform()} alerts`,
  ];
  await far.stop();
  out('');
  const dissemination = { deliveries, farEnds, cap: cap!.feed.atom({ title: 'demo', selfUrl: 'demo', messageUrl: (id) => id, limit: Infinity }).split('<entry>').length - 1 };
  for (const line of summary(batches, await store.warnings(), await store.deadLetters(), evaluator.active(), scenario.stations, dissemination)) out(line);
  out(`\nStored in ${dbPath}; try --scenario dry-season, --fast, a different --seed or --speed, or run over NATS with --nats nats://127.0.0.1:4222.`);
  await store.close();
  return 0;
}

/** Tick, a simulated minute at a time (retries wait out their backoff), until no delivery is left to try, or ten seconds have passed. */
async function settle(alerting: Alerting, minute: () => void): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    minute();
    await alerting.tick();
    await alerting.outbox.idle();
    const left = alerting.outbox.pending().filter((d) => d.state !== 'sent' && d.state !== 'awaiting-approval');
    if (left.length === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
