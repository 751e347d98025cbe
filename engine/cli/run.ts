// `seed run --config <file>`: the engine as a service, over NATS JetStream, until SIGINT/SIGTERM,
// with hot reload of the rules directory and control over NATS request/reply and HTTP.
import { repeat, retry, Subject, takeUntil, timer, type Observable } from 'rxjs';
import { alertingHandlers } from '../../alerting/alerting-control.ts';
import { openAlerting } from '../../alerting/open-alerting.ts';
import { loadRules } from '../../rules/loader.ts';
import { FireIndex } from '../../stations/fire/fire-index.ts';
import { OnlineRate } from '../../stations/online-rate.ts';
import { loadRegistry } from '../../stations/registry.ts';
import { VesselIngest } from '../../stations/vessel-ingest.ts';
import { loadFleet, type Fleet } from '../../stations/vessels.ts';
import { loadZones, portPlaces } from '../../stations/zones.ts';
import { loadConfig, type Config } from '../config.ts';
import { startEngine } from '../pipeline.ts';
import { busSink } from '../sinks/bus-sink.ts';
import { consoleSink } from '../sinks/console-sink.ts';
import { jsonlSink } from '../sinks/jsonl-sink.ts';
import type { WarningSink } from '../sinks/sink.ts';
import { openJetStream, type JetStreamBus } from '../sources/jetstream-source.ts';
import { fileLines, ingestFeed, natsLines, tcpLines, udpLines, type FeedLine } from '../sources/vessel-feed.ts';
import { describeStore, openStore } from '../store/open-store.ts';
import { CONTROL_SUBJECTS } from '../control.ts';
import { startHttpApi } from '../http-api.ts';
import { serveControl } from '../nats/nats-control.ts';
import { seriesHandlers } from '../series-control.ts';
import { watchRules } from '../rules-watcher.ts';
import { formatError } from '../yaml-file.ts';

export async function runFromConfig(path: string, print: (line: string) => void): Promise<number> {
  const { config, errors } = loadConfig(path);
  const rules = config && loadRules(config.rules);
  const registry = config && loadRegistry(config.stations);
  const zones = config?.zones ? loadZones(config.zones) : { zones: [], errors: [] };
  const fleet = config?.fleet ? loadFleet(config.fleet, portPlaces(zones.zones)) : undefined;
  const all = [...errors, ...(rules?.errors ?? []), ...(registry?.errors ?? []), ...zones.errors, ...(fleet?.errors ?? [])];
  if (!config || !rules || !registry || all.length) {
    for (const e of all) print(formatError(e));
    return 1;
  }
  const stations = new Map([...registry.stations, ...(fleet?.stations ?? [])]);
  const store = await openStore(config.store);
  const bus = await openJetStream(config.source.url);
  await bus.ensureStreams();
  const sinks: WarningSink[] = [busSink(bus.publisher)];
  if (config.sinks.jsonl) sinks.push(jsonlSink(config.sinks.jsonl));
  if (config.sinks.console) sinks.push(consoleSink(print));
  const dissemination = config.alerting && (await openAlerting(config.alerting, { store, publisher: bus.publisher, stations, zones: zones.zones, clock: Date.now }));
  if (dissemination && !dissemination.opened) {
    for (const e of dissemination.errors) print(formatError(e));
    await bus.close();
    await store.close();
    return 1;
  }
  const alerting = dissemination?.opened;
  if (alerting) {
    sinks.push(alerting.alerting);
    alerting.alerting.start(config.alerting!.tick_ms);
    print(`seed: dissemination: ${config.alerting!.channels.map((c) => c.name).join(', ')}; ${alerting.resumed} deliveries resumed (${alerting.inDoubt} in doubt, sent again)`);
  }
  const { reports, evaluator, control } = await startEngine(bus.source(config.source.durable, { worker: config.source.worker }), rules, stations, {
    store,
    publisher: bus.publisher,
    sinks,
    batch: config.batch,
    tickMs: config.tickMs,
    zones: zones.zones,
    samplers: [...(fleet ? [new OnlineRate(fleet)] : []), new FireIndex(stations.values(), { breaks: config.fire.breaks, utcOffsetMinutes: config.fire.utc_offset_minutes })],
  });
  const feeds = startFeeds(config.feeds, fleet, bus, print);
  const handlers = [...seriesHandlers(store), ...(alerting ? alertingHandlers(alerting.alerting) : [])];
  serveControl(bus.nc, { evaluator, control }, handlers);
  let httpUrl = '';
  const documents = alerting?.cap ? [alerting.cap.documents(() => httpUrl)] : [];
  const http = config.http && (await startHttpApi({ evaluator, control }, config.http.port, config.http.host, { handlers, documents }));
  if (http) httpUrl = http.url;
  const unwatch = config.watchRules
    ? watchRules(config.rules, {
        valid: (set) => {
          control.reload(set, 'rules watcher', `files changed under ${config.rules}`).then(
            (r) => print(`seed: rules reloaded: ${set.rules.length} rules${r.events.length ? `, ${r.events.length} warnings lifted by changed rules` : ''}`),
            (e: unknown) => print(`seed: reload failed: ${e instanceof Error ? e.message : String(e)}`),
          );
        },
        invalid: (errs) => {
          for (const e of errs) print(`seed: rules rejected, previous set kept: ${formatError(e)}`);
          void bus.publisher.publish(CONTROL_SUBJECTS.ruleErrors, new TextEncoder().encode(JSON.stringify({ at: Date.now(), errors: errs.map(formatError) })));
        },
      })
    : () => undefined;
  print(`seed: ${rules.rules.length} rules, ${registry.stations.size} stations, ${fleet?.vessels.size ?? 0} vessels, ${zones.zones.length} zones, ${feeds.length} feeds, mode ${evaluator.currentMode}, store ${describeStore(config.store)}, NATS ${config.source.url}${http ? `, HTTP ${http.url}` : ''}`);
  let processed = 0;
  let deadLettered = 0;
  const code = await new Promise<number>((done) => {
    const sub = reports.subscribe({
      next: (r) => {
        processed += r.received;
        deadLettered += r.deadLetters.length;
        for (const d of r.deadLetters) print(`dead letter ${d.subject}: ${d.reason}`);
      },
      error: (err: unknown) => {
        print(`seed: stopped on error: ${err instanceof Error ? err.message : String(err)}`);
        done(1);
      },
    });
    const stop = () => {
      sub.unsubscribe();
      done(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await control.idle();
  print(`seed: ${processed} messages processed, ${deadLettered} dead-lettered`);
  unwatch();
  for (const f of feeds) f.unsubscribe();
  http?.server.close();
  await alerting?.alerting.stop();
  await bus.close();
  await store.close();
  return code;
}

/**
 * Start the configured vessel feeds: each publishes positions on the bus with its own reassembly (a
 * file that ends does not expire a live feed's half-received messages); a TCP feed reconnects every
 * 5 s after it closes or fails; an ended or failed feed is reported, the others go on.
 */
function startFeeds(feeds: Config['feeds'], fleet: Fleet | undefined, bus: JetStreamBus, print: (line: string) => void): { unsubscribe(): void }[] {
  const registry = fleet ?? { vessels: new Map(), stations: new Map(), byTerminal: new Map(), errors: [] };
  const run = (name: string, kind: 'ais' | 'beidou', lines: Observable<FeedLine>) => {
    const stop = new Subject<void>();
    ingestFeed(lines.pipe(takeUntil(stop)), kind, new VesselIngest(registry), bus.publisher).then(
      (c) => print(`seed: feed ${name} ended: ${c.lines} lines, ${c.observations} positions, ${c.deadLetters} dead letters`),
      (e: unknown) => print(`seed: feed ${name} failed: ${e instanceof Error ? e.message : String(e)}`),
    );
    return { unsubscribe: () => stop.next() };
  };
  return [
    ...feeds.ais.map((f) => {
      if ('tcp' in f) {
        const [host, port] = f.tcp.split(':') as [string, string];
        const reconnecting = tcpLines(host, Number(port)).pipe(
          retry({ delay: (e: unknown) => (print(`seed: feed ais tcp ${f.tcp}: ${e instanceof Error ? e.message : String(e)}; retrying in 5 s`), timer(5000)) }),
          repeat({ delay: 5000 }),
        );
        return run(`ais tcp ${f.tcp}`, 'ais', reconnecting);
      }
      if ('udp' in f) return run(`ais udp ${f.host}:${f.udp}`, 'ais', udpLines(f.udp, f.host));
      if ('file' in f) return run(`ais file ${f.file}`, 'ais', fileLines(f.file));
      return run(`ais nats ${f.nats}`, 'ais', natsLines(bus.nc, f.nats));
    }),
    ...feeds.beidou.map((f) => run(`beidou nats ${f.nats}`, 'beidou', natsLines(bus.nc, f.nats))),
  ];
}
