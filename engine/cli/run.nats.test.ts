// `seed run` as a real process over a real nats-server: the storm goes in in two halves, the engine
// is SIGKILLed between them and started again. Every observation must be stored exactly once, and
// the warnings (store and WARN stream) must be exactly those of an uninterrupted evaluation. And a
// run with zones, a fleet and vessel feeds.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { loadRules } from '../../rules/loader.ts';
import { simulateStorm, DEFAULT_STORM_SEED } from '../../simulators/hydrology.ts';
import { loadRegistry } from '../../stations/registry.ts';
import { ZoneIndex } from '../../stations/zone-index.ts';
import { parseZones } from '../../stations/zones.ts';
import { encodeObservation } from '../codec.ts';
import { Evaluator } from '../evaluator.ts';
import { startNatsServer, type NatsServer } from '../servers/nats-server.ts';
import { observationSubject, seriesKey } from '../observation.ts';
import { openJetStream, type JetStreamBus } from '../sources/jetstream-source.ts';
import { openDuckDbStore } from '../store/duckdb-store.ts';

let server: NatsServer;
let bus: JetStreamBus;
let jsm: JetStreamManager;
let dir: string;

before(async () => {
  server = await startNatsServer();
  bus = await openJetStream(server.url);
  await bus.ensureStreams();
  jsm = await jetstreamManager(bus.nc);
  dir = mkdtempSync(join(tmpdir(), 'seed-run-'));
});

after(async () => {
  await bus.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startSeed(config: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'engine/cli/seed.ts', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Wait until the durable has acknowledged (committed) everything up to `seq`. */
async function committed(seq: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = await jsm.consumers.info('OBS', 'engine').catch(() => undefined);
    if (info && info.ack_floor.stream_seq >= seq) return;
    if (Date.now() > deadline) throw new Error(`engine did not commit up to ${seq}; its output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGKILL between two batches, and again mid-stream: nothing lost, nothing doubled', async () => {
  const stations = loadRegistry('stations/demo-county.yaml').stations;
  const rules = loadRules('rules/packs');
  const observations = simulateStorm({ seed: DEFAULT_STORM_SEED, start: Date.parse('2026-07-27T20:00:00+08:00'), stations: [...stations.values()] });
  const config = join(dir, 'seed.yaml');
  writeFileSync(
    config,
    `rules: ${join(process.cwd(), 'rules/packs')}\nstations: ${join(process.cwd(), 'stations/demo-county.yaml')}\nstore: { path: ${join(dir, 'seed.duckdb')} }\nsource: { kind: nats, url: "${server.url}", durable: engine }\nsinks: { jsonl: ${join(dir, 'warnings.jsonl')}, console: true }\nbatch: { maxSize: 100, maxWaitMs: 20 }\n`,
  );
  const publishHalf = async (part: typeof observations) => {
    for (const o of part) await bus.publisher.publish(observationSubject(o), encodeObservation(o));
    await bus.publisher.publish('obs.hydrology.H01.stage', new TextEncoder().encode('{"ts":"yesterday","value":3}'));
    await bus.publisher.flush();
    return bus.lastSeq('OBS');
  };
  // The first run ends 9 hours into the storm, while H01 is at Red: its state must survive the kill.
  const half = Math.floor(observations.length / 4);

  const first = startSeed(config);
  await committed(await publishHalf(observations.slice(0, half)), first.output);
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null);
  const firstEvents = (first.output().match(/ (issued|upgraded|downgraded|lifted) /g) ?? []).length;
  assert.ok(firstEvents > 0, 'the first run saw warnings before it was killed');
  assert.match(first.output(), /→ Red I upgraded/);
  assert.doesNotMatch(first.output(), /Red I → Orange II/);

  const lastSeq = await publishHalf(observations.slice(half));
  // Killed again as soon as it has committed one more batch: wherever it is then (deciding,
  // writing sinks, committing) the outcome must be the same.
  const second = startSeed(config);
  const info = await jsm.consumers.info('OBS', 'engine');
  await committed(info.ack_floor.stream_seq + 1, second.output);
  second.child.kill('SIGKILL');
  await second.exited;

  const third = startSeed(config);
  await committed(lastSeq, third.output);
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0, third.output());

  // The reference: one uninterrupted evaluation of the same readings.
  const reference = new Evaluator(rules, stations);
  const expected = observations.flatMap((o) => reference.step(o).events);
  assert.ok(expected.some((e) => e.tier === 'red'));

  const store = await openDuckDbStore(join(dir, 'seed.duckdb'));
  try {
    const series = new Set(observations.map(seriesKey));
    let stored = 0;
    for (const s of series) stored += (await store.range(s, -Infinity, Infinity)).length;
    assert.equal(stored, observations.length);
    assert.deepEqual((await store.warnings()).map((e) => e.id), expected.map((e) => e.id));
    const dead = await store.deadLetters();
    assert.equal(dead.length, 2);
    assert.match(dead[0]!.reason, /^ts: must be ISO 8601/);
  } finally {
    await store.close();
  }
  assert.equal((await jsm.streams.info('WARN')).state.messages, expected.length);
  assert.equal((await jsm.streams.info('DLQ')).state.messages, 2);
});

test('seed run with zones, a fleet and vessel feeds: a file of AIS and Beidou reports on NATS become positions, warnings and dead letters', async () => {
  const zonesFile = join(process.cwd(), 'stations/demo-zones.geojson');
  const { zones } = parseZones('z', readFileSync(zonesFile, 'utf8'));
  const closed = zones.find((z) => z.kind === 'no-fishing')!;
  const index = new ZoneIndex([closed]);
  // A point well inside the closed area: the middle of its bounding box if inside, else a vertex-ward probe.
  const [w, s, e, n] = closed.bbox;
  const candidates = Array.from({ length: 400 }, (_, k) => [w + ((e - w) * ((k % 20) + 0.5)) / 20, s + ((n - s) * (Math.floor(k / 20) + 0.5)) / 20] as const);
  const [lon, lat] = candidates.find(([x, y]) => index.containing(x, y).length && index.distance(closed, x - 0.01, y) === 0 && index.distance(closed, x + 0.01, y) === 0)!;
  const ais = join(dir, 'feed.nmea');
  writeFileSync(ais, '!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*41\nnot a sentence\n');
  const config = join(dir, 'vessels.yaml');
  writeFileSync(
    config,
    [
      `rules: ${join(process.cwd(), 'rules/packs/vessels')}`,
      `stations: ${join(process.cwd(), 'stations/demo-county.yaml')}`,
      `zones: ${zonesFile}`,
      `fleet: ${join(process.cwd(), 'stations/demo-fleet.yaml')}`,
      `store: { path: ${join(dir, 'vessels.duckdb')} }`,
      `source: { kind: nats, url: "${server.url}", durable: vessels }`,
      `sinks: { jsonl: ${join(dir, 'vessels.jsonl')}, console: true }`,
      `feeds: { ais: [{ file: ${ais} }], beidou: [{ nats: "beidou.>" }] }`,
      'batch: { maxSize: 100, maxWaitMs: 20 }',
      '',
    ].join('\n'),
  );
  const dlqBefore = (await jsm.streams.info('DLQ')).state.messages;
  const seed = startSeed(config);
  const deadline = Date.now() + 30_000;
  while (!/feeds/.test(seed.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.match(seed.output(), /2040 vessels, 28 zones, 2 feeds/);
  // The file is read once at start; its dead letter comes first only once it has been read.
  while (!/feed ais file .* ended/.test(seed.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.parse('2026-07-27T08:00:00+08:00');
  for (const [k, report] of [0, 10, 20].entries()) {
    bus.nc.publish('beidou.BD3382050', JSON.stringify({ terminal: 'BD3382050', ts: t0 + report * 60_000, lon, lat, speed: 3.2, course: 45 + k }));
  }
  bus.nc.publish('beidou.BD3382050', '{"terminal":"BD3382050","ts":"2026-07-27 08:30","lon":122,"lat":29}');
  await bus.nc.flush();
  while (!/Fishing in a no-fishing area/.test(seed.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  seed.child.kill('SIGTERM');
  assert.equal(await seed.exited, 0, seed.output());
  assert.match(seed.output(), /feed ais file .* ended: 2 lines, 1 positions, 1 dead letters/);
  const warned = readFileSync(join(dir, 'vessels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { rule: { id: string }; entity: string; tier: string; evidence: { zone?: { id: string } } });
  const fishing = warned.find((x) => x.rule.id === 'no-fishing-area')!;
  assert.deepEqual([fishing.entity, fishing.tier, fishing.evidence.zone?.id], ['ZY00001', 'yellow', closed.id]);
  // (The new durable also reads the first test's observations, whose two malformed ones it dead-letters again.)
  const letters: { subject: string; reason: string }[] = [];
  for (let q = dlqBefore + 1; q <= (await jsm.streams.info('DLQ')).state.messages; q++) letters.push((await jsm.streams.getMessage('DLQ', { seq: q }))!.json());
  const feeds = letters.filter((l) => !l.subject.startsWith('obs.'));
  assert.deepEqual(feeds.map((l) => l.subject), [`file:${ais}`, 'beidou.BD3382050'], 'the bad AIS line and the bad Beidou report');
  assert.match(feeds[1]!.reason, /^ts: must be ISO 8601/);
});
