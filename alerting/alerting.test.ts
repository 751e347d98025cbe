import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openDuckDbStore } from '../engine/store/duckdb-store.ts';
import type { Store } from '../engine/store/store.ts';
import type { WarningEvent } from '../engine/warning.ts';
import { Alerting } from './alerting.ts';
import { loadTemplates } from './templates.ts';
import { fixtures, T0, TestChannel, warning } from './test-fixtures.ts';

const MIN = 60_000;
const templates = loadTemplates();

async function setup(opts: { store?: Store; tags?: Record<string, string[]>; channels?: TestChannel[] } = {}) {
  const { contacts, routing } = fixtures();
  const store = opts.store ?? (await openDuckDbStore(':memory:'));
  if (!opts.store) after(() => store.close());
  const clock = { now: T0 };
  const channels = opts.channels ?? [new TestChannel('sms', 'person'), new TestChannel('speaker', 'speaker'), new TestChannel('speaker-mqtt', 'speaker'), new TestChannel('webhook', 'endpoint')];
  const { alerting, resumed, inDoubt } = await Alerting.open({
    store,
    channels,
    routing,
    contacts,
    templates,
    tagsOf: (s) => opts.tags?.[s] ?? [],
    clock: () => clock.now,
    backoffMs: 1000,
  });
  const [sms, speaker, mqtt, webhook] = channels as [TestChannel, TestChannel, TestChannel, TestChannel];
  /** Move the clock, tick, and let every attempt finish (or those on the channels named). */
  const at = async (t: number, channels?: string[]) => {
    clock.now = t;
    await alerting.tick();
    await alerting.outbox.idle(channels);
  };
  const send = async (...events: WarningEvent[]) => {
    await alerting.write(events);
    await alerting.outbox.idle();
  };
  return { alerting, store, clock, sms, speaker, mqtt, webhook, at, send, resumed, inDoubt, channels };
}

describe('dissemination', () => {
  it('routes by the tree: duty always, the public route by domain, tier and region, its child by tag; waits the grouping interval', async () => {
    const t = await setup();
    await t.send(warning({ tier: 'yellow' }));
    assert.equal(t.sms.sent.length, 0, 'nothing before the 30 s grouping wait');
    await t.at(T0 + 30_000);
    assert.deepEqual(t.sms.sent.map((m) => m.recipient.id).sort(), ['chen', 'li', 'wang', 'zhang'], 'duty group plus people covering 350122 (wang 3501, chen 35); lin (350181) not');
    assert.deepEqual(t.speaker.sent.map((m) => m.recipient.id).sort(), ['SPK-P01', 'SPK-P02'], 'speakers of the region, none in 350181');
    assert.equal(t.webhook.sent.length, 0, 'the coastal child route does not match an untagged station');
    const zh = t.sms.to('zhang')[0]!;
    assert.match(zh.text, /潘渡水文站发布河道水位超警黄色预警（III级）：水位5\.6米（预警值5\.5米）。/);
    assert.match(t.sms.to('wang')[0]!.text, /Yellow \(III\) River flood stage warning for 潘渡水文站: stage 5\.6 m \(threshold 5\.5 m\)/);
    assert.equal(zh.priority, 3);

    const coastal = await setup({ tags: { H09: ['coastal'] } });
    await coastal.send(warning({ tier: 'yellow', entity: 'H09' }));
    await coastal.at(T0 + 30_000);
    assert.deepEqual(coastal.webhook.sent.map((m) => m.recipient.id), ['county-platform'], 'the child route applies instead of its parent');
    assert.equal(coastal.sms.sent.length, 2, 'only the duty group: the child has no people target');
    const blue = await setup();
    await blue.send(warning({ tier: 'blue' }));
    await blue.at(T0 + 30_000);
    assert.equal(blue.speaker.sent.length, 0, 'blue is below the public route');
  });

  it('groups simultaneous warnings into one message per recipient and channel', async () => {
    const t = await setup();
    await t.send(warning({ tier: 'yellow', entity: 'H01' }), warning({ tier: 'yellow', entity: 'H02', at: T0 + 10_000 }));
    await t.at(T0 + 45_000);
    assert.equal(t.sms.to('zhang').length, 1, 'one SMS for two warnings');
    assert.equal(t.sms.to('zhang')[0]!.text.split('\n').length, 2);
    const rows = await t.alerting.deliveries({ states: ['delivered'] });
    assert.equal(rows.filter((d) => d.recipient.id === 'zhang').length, 2, 'each warning × recipient × channel is its own delivery');
  });

  it('a Red is never muted; a silenced lower tier is not sent', async () => {
    const t = await setup();
    await t.send(warning({ tier: 'yellow', suppressed: true }), warning({ tier: 'red', entity: 'H02', suppressed: true }));
    await t.at(T0 + 30_000);
    assert.ok(t.sms.sent.length > 0);
    assert.deepEqual([...new Set(t.sms.sent.map((m) => /红色|Red/.test(m.text)))], [true], 'only the red one went out');
  });

  it('holds public channels for approval at orange, sends the rest, releases on approval with who and why recorded', async () => {
    const t = await setup();
    await t.send(warning({ tier: 'orange' }));
    await t.at(T0 + 30_000);
    assert.equal(t.speaker.sent.length, 0, 'speakers wait for approval');
    const asks = t.sms.sent.filter((m) => m.text.startsWith('【待审批】'));
    assert.deepEqual(asks.map((m) => m.recipient.id).sort(), ['li', 'zhang'], 'the approvers are asked');
    assert.ok(t.sms.to('wang').length === 1, 'SMS to people is not held');
    const [ep] = t.alerting.episodes();
    const r = await t.alerting.approve(ep!.key, true, 'zhang', 'confirmed by phone with the station');
    assert.deepEqual(r, { released: 2 });
    await t.at(T0 + 31_000);
    assert.equal(t.speaker.sent.length, 2);
    const audit = await t.store.audit('approve');
    assert.equal(audit[0]!.by, 'zhang');
    assert.equal(audit[0]!.reason, 'confirmed by phone with the station');
    assert.deepEqual(await t.alerting.approve(ep!.key, true, 'li', 'again'), { error: `episode "${ep!.key}" has nothing awaiting approval` });
  });

  it('a rejection or a lift before approval cancels the held messages; the lift goes only to those who heard the warning', async () => {
    const t = await setup();
    await t.send(warning({ tier: 'orange' }));
    await t.at(T0 + 30_000);
    await t.send(warning({ kind: 'lifted', tier: null, previousTier: 'orange', at: T0 + 5 * MIN, issuedAt: T0 }));
    await t.at(T0 + 6 * MIN);
    assert.equal(t.speaker.sent.length, 0, 'speakers never announced it, so they do not announce the lift');
    assert.equal(t.sms.to('wang').filter((m) => m.text.includes('lifted')).length, 1);
    const held = await t.alerting.deliveries({ states: ['cancelled'] });
    assert.equal(held.length, 2);
    assert.match(held[0]!.history.at(-1)!.detail!, /lifted before approval/);

    const r = await setup();
    await r.send(warning({ tier: 'red' }));
    const [ep] = r.alerting.episodes();
    await r.alerting.approve(ep!.key, false, 'li', 'gauge fault, not real');
    await r.at(T0 + 60 * MIN);
    assert.equal(r.speaker.sent.length, 0);
  });

  it('approves by itself after the wait only when the warning is still rising', async () => {
    const rising = await setup();
    await rising.send(warning({ tier: 'orange', values: [5.9] }));
    await rising.send(warning({ kind: 'renotified', tier: 'orange', values: [5.9, 6.1], at: T0 + 10 * MIN, issuedAt: T0 }));
    await rising.at(T0 + 14 * MIN);
    assert.equal(rising.speaker.sent.length, 0);
    await rising.at(T0 + 15 * MIN);
    assert.equal(rising.speaker.sent.length, 2, 'auto-approved at 15 min');
    assert.match((await rising.alerting.deliveries({ channel: 'speaker' }))[0]!.history.map((h) => h.detail ?? '').join(' '), /auto-approved/);

    const falling = await setup();
    await falling.send(warning({ tier: 'orange', values: [6.2] }));
    await falling.send(warning({ kind: 'renotified', tier: 'orange', values: [6.2, 6.0], at: T0 + 10 * MIN, issuedAt: T0 }));
    await falling.at(T0 + 60 * MIN);
    assert.equal(falling.speaker.sent.length, 0, 'falling: waits for a person');
  });

  it('escalates up the ladder when nobody acknowledges, and stops when someone does', async () => {
    const t = await setup();
    await t.send(warning({ tier: 'orange' }));
    await t.at(T0 + 9 * MIN);
    assert.equal(t.sms.sent.filter((m) => m.text.includes('逐级上报') || m.text.includes('escalated')).length, 0);
    await t.at(T0 + 10 * MIN);
    assert.deepEqual(t.sms.sent.filter((m) => m.text.includes('escalated')).map((m) => m.recipient.id), ['wang'], 'chiefs after 10 min');
    await t.at(T0 + 20 * MIN);
    assert.deepEqual(t.sms.sent.filter((m) => m.text.includes('逐级上报')).map((m) => m.recipient.id), ['chen'], 'director after 20 min');

    const acked = await setup();
    await acked.send(warning({ tier: 'orange' }));
    await acked.at(T0 + 5 * MIN);
    const [ep] = acked.alerting.episodes();
    const r = await acked.alerting.acknowledge(ep!.key, 'zhang', 'on it');
    assert.deepEqual(r, { acknowledged: 2 }, 'the warning and the request for approval zhang was sent');
    await acked.at(T0 + 30 * MIN);
    assert.equal(acked.sms.sent.filter((m) => m.text.includes('escalated') || m.text.includes('逐级上报')).length, 0);
    assert.deepEqual([...new Set((await acked.alerting.deliveries({ states: ['acknowledged'] })).map((d) => d.recipient.id))], ['zhang']);
  });

  it('retries with backoff, then hands over to the fallback channel; a hung channel never holds up another', async () => {
    const t = await setup({ tags: { V1: ['port:P01'] } });
    t.mqtt.answer(
      { state: 'failed', reason: 'no acknowledgement within 30s', retry: true },
      { state: 'failed', reason: 'busy', retry: true, afterMs: 5000 },
      { state: 'failed', reason: 'no acknowledgement within 30s', retry: true },
    );
    t.sms.answer('hang', 'hang');
    const e = warning({ tier: 'yellow', domain: 'vessel', entity: 'V1', rule: 'no-fishing-entry' });
    await t.alerting.write([e]);
    const SPEAKERS = ['speaker-mqtt', 'speaker'];
    await t.at(T0 + 30_000, SPEAKERS);
    assert.equal(t.mqtt.sent.length, 1);
    await t.at(T0 + 30_000 + 999, SPEAKERS);
    assert.equal(t.mqtt.sent.length, 1, 'backoff 1 s not yet over');
    await t.at(T0 + 31_000, SPEAKERS);
    assert.equal(t.mqtt.sent.length, 2);
    await t.at(T0 + 33_000, SPEAKERS);
    assert.equal(t.mqtt.sent.length, 2, 'throttle hint of 5 s beats the 2 s backoff');
    await t.at(T0 + 36_000, SPEAKERS);
    assert.equal(t.mqtt.sent.length, 3);
    assert.equal(t.speaker.sent.length, 1, 'after 3 attempts the HTTP speaker channel takes over');
    const [failed] = await t.alerting.deliveries({ channel: 'speaker-mqtt' });
    assert.equal(failed!.state, 'failed');
    assert.match(failed!.history.at(-1)!.detail!, /handed to speaker/);
    const [fb] = await t.alerting.deliveries({ channel: 'speaker' });
    assert.equal(fb!.fallbackOf, failed!.key);
    assert.equal(fb!.state, 'delivered');
    assert.equal(t.sms.sent.length, 2, 'the two SMS hang, and did not stop the speakers');
  });

  it('maps receipts to delivery states, and a restart resumes: queued ones go out, in-doubt ones are sent again, delivered ones never', async () => {
    const store = await openDuckDbStore(':memory:');
    const first = await setup({ store });
    first.sms.answer({ state: 'sent', ref: 'm1' }, { state: 'sent', ref: 'm2' });
    await first.send(warning({ tier: 'yellow' }));
    await first.at(T0 + 30_000);
    first.sms.receipt({ ref: 'm1', state: 'delivered', detail: 'DELIVRD', at: T0 + 40_000 });
    await first.alerting.outbox.idle();
    const states = new Map((await store.deliveries({ channel: 'sms' })).map((d) => [d.ref, d.state]));
    assert.equal(states.get('m1'), 'delivered');
    // A second warning: its SMS are queued; one attempt is caught mid-send when the process dies.
    await first.send(warning({ tier: 'yellow', entity: 'H02', at: T0 + 60_000 }));
    const rows = await store.deliveries({ warning: `river-stage|H02|${T0 + 60_000}`, channel: 'sms' });
    assert.equal(rows.length, 4, 'zhang, li, wang and chen');
    await store.saveAlerting({ deliveries: [{ ...rows[0]!, state: 'sending', attempts: 1 }] });

    const second = await setup({ store });
    assert.equal(second.inDoubt, 1);
    await second.at(T0 + 120_000);
    assert.equal(second.sms.sent.length, 4, 'the three queued and the one in doubt; nothing of the first warning again');
    await second.send(warning({ tier: 'yellow', entity: 'H02', at: T0 + 60_000 }));
    await second.at(T0 + 200_000);
    assert.equal(second.sms.sent.length, 4, 'a replayed event adds nothing');
    const m2 = (await store.deliveries({ channel: 'sms' })).find((d) => d.ref === 'm2')!;
    assert.equal(m2.state, 'sent', 'still waiting for its receipt after the restart');
    second.sms.receipt({ ref: 'm2', state: 'failed', detail: 'UNDELIV', at: T0 + 210_000 });
    await second.alerting.outbox.idle();
    const after = (await store.deliveries({ keys: [m2.key] }))[0]!;
    assert.equal(after.state, 'queued', 'an undelivered SMS is tried again');
    assert.match(after.history.at(-1)!.detail!, /receipt UNDELIV/);
  });

  it('a failed receipt the channel marks as not worth repeating fails the delivery at once, without a retry', async () => {
    const t = await setup();
    t.sms.answer({ state: 'sent', ref: 'task-1' });
    await t.send(warning({ tier: 'yellow' }));
    await t.at(T0 + 30_000);
    t.sms.receipt({ ref: 'task-1', state: 'failed', detail: 'failed: speaker offline', at: T0 + 40_000, retry: false });
    await t.alerting.outbox.idle();
    const d = (await t.store.deliveries({ channel: 'sms' })).find((x) => x.ref === 'task-1')!;
    assert.deepEqual([d.state, d.attempts], ['failed', 1]);
    assert.match(d.history.at(-1)!.detail!, /receipt failed: speaker offline/);
    await t.at(T0 + 600_000);
    assert.equal(t.sms.sent.filter((m) => m.key === d.key).length, 1, 'never sent again');
  });
});

describe('manual actions', () => {
  it('a forecaster issues, re-tiers and lifts by hand; each is stored, disseminated and audited; a lift closes the episode to the rule', async () => {
    const t = await setup();
    const station = { id: 'H07', name: '东岱水闸 Dongdai sluice', domain: 'hydrology', lon: 119.6, lat: 26.3, region: '350122', tags: [], params: {} };
    const { contacts, routing } = fixtures();
    const { alerting } = await Alerting.open({ store: t.store, channels: t.channels, routing, contacts, templates, tagsOf: () => [], stationOf: (id) => (id === 'H07' ? station : undefined), clock: () => t.clock.now });
    assert.deepEqual(await alerting.manual({ action: 'issue', station: 'H99', tier: 'yellow', by: 'zhang', reason: 'x' }), { error: 'no station "H99"' });
    const issued = await alerting.manual({ action: 'issue', station: 'H07', tier: 'yellow', title: '水闸险情 Sluice gate failure', by: 'zhang', reason: 'phoned in by the sluice keeper' });
    assert.ok('event' in issued);
    assert.equal(issued.event.kind, 'issued');
    assert.deepEqual(issued.event.manual, { by: 'zhang', reason: 'phoned in by the sluice keeper' });
    const episode = `manual|H07|${T0}`;
    t.clock.now = T0 + 10 * MIN;
    const up = await alerting.manual({ action: 'override', episode, tier: 'orange', by: 'zhang', reason: 'the gate will not close' });
    assert.ok('event' in up && up.event.kind === 'upgraded' && up.event.previousTier === 'yellow');
    assert.deepEqual(await alerting.manual({ action: 'override', episode, tier: 'orange', by: 'li', reason: 'again' }), { error: 'the warning is already orange' });
    t.clock.now = T0 + 40 * MIN;
    const lifted = await alerting.manual({ action: 'lift', episode, by: 'li', reason: 'gate closed by hand' });
    assert.ok('event' in lifted && lifted.event.kind === 'lifted');
    assert.deepEqual((await t.store.warnings({ entity: 'H07' })).map((e) => e.kind), ['issued', 'upgraded', 'lifted'], 'stored with the warnings');
    assert.deepEqual((await t.store.audit()).filter((a) => a.action.startsWith('manual-')).map((a) => `${a.action} ${a.by}`), ['manual-issue zhang', 'manual-override zhang', 'manual-lift li']);
    await alerting.outbox.idle();
    t.clock.now = T0 + 41 * MIN;
    await alerting.tick();
    await alerting.outbox.idle();
    const toZhang = t.sms.to('zhang').map((m) => m.text);
    assert.ok(toZhang.some((x) => x.includes('水闸险情') && x.includes('黄色')));
    assert.ok(toZhang.some((x) => x.includes('升级为橙色')));
    assert.ok(toZhang.some((x) => x.includes('解除')));
    // Lifted by a person, the episode is closed: the rule's later events of it are not sent.
    const before = t.sms.sent.length;
    const { manual: _manual, ...byRule } = issued.event;
    await alerting.write([{ ...byRule, id: 'late-upgrade', kind: 'upgraded', tier: 'red', previousTier: 'orange', at: T0 + 50 * MIN }]);
    t.clock.now = T0 + 60 * MIN;
    await alerting.tick();
    await alerting.outbox.idle();
    assert.equal(t.sms.sent.length, before);
  });
});
