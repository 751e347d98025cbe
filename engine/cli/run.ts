// `seed run --config <file>`: the engine as a service, over NATS JetStream, until SIGINT/SIGTERM,
// with hot reload of the rules directory and control over NATS request/reply and HTTP.
import { loadRules } from '../../rules/loader.ts';
import { loadRegistry } from '../../stations/registry.ts';
import { loadConfig } from '../config.ts';
import { startEngine } from '../pipeline.ts';
import { busSink } from '../sinks/bus-sink.ts';
import { consoleSink } from '../sinks/console-sink.ts';
import { jsonlSink } from '../sinks/jsonl-sink.ts';
import type { WarningSink } from '../sinks/sink.ts';
import { openJetStream } from '../sources/jetstream-source.ts';
import { openDuckDbStore } from '../store/duckdb-store.ts';
import { CONTROL_SUBJECTS } from '../control.ts';
import { startHttpApi } from '../http-api.ts';
import { serveControl } from '../nats/nats-control.ts';
import { watchRules } from '../rules-watcher.ts';
import { formatError } from '../yaml-file.ts';

export async function runFromConfig(path: string, print: (line: string) => void): Promise<number> {
  const { config, errors } = loadConfig(path);
  const rules = config && loadRules(config.rules);
  const registry = config && loadRegistry(config.stations);
  const all = [...errors, ...(rules?.errors ?? []), ...(registry?.errors ?? [])];
  if (!config || !rules || !registry || all.length) {
    for (const e of all) print(formatError(e));
    return 1;
  }
  const store = await openDuckDbStore(config.store.path);
  const bus = await openJetStream(config.source.url);
  await bus.ensureStreams();
  const sinks: WarningSink[] = [busSink(bus.publisher)];
  if (config.sinks.jsonl) sinks.push(jsonlSink(config.sinks.jsonl));
  if (config.sinks.console) sinks.push(consoleSink(print));
  const { reports, evaluator, control } = await startEngine(bus.source(config.source.durable), rules, registry.stations, {
    store,
    publisher: bus.publisher,
    sinks,
    batch: config.batch,
    tickMs: config.tickMs,
  });
  serveControl(bus.nc, { evaluator, control });
  const http = config.http && (await startHttpApi({ evaluator, control }, config.http.port, config.http.host));
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
  print(`seed: ${rules.rules.length} rules, ${registry.stations.size} stations, mode ${evaluator.currentMode}, store ${config.store.path}, NATS ${config.source.url}${http ? `, HTTP ${http.url}` : ''}`);
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
  print(`seed: ${processed} messages processed, ${deadLettered} dead-lettered`);
  unwatch();
  http?.server.close();
  await bus.close();
  await store.close();
  return code;
}
