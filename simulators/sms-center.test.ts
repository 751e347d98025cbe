// The SMSC simulator against the engine's own SMPP driver (SmppChannel) and against a bare SMPP
// client for what the driver never does (parts out of order, submit before bind).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import smpp, { type PDU, type Session } from 'smpp';
import type { Message, Receipt } from '../alerting/channel.ts';
import { SmppChannel } from '../alerting/channels/smpp-channel.ts';
import { startSmsCenter, type SmsCenter, type SmsCenterOptions } from './sms-center.ts';

const PHONE = '+8613800000001';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(over: Partial<SmsCenterOptions> = {}, password = 'smsc-pw'): Promise<{ center: SmsCenter; channel: SmppChannel; receipts: Receipt[] }> {
  const center = await startSmsCenter({ systemId: 'seed', password: 'smsc-pw', ...over });
  cleanups.push(() => center.stop());
  const channel = new SmppChannel({ host: '127.0.0.1', port: center.port, systemId: 'seed', password, sourceAddr: '10690001' });
  cleanups.push(() => channel.close());
  const receipts: Receipt[] = [];
  channel.onReceipt((r) => void receipts.push(r));
  return { center, channel, receipts };
}

const sms = (text: string, phone = PHONE): Message => ({
  key: 'k',
  recipient: { kind: 'person', id: 'p', name: '张三', phone },
  lang: 'zh',
  title: '',
  text,
  tier: 'yellow',
  priority: 3,
  events: [],
});

test('a short Chinese SMS arrives as UCS2, whole, with its receipt folded to the message ref', async () => {
  const { center, channel, receipts } = await setup();
  assert.match(center.url, /^smpp:\/\/127\.0\.0\.1:\d+$/);
  const out = await channel.send(sms('水位超警戒，请立即撤离。'));
  assert.equal(out.state, 'sent');
  const [m] = center.messages();
  assert.ok(m);
  assert.deepEqual({ ...m, at: 0 }, { id: out.state === 'sent' ? out.ref : '', from: '10690001', to: PHONE, text: '水位超警戒，请立即撤离。', at: 0, parts: 1, dataCoding: 8 });
  await until(() => receipts.length === 1 && center.receipts().length === 1, 'the receipt, answered');
  assert.deepEqual({ ...receipts[0], at: 0 }, { ref: m.id, state: 'delivered', detail: 'DELIVRD', at: 0 });
  assert.deepEqual(center.receipts(), [{ id: m.id, to: PHONE, stat: 'DELIVRD', bind: 1 }]);
  assert.deepEqual([center.submits(), center.binds()], [1, 1]);
});

test('a long Chinese SMS goes as concatenated parts, is reassembled exactly, and each part is receipted', async () => {
  const { center, channel, receipts } = await setup();
  const text = '【连江县预警信息发布中心】敖江水位已超过保证水位，沿河低洼地带群众请立即转移到安全地带，停止涉水和户外活动。'.repeat(3);
  assert.ok(text.length > 134 && text.length <= 201, 'three UCS2 parts');
  const out = await channel.send(sms(text));
  assert.equal(out.state, 'sent');
  assert.equal(center.submits(), 3);
  const [m] = center.messages();
  assert.ok(m);
  assert.deepEqual([m.text, m.parts, m.dataCoding, m.id], [text, 3, 8, out.state === 'sent' ? out.ref : '']);
  assert.equal(center.incomplete(), 0);
  await until(() => center.receipts().length === 3 && receipts.length === 1, 'three part receipts, one message receipt');
  assert.equal(receipts[0]!.state, 'delivered');
});

test('GSM 03.38 text (with extension characters) comes through as data_coding 0', async () => {
  const { center, channel } = await setup();
  const text = 'Flood warning [Orange] at H01: stage 6.5 m > 6.2 m {guaranteed}; cost 0€';
  await channel.send(sms(text));
  const [m] = center.messages();
  assert.deepEqual([m?.text, m?.dataCoding], [text, 0]);
});

test('throttleEvery: every Nth submit_sm is refused with ESME_RTHROTTLED and counted', async () => {
  const { center, channel } = await setup({ throttleEvery: 2 });
  assert.equal((await channel.send(sms('一'))).state, 'sent');
  assert.deepEqual(await channel.send(sms('二')), { state: 'failed', reason: 'SMSC refused submit_sm: ESME_RTHROTTLED (0x58)', retry: true, afterMs: 1000 });
  assert.equal((await channel.send(sms('三'))).state, 'sent');
  assert.equal(center.submits(), 3);
  assert.deepEqual(center.messages().map((m) => m.text), ['一', '三']);
});

test('undeliverable numbers get UNDELIV receipts (matched by digits)', async () => {
  const { center, channel, receipts } = await setup({ undeliverable: ['8613800000009'] });
  const bad = await channel.send(sms('撤离', '+8613800000009'));
  const good = await channel.send(sms('撤离'));
  await until(() => receipts.length === 2 && center.receipts().length === 2, 'two receipts, answered');
  const byRef = new Map(receipts.map((r) => [r.ref, `${r.state} ${r.detail}`]));
  assert.equal(byRef.get(bad.state === 'sent' ? bad.ref! : ''), 'failed UNDELIV');
  assert.equal(byRef.get(good.state === 'sent' ? good.ref! : ''), 'delivered DELIVRD');
  assert.deepEqual(center.receipts().map((r) => r.stat).sort(), ['DELIVRD', 'UNDELIV']);
});

test('submitDelayMs holds the response, receiptDelayMs the receipt after it', async () => {
  const { center, channel, receipts } = await setup({ submitDelayMs: 120, receiptDelayMs: 150 });
  const t0 = Date.now();
  const out = await channel.send(sms('撤离'));
  const took = Date.now() - t0;
  assert.equal(out.state, 'sent');
  assert.ok(took >= 110, `submit_sm_resp after ${took} ms`);
  assert.equal(center.messages().length, 1, 'the part reached the SMSC before its response');
  assert.equal(receipts.length, 0);
  await until(() => receipts.length === 1 && center.receipts().length === 1, 'the receipt, answered');
  assert.ok(Date.now() - t0 >= 260);
});

test('a wrong password is refused with ESME_RINVPASWD and nothing is bound', async () => {
  const { center, channel } = await setup({}, 'wrong');
  const out = await channel.send(sms('撤离'));
  assert.ok(out.state === 'failed' && !out.retry && /ESME_RINVPASWD/.test(out.reason), JSON.stringify(out));
  assert.deepEqual([center.binds(), center.submits()], [0, 0]);
});

test('receipts the ESME was not there for are kept and sent when it binds again', async () => {
  const { center, channel } = await setup({ receiptDelayMs: 150 });
  const first = await channel.send(sms('第一条'));
  await channel.close(); // unbound before the receipt is due
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(center.receipts(), []);
  const again = new SmppChannel({ host: '127.0.0.1', port: center.port, systemId: 'seed', password: 'smsc-pw', sourceAddr: '10690001' });
  cleanups.push(() => again.close());
  const receipts: Receipt[] = [];
  again.onReceipt((r) => void receipts.push(r));
  await again.send(sms('第二条'));
  // Each receipt is answered once its listener has taken it, so the SMSC counts it a moment later.
  await until(() => receipts.length === 2 && center.receipts().length === 2, 'both receipts on the new bind, answered');
  // The old message's receipt comes under its own id, which was the ref the first send gave.
  assert.ok(receipts.some((r) => first.state === 'sent' && r.ref === first.ref && r.state === 'delivered'));
  assert.equal(center.binds(), 2);
  assert.deepEqual(center.receipts().map((r) => r.bind), [2, 2]);
});

/** A bare SMPP client on the simulator. */
async function client(center: SmsCenter): Promise<{ session: Session; request: (command: string, params?: Record<string, unknown>) => Promise<PDU> }> {
  const session = smpp.connect({ host: '127.0.0.1', port: center.port });
  session.on('error', () => undefined);
  await new Promise((r) => session.once('connect', r));
  cleanups.push(() => new Promise<void>((r) => session.destroy(() => r())));
  const request = (command: string, params: Record<string, unknown> = {}): Promise<PDU> => new Promise((resolve) => session.send(new smpp.PDU(command, params), resolve));
  return { session, request };
}

test('bare SMPP: submit before bind is refused, enquire_link is answered, parts out of order are reassembled', async () => {
  const center = await startSmsCenter({ systemId: 'seed', password: 'smsc-pw' });
  cleanups.push(() => center.stop());
  const { session, request } = await client(center);
  const part = (seq: number, text: string): Record<string, unknown> => ({
    source_addr: '10690001',
    dest_addr_ton: 2,
    destination_addr: '13800000002',
    esm_class: 0x40,
    data_coding: 8,
    short_message: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x2a, 2, seq]), Buffer.from(text, 'utf16le').swap16()]),
  });
  assert.equal((await request('submit_sm', part(1, '甲'))).command_status, smpp.errors.ESME_RINVBNDSTS);
  const bind = await request('bind_transceiver', { system_id: 'seed', password: 'smsc-pw', interface_version: 0x34 });
  assert.deepEqual([bind.command, bind.command_status, bind.system_id], ['bind_transceiver_resp', 0, 'SEEDSMSC']);
  assert.equal((await request('enquire_link')).command, 'enquire_link_resp');
  const receipts: PDU[] = [];
  session.on('deliver_sm', (pdu: PDU) => {
    receipts.push(pdu);
    session.send(pdu.response());
  });
  const second = await request('submit_sm', part(2, '乙丙'));
  assert.equal(center.incomplete(), 1);
  const first = await request('submit_sm', part(1, '甲'));
  assert.equal(center.incomplete(), 0);
  assert.deepEqual(
    center.messages().map((m) => [m.id, m.to, m.text, m.parts]),
    [[first.message_id, '13800000002', '甲乙丙', 2]],
  );
  await until(() => receipts.length === 2, 'a receipt per part');
  const r = receipts.find((x) => x.receipted_message_id === second.message_id);
  assert.ok(r);
  assert.equal(r.esm_class, 0x04);
  assert.equal(r.message_state, 2);
  assert.match((r.short_message as { message: string }).message, new RegExp(`^id:${String(second.message_id)} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:`));
  assert.equal(center.submits(), 3);
});
