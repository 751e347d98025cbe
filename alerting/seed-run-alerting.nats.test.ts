// Dissemination end to end: `seed run` as a real child process over a real nats-server, with a
// carrier SMSC (SMPP), village speakers on an MQTT broker, a speaker vendor's HTTP cloud and a
// partner's webhook, all on 127.0.0.1. A river rises through Yellow, Orange and Red and falls back:
// SMS reach every duty forecaster and village head in Chinese and are receipted; the speakers wait
// for a forecaster's approval; a dead speaker falls back to the cloud without holding up the SMS;
// the CAP feed validates against the OASIS schema. And the engine SIGKILLed in the middle of
// sending to twenty village heads and started again: nothing lost, nothing doubled but what was in
// doubt.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test, type TestContext } from 'node:test';
import { encodeObservation } from '../engine/codec.ts';
import { FINAL_STATES, type Delivery } from '../engine/delivery.ts';
import { startNatsServer } from '../engine/servers/nats-server.ts';
import { observationSubject, type Observation } from '../engine/observation.ts';
import { openJetStream } from '../engine/sources/jetstream-source.ts';
import { openDuckDbStore } from '../engine/store/duckdb-store.ts';
import { startSmsCenter, type SmsCenter, type SmsCenterOptions } from '../simulators/sms-center.ts';
import { startSpeakerCloud } from '../simulators/speaker-cloud.ts';
import { startSpeakerFleet } from '../simulators/speaker-fleet.ts';

const SMPP_PASSWORD = 'smsc-Secret-42';
const CLOUD_TOKEN = 'cloud-token-7';
const WEBHOOK_SECRET = 'hook-secret-9';
const CHILD_ENV = { SEED_SMPP_PASSWORD: SMPP_PASSWORD, SEED_SPEAKER_TOKEN: CLOUD_TOKEN, SEED_WEBHOOK_SECRET: WEBHOOK_SECRET };
const CAP_XSD = join(process.cwd(), 'alerting/cap/CAP-v1.2.xsd');
/** The outbox's messages in flight per channel (its default). */
const CONCURRENCY = 8;
const ACK_TIMEOUT_MS = 300;

const HEADS = ['王建国', '李秀英', '张桂兰', '刘德明', '陈志强', '杨淑珍', '黄永福', '赵玉兰', '吴国华', '周海涛', '徐丽娟', '孙长林', '马金花', '朱文斌', '胡春梅', '郭振华', '何美玲', '高建平', '林水生', '罗秀云'];
const DUTY = [
  { id: 'duty-zhang', name: '张伟', phone: '+8613900000001' },
  { id: 'duty-li', name: '李娜', phone: '+8613900000002' },
];
const heads = HEADS.map((name, i) => ({ id: `head-${String(i + 1).padStart(2, '0')}`, name: `${name}（村长）`, phone: `+86138000001${String(i + 1).padStart(2, '0')}` }));
const PHONES = new Set([...DUTY, ...heads].map((p) => p.phone));
const SPEAKERS = [
  { id: 'spk-east', name: '东岸村广播', device: 'DA-001' },
  { id: 'spk-west', name: '西岸村广播', device: 'XA-001' },
  { id: 'spk-down', name: '下游村广播', device: 'XY-001' },
];
const DEAD_DEVICE = 'XY-001';

const CONTACTS = [
  'people:',
  ...DUTY.map((p) => `  - { id: ${p.id}, name: ${p.name}, phone: "${p.phone}", role: duty forecaster }`),
  ...heads.map((p) => `  - { id: ${p.id}, name: ${p.name}, phone: "${p.phone}", role: village head, regions: ["350122"] }`),
  'groups:',
  `  - { id: duty, members: [${DUTY.map((p) => p.id).join(', ')}] }`,
  'speakers:',
  ...SPEAKERS.map((s) => `  - { id: ${s.id}, name: ${s.name}, device: ${s.device}, region: "350122" }`),
  'endpoints:',
  '  - { id: county-platform, name: 县应急广播平台 }',
  '',
].join('\n');

const ROUTES = `
group_wait: 0s
repeat_interval: 4h
max_attempts: 2
fallback: { speaker-mqtt: speaker }
routes:
  - name: hydrology
    match: { domains: hydrology, min_tier: yellow }
    to:
      - { channel: sms, group: duty }
      - { channel: sms, people: region }
      - { channel: webhook, endpoint: county-platform }
    continue: true
  - name: speakers
    match: { domains: hydrology, min_tier: orange, regions: "3501" }
    to: [{ channel: speaker-mqtt, speakers: region }]
    approval: { channels: [speaker-mqtt], min_tier: orange, approvers: duty, notify: sms }
`;

/** For the kill test: SMS only. */
const SMS_ROUTES = `
group_wait: 0s
max_attempts: 2
routes:
  - match: { domains: hydrology, min_tier: yellow }
    to: [{ channel: sms, group: duty }, { channel: sms, people: region }]
`;

// The river-stage rule of the hydrology pack without its dwell times, so each reading decides.
const RULE = `
id: river-stage
title: 河道水位超警 River flood stage
domain: hydrology
match: { metric: stage, stations: [H01] }
tiers:
  yellow: { above: station.warning_stage }
  orange: { above: station.guaranteed_stage }
  red:    { above: station.historical_max }
clear: { hysteresis: 0.1 }
`;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000, context: () => string = () => ''): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

interface Seed {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  http: string;
  /** From the start line: deliveries resumed and in doubt. */
  resumed: { resumed: number; inDoubt: number };
}

async function startSeed(config: string): Promise<Seed> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'engine/cli/seed.ts', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...CHILD_ENV } });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const output = () => text;
  const http = await until('seed run to start', () => child.exitCode === null && /, HTTP (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1], 30_000, output);
  const [, resumed, inDoubt] = /(\d+) deliveries resumed \((\d+) in doubt/.exec(text) ?? [];
  return { child, output, exited, http, resumed: { resumed: Number(resumed), inDoubt: Number(inDoubt) } };
}

const api = (seed: Seed) => ({
  deliveries: async (query: Record<string, string>): Promise<Delivery[]> => {
    const r = (await (await fetch(`${seed.http}/alerting/deliveries?${new URLSearchParams(query).toString()}`)).json()) as { ok: boolean; deliveries: Delivery[] };
    assert.ok(r.ok, JSON.stringify(r));
    return r.deliveries;
  },
  episodes: async () => ((await (await fetch(`${seed.http}/alerting/episodes`)).json()) as { episodes: { episode: string; tier: string | null; awaitingApproval: string[] }[] }).episodes,
  approve: async (episode: string, by: string, reason: string) => (await fetch(`${seed.http}/alerting/approve`, { method: 'POST', body: JSON.stringify({ episode, by, reason }) })).json() as Promise<{ ok: boolean; released?: number; error?: string }>,
  text: async (path: string) => {
    const r = await fetch(`${seed.http}${path}`);
    assert.equal(r.status, 200, path);
    return r.text();
  },
});

/** A temp dir with seed.yaml, contacts, routes and the rule; a nats-server and a JetStream publisher for readings of H01. */
async function world(t: TestContext, name: string) {
  const dir = mkdtempSync(join(tmpdir(), `seed-${name}-`));
  cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules/river-stage.yaml'), RULE);
  writeFileSync(join(dir, 'contacts.yaml'), CONTACTS);
  const nats = await startNatsServer();
  cleanups.push(() => nats.stop());
  const bus = await openJetStream(nats.url);
  cleanups.push(() => bus.close());
  await bus.ensureStreams();
  const t0 = Date.now() - 3_600_000;
  let minute = 0;
  const publish = async (...values: number[]): Promise<void> => {
    for (const value of values) {
      const o: Observation = { domain: 'hydrology', station: 'H01', metric: 'stage', ts: t0 + minute++ * 60_000, value, unit: 'm', quality: 'reliable' };
      await bus.publisher.publish(observationSubject(o), encodeObservation(o));
    }
    await bus.publisher.flush();
  };
  const writeConfig = (routes: string, channels: string[], extra: string[] = []): string => {
    writeFileSync(join(dir, 'routes.yaml'), routes);
    const config = join(dir, 'seed.yaml');
    writeFileSync(
      config,
      [
        `rules: ${join(dir, 'rules')}`,
        `stations: ${join(process.cwd(), 'stations/demo-county.yaml')}`,
        `store: { path: ${join(dir, 'seed.duckdb')} }`,
        `source: { kind: nats, url: "${nats.url}", durable: engine }`,
        'sinks: { console: true }',
        'batch: { maxSize: 100, maxWaitMs: 20 }',
        'watchRules: false',
        'http: { port: 0 }',
        'alerting:',
        '  contacts: contacts.yaml',
        '  routes: routes.yaml',
        '  tick_ms: 200',
        '  channels:',
        ...channels.map((c) => `    - ${c}`),
        ...extra.map((l) => `  ${l}`),
        '',
      ].join('\n'),
    );
    return config;
  };
  const sms = async (over: Partial<SmsCenterOptions> = {}): Promise<{ center: SmsCenter; channel: string }> => {
    const center = await startSmsCenter({ systemId: 'seed', password: SMPP_PASSWORD, ...over });
    cleanups.push(() => center.stop());
    return { center, channel: `{ name: sms, smpp: { host: 127.0.0.1, port: ${center.port}, system_id: seed, password_env: SEED_SMPP_PASSWORD, source_addr: "10690001" } }` };
  };
  t.diagnostic(`temp dir ${dir}, NATS ${nats.url}`);
  return { dir, publish, writeConfig, sms, store: join(dir, 'seed.duckdb'), nats: nats.url };
}

/** The partner's webhook endpoint: records each POST. */
async function webhookEndpoint(): Promise<{ url: string; posts: { headers: IncomingHttpHeaders; body: string }[] }> {
  const posts: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      posts.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/seed`, posts };
}

const final = (d: Delivery): boolean => FINAL_STATES.has(d.state);
const isApproval = (d: Delivery): boolean => d.key.includes('|approval-');
const phoneOf = (d: Delivery): string => (d.recipient.kind === 'person' ? d.recipient.phone! : '');

test('seed run disseminates a rising river: Chinese SMS over SMPP with receipts, speakers after approval with a cloud fallback, a webhook, a valid CAP feed', async (t) => {
  const started = Date.now();
  const w = await world(t, 'alerting');
  const { center, channel: smsChannel } = await w.sms({ receiptDelayMs: 30 });
  const fleet = await startSpeakerFleet({ devices: SPEAKERS.map((s) => s.device), dead: [DEAD_DEVICE], ackDelayMs: 20 });
  cleanups.push(() => fleet.stop());
  const cloud = await startSpeakerCloud({ token: CLOUD_TOKEN });
  cleanups.push(() => cloud.stop());
  const hook = await webhookEndpoint();
  const config = w.writeConfig(
    ROUTES,
    [
      smsChannel,
      `{ name: speaker-mqtt, mqtt_speaker: { url: "${fleet.url}", ack_timeout_ms: ${ACK_TIMEOUT_MS} } }`,
      `{ name: speaker, http_speaker: { url: "${cloud.url}", token_env: SEED_SPEAKER_TOKEN } }`,
      `{ name: webhook, webhook: { url: "${hook.url}", secret_env: SEED_WEBHOOK_SECRET } }`,
    ],
    ['cap: { sender: "seed@350122.example.cn", sender_name: 连江县预警信息发布中心, agency: "001" }'],
  );
  const seed = await startSeed(config);
  const a = api(seed);
  const out = seed.output;
  t.diagnostic(`seed run up after ${Date.now() - started} ms`);

  // Yellow: SMS to the duty group and the village heads of 350122, and the webhook.
  await w.publish(4.2, 4.6, 5.3);
  const episode = await until('the yellow warning', async () => (await a.episodes()).find((e) => e.tier === 'yellow')?.episode, 15_000, out);
  const smsOf = async (tier: string | null, n: number, what: string): Promise<Delivery[]> => {
    let seen: Delivery[] = [];
    return until(
      what,
      async () => {
        seen = (await a.deliveries({ warning: episode, channel: 'sms' })).filter((d) => d.tier === tier);
        return seen.length === n && seen.every(final) && seen;
      },
      15_000,
      () => `${out()}\n${seen.length} deliveries: ${JSON.stringify(seen.map((d) => [d.key, d.state, d.history.at(-1)?.detail]))}`,
    );
  };
  const yellow = await smsOf('yellow', 22, 'the 22 yellow SMS to be final');

  // (a) Chinese, UCS2, the right numbers, long texts reassembled exactly, delivered by receipt.
  assert.deepEqual(new Set(yellow.map(phoneOf)), PHONES);
  for (const d of yellow) {
    assert.equal(d.state, 'delivered', JSON.stringify(d.history));
    assert.deepEqual(d.history.map((h) => h.state), ['queued', 'sending', 'sent', 'delivered']);
    assert.equal(d.history.at(-1)!.detail, 'receipt DELIVRD');
    assert.match(d.text, /^【连江县预警信息发布中心】.*河道水位超警黄色预警（III级）：水位5\.3米/);
    const got = center.messages().filter((m) => m.to === phoneOf(d));
    assert.equal(got.length, 1, `one SMS to ${phoneOf(d)}`);
    assert.deepEqual([got[0]!.text, got[0]!.dataCoding, got[0]!.from, got[0]!.id], [d.text, 8, '10690001', d.ref]);
    assert.ok(got[0]!.parts >= 2 && d.text.length > 70, 'a long message, concatenated');
  }

  // (b) Orange: SMS at once, the speakers wait for a forecaster.
  await w.publish(6.5);
  const orange = await smsOf('orange', 24, 'the orange SMS and the two approval requests to be final');
  assert.deepEqual(orange.filter(isApproval).map(phoneOf).sort(), DUTY.map((p) => p.phone));
  for (const d of orange.filter(isApproval)) assert.match(d.text, new RegExp(`^【待审批】.*橙色.*seed approve ${episode.replace(/\|/g, '\\|')}$`));
  assert.deepEqual((await a.episodes()).find((e) => e.episode === episode)?.awaitingApproval, ['orange']);
  const held = (await a.deliveries({ warning: episode, channel: 'speaker-mqtt' })).filter((d) => d.tier === 'orange');
  assert.deepEqual(held.map((d) => [d.recipient.id, d.state]).sort(), SPEAKERS.map((s) => [s.id, 'awaiting-approval']).sort());
  assert.deepEqual([fleet.received().length, cloud.requests()], [0, 0], 'no speaker was told anything before approval');

  const approval1 = await a.approve(episode, 'duty-zhang', '水位仍在上涨，同意向公众发布');
  assert.deepEqual(approval1, { ok: true, released: 3 });
  const orangeKey = (device: string) => held.find((d) => d.recipient.kind === 'speaker' && d.recipient.device === device)!.key;
  await until('the live speakers to play orange', () => ['DA-001', 'XA-001'].every((dev) => fleet.played().some((p) => p.device === dev && p.id === orangeKey(dev))), 5_000, out);
  assert.deepEqual((await a.episodes()).find((e) => e.episode === episode)?.awaitingApproval, []);

  // Red while the dead speaker's orange waits out its retry: the SMS do not wait for it.
  await w.publish(7.5);
  const red = await smsOf('red', 24, 'the red SMS to be final');
  const deadOrange = (await a.deliveries({ warning: episode, channel: 'speaker-mqtt' })).find((d) => d.key === orangeKey(DEAD_DEVICE))!;
  // Its first attempt is still waiting for an acknowledgement, or over and waiting out the backoff.
  assert.ok(['sending', 'queued'].includes(deadOrange.state), `the dead speaker's orange is not settled yet: ${JSON.stringify(deadOrange.history)}`);
  assert.equal(deadOrange.attempts, 1);
  assert.ok(red.every((d) => d.state === 'delivered'));
  assert.deepEqual((await a.episodes()).find((e) => e.episode === episode)?.awaitingApproval, ['red'], 'red needs its own approval');
  // This one through the CLI, over NATS request/reply.
  const cli = execFileSync(process.execPath, ['--import', 'tsx', 'engine/cli/seed.ts', 'alerting', 'approve', episode, '--by', 'duty-zhang', '--reason', '超历史最高水位，立即发布', '--nats', w.nats], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(cli), { ok: true, released: 3 });
  const redKeys = new Set((await a.deliveries({ warning: episode, channel: 'speaker-mqtt' })).filter((d) => d.tier === 'red').map((d) => d.key));
  await until('the live speakers to play red', () => fleet.played().filter((p) => redKeys.has(p.id)).length === 2, 5_000, out);

  // Lifted: everyone who heard it hears that it is over, the speakers without a new approval.
  await w.publish(4.0);
  const lifted = await smsOf(null, 22, 'the 22 lift SMS to be final');
  for (const d of lifted) assert.match(d.text, /河道水位超警预警解除。$/);

  const all = await until(
    'every delivery to be final (the cloud speaker’s queued broadcasts once its status says played, polled every 5 s)',
    async () => {
      const ds = await a.deliveries({ warning: episode });
      return ds.every(final) && ds.some((d) => d.channel === 'speaker' && d.tier === null) && ds;
    },
    20_000,
    out,
  );
  const elapsed = Date.now() - started;

  // (a) again, for every SMS of the episode: one message per delivery, merged texts included.
  const smsDeliveries = all.filter((d) => d.channel === 'sms');
  assert.equal(smsDeliveries.length, 22 + 24 + 24 + 22);
  for (const d of smsDeliveries) {
    assert.equal(d.state, 'delivered', `${d.key}: ${JSON.stringify(d.history)}`);
    assert.equal(center.messages().filter((m) => m.to === phoneOf(d) && m.text.includes(d.text)).length, 1, d.key);
  }
  assert.ok(center.messages().every((m) => m.dataCoding === 8 && PHONES.has(m.to)));
  assert.ok(center.messages().some((m) => m.parts === 1) && center.messages().some((m) => m.parts >= 2));
  assert.equal(center.incomplete(), 0);

  // (b) the live speakers played orange, red and the lift, each once.
  const speakerDs = all.filter((d) => d.channel === 'speaker-mqtt');
  assert.equal(speakerDs.length, 9);
  for (const dev of ['DA-001', 'XA-001']) {
    const mine = speakerDs.filter((d) => d.recipient.kind === 'speaker' && d.recipient.device === dev);
    assert.deepEqual(mine.map((d) => d.state), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual(fleet.played().filter((p) => p.device === dev).map((p) => p.text), mine.map((d) => d.text));
  }
  assert.deepEqual(fleet.repeats(), []);

  // (d) the dead speaker: two attempts, each timed out, then the cloud took over.
  const dead = speakerDs.filter((d) => d.recipient.kind === 'speaker' && d.recipient.device === DEAD_DEVICE);
  assert.equal(dead.length, 3);
  assert.equal(fleet.played().filter((p) => p.device === DEAD_DEVICE).length, 0);
  assert.ok(fleet.received().filter((r) => r.device === DEAD_DEVICE).length >= 2 * 2, 'it took the commands and never answered');
  for (const d of dead) {
    assert.equal(d.state, 'failed');
    assert.equal(d.attempts, 2);
    assert.equal(d.history.at(-1)!.detail, `no acknowledgement within ${ACK_TIMEOUT_MS / 1000}s; handed to speaker`);
    const fallback = all.find((f) => f.fallbackOf === d.key);
    assert.ok(fallback, `a fallback for ${d.key}`);
    assert.deepEqual([fallback.channel, fallback.state, fallback.history.at(-1)!.detail], ['speaker', 'delivered', 'receipt played']);
    assert.match(fallback.ref ?? '', /^task-\d+$/);
    assert.ok(cloud.played().some((p) => p.device === DEAD_DEVICE && p.taskId === fallback.ref && p.text.includes(d.text)));
  }
  const deadOrangeFailedAt = dead.find((d) => d.key === orangeKey(DEAD_DEVICE))!.history.at(-1)!.at;
  const redDeliveredAt = Math.max(...red.map((d) => d.history.at(-1)!.at));
  assert.ok(redDeliveredAt < deadOrangeFailedAt, 'the red SMS were all delivered before the dead speaker was given up on');
  t.diagnostic(`the red SMS were all delivered ${deadOrangeFailedAt - redDeliveredAt} ms before the dead speaker's orange went to the cloud`);

  // The webhook: each event once, signed.
  const webhook = all.filter((d) => d.channel === 'webhook');
  assert.deepEqual(webhook.map((d) => d.state), ['delivered', 'delivered', 'delivered', 'delivered']);
  assert.equal(hook.posts.length, 4);
  for (const p of hook.posts) assert.equal(p.headers['x-seed-signature'], `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(p.body).digest('hex')}`);
  assert.deepEqual(hook.posts.map((p) => (JSON.parse(p.body) as { events: { kind: string; tier: string | null }[] }).events.map((e) => `${e.kind} ${e.tier}`)), [['issued yellow'], ['upgraded orange'], ['upgraded red'], ['lifted null']]);

  // (c) the CAP feed: four messages, each valid CAP 1.2, the Updates and the Cancel referencing the Alert.
  const atom = await a.text('/cap/feed.atom');
  const links = [...atom.matchAll(/<link rel="alternate" type="application\/cap\+xml" href="([^"]+)"\/>/g)].map((m) => m[1]!);
  assert.equal(links.length, 4, atom);
  const docs = await Promise.all(links.map((l) => fetch(l).then((r) => r.text())));
  const files = docs.map((xml, i) => {
    const file = join(w.dir, `cap-${i}.xml`);
    writeFileSync(file, xml);
    return file;
  });
  execFileSync('xmllint', ['--noout', '--schema', CAP_XSD, ...files], { stdio: 'pipe' });
  const field = (xml: string, name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';
  const byType = (type: string) => docs.filter((x) => field(x, 'msgType') === type);
  assert.deepEqual(['Alert', 'Update', 'Cancel'].map((type) => byType(type).length), [1, 2, 1]);
  const alert = byType('Alert')[0]!;
  const reference = `${field(alert, 'sender')},${field(alert, 'identifier')},${field(alert, 'sent')}`;
  assert.match(field(alert, 'identifier'), /^350122001\d{5}_\d{14}_\d+$/);
  for (const later of [...byType('Update'), ...byType('Cancel')]) assert.ok(field(later, 'references').split(' ').includes(reference), `${field(later, 'references')} names ${reference}`);
  assert.ok(docs.every((x) => x.includes('<language>zh-CN</language>') && x.includes('<geocode>')));

  // Stop; the approvals are in the audit, with who and why.
  seed.child.kill('SIGTERM');
  assert.equal(await seed.exited, 0, out());
  assert.ok(!out().includes(SMPP_PASSWORD) && !out().includes(CLOUD_TOKEN) && !out().includes(WEBHOOK_SECRET), 'no secret is printed');
  const store = await openDuckDbStore(w.store);
  try {
    const audit = await store.audit('approve');
    assert.deepEqual(
      audit.map(({ action, value, by, reason }) => ({ action, value, by, reason })),
      [
        { action: 'approve', value: episode, by: 'duty-zhang', reason: '水位仍在上涨，同意向公众发布' },
        { action: 'approve', value: episode, by: 'duty-zhang', reason: '超历史最高水位，立即发布' },
      ],
    );
  } finally {
    await store.close();
  }
  t.diagnostic(`flow done ${elapsed} ms after start; ${center.messages().length} SMS (${center.submits()} submit_sm), ${fleet.played().length} plays, ${cloud.played().length} cloud plays`);
});

test('SIGKILL in the middle of sending to 22 people, start again: every SMS arrives, none twice unless it was in doubt', async (t) => {
  const started = Date.now();
  const w = await world(t, 'alerting-kill');
  // Receipts come late: the first run is killed before any arrives, so they wait in the SMSC for the next bind.
  const { center, channel } = await w.sms({ submitDelayMs: 100, receiptDelayMs: 1500 });
  const config = w.writeConfig(SMS_ROUTES, [channel]);
  const first = await startSeed(config);
  await w.publish(4.2, 5.3);
  const KILL_AT = 20;
  await until('the SMSC to have some submits', () => center.submits() >= KILL_AT, 15_000, first.output);
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null);
  const atKill = { submits: center.submits(), messages: center.messages().length, incomplete: center.incomplete(), receipts: center.receipts().length };
  assert.equal(atKill.receipts, 0, 'no receipt reached the first run');

  const second = await startSeed(config);
  assert.ok(second.resumed.resumed > 0, second.output());
  const a = api(second);
  const ds = await until(
    'every SMS delivery to be final after the restart',
    async () => {
      const got = await a.deliveries({ channel: 'sms' });
      return got.length === 22 && got.every(final) && got;
    },
    20_000,
    second.output,
  );
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.output());

  const inDoubt = ds.filter((d) => d.history.some((h) => h.detail?.startsWith('in doubt after a restart')));
  let duplicates = 0;
  assert.deepEqual(new Set(ds.map(phoneOf)), PHONES);
  for (const d of ds) {
    assert.equal(d.state, 'delivered', `${d.key}: ${JSON.stringify(d.history)}`);
    const n = center.messages().filter((m) => m.to === phoneOf(d) && m.text === d.text).length;
    const doubted = inDoubt.includes(d);
    assert.ok(n >= 1, `lost: ${d.key}`);
    assert.ok(doubted ? n <= 2 : n === 1, `${d.key} arrived ${n} times (in doubt: ${doubted})`);
    if (n === 2) duplicates++;
  }
  const totalSubmits = center.submits();
  assert.ok(atKill.submits < totalSubmits, 'killed before the SMSC had everything');
  assert.ok(inDoubt.length >= 1, 'the kill caught attempts mid-send');
  assert.ok(inDoubt.length <= CONCURRENCY, `${inDoubt.length} in doubt, at most ${CONCURRENCY} can be in flight`);
  assert.equal(second.resumed.inDoubt, inDoubt.length, 'the start line says how many were in doubt');
  t.diagnostic(
    `kill at ${atKill.submits} submit_sm (${atKill.messages} whole SMS, ${atKill.incomplete} parts of unfinished ones); ${second.resumed.resumed} resumed, ${inDoubt.length} in doubt, ${duplicates} arrived twice; ${totalSubmits} submit_sm, ${center.messages().length} SMS in all; ${Date.now() - started} ms`,
  );
});
