// The SMPP channel against a real SMSC from the same `smpp` package on 127.0.0.1: the bind, the
// keep-alive, long Chinese text as UCS2 parts, receipts folded per message, throttling, refusals,
// timeouts and a dropped session bound again.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import smpp, { type PDU, type Session } from 'smpp';
import type { Message, Receipt } from '../channel.ts';
import { readReceipt, SmppChannel, smppAddress, type SmppOptions } from './smpp-channel.ts';

const DELIVERS = '8613800000001';
const UNDELIVERS = '8613800000002';
const THROTTLES_ONCE = '8613800000003';
const BAD_NUMBER = '8613800000004';
const SILENT = '8613800000005';

/** A test SMSC: checks the password, records what it is sent, answers with message ids and receipts every part. */
interface Smsc {
  port: number;
  binds: PDU[];
  submits: PDU[];
  enquireLinks: number;
  /** deliver_sm_resp for every receipt it sent. */
  receiptAnswers: PDU[];
  unbinds: number;
  /** With holdReceipts, the receipts not yet sent, each sent by calling it. */
  held: (() => void)[];
  sessions: Session[];
  stop(): Promise<void>;
}

interface SmscOptions {
  answerEnquireLink?: boolean;
  holdReceipts?: boolean;
}

async function startSmsc(opts: SmscOptions = {}): Promise<Smsc> {
  const smsc: Omit<Smsc, 'port' | 'stop'> = { binds: [], submits: [], enquireLinks: 0, receiptAnswers: [], unbinds: 0, held: [], sessions: [] };
  let nextId = 0x1000;
  const throttled = new Set<string>();
  const server = smpp.createServer((session) => {
    smsc.sessions.push(session);
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: PDU) => {
      smsc.binds.push(pdu);
      if (pdu.password !== 'secret') {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVPASWD }));
        session.close();
        return;
      }
      session.send(pdu.response({ system_id: 'TESTSMSC' }));
    });
    session.on('enquire_link', (pdu: PDU) => {
      smsc.enquireLinks++;
      if (opts.answerEnquireLink !== false) session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      smsc.unbinds++;
      session.send(pdu.response());
    });
    session.on('submit_sm', (pdu: PDU) => {
      smsc.submits.push(pdu);
      const dest = String(pdu.destination_addr);
      if (dest === SILENT) return;
      if (dest === THROTTLES_ONCE && !throttled.has(dest)) {
        throttled.add(dest);
        session.send(pdu.response({ command_status: smpp.errors.ESME_RTHROTTLED }));
        return;
      }
      if (dest === BAD_NUMBER) {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVDSTADR }));
        return;
      }
      const n = nextId++;
      const id = n.toString(16).toUpperCase();
      // Corked, so the response and an immediate receipt leave in one packet, as a busy SMSC's do.
      session.socket.cork();
      process.nextTick(() => session.socket.uncork());
      session.send(pdu.response({ message_id: id }));
      const stat = dest === UNDELIVERS ? 'UNDELIV' : 'DELIVRD';
      // The text gives the id in decimal, as some SMSCs do; the TLV's hex id is the one that matches.
      // The failing number gets the text alone, so both ways of reading a receipt are used.
      const withTlvs = dest !== UNDELIVERS;
      const text = `id:${withTlvs ? n : id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2607011200 done date:2607011201 stat:${stat} err:000 text:`;
      const receipt = new smpp.PDU('deliver_sm', {
        source_addr: dest,
        destination_addr: String(pdu.source_addr),
        esm_class: 0x04,
        data_coding: 0,
        short_message: Buffer.from(text, 'ascii'),
        ...(withTlvs ? { receipted_message_id: id, message_state: stat === 'DELIVRD' ? 2 : 5 } : {}),
      });
      const send = (): void => void session.send(receipt, (resp) => smsc.receiptAnswers.push(resp));
      if (opts.holdReceipts) smsc.held.push(send);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = async (): Promise<void> => {
    for (const s of server.sessions) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(smsc, { port, stop });
}

/** Poll until `cond` holds; fails the test after `ms`. */
async function until(cond: () => boolean, what: string, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Send from the SMSC and wait for the channel's answer; fails (never hangs) if the session is gone or silent. */
function ask(session: Session, command: string, params: Record<string, unknown> = {}): Promise<PDU> {
  return new Promise<PDU>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${command}`)), 1000);
    const sent = session.send(new smpp.PDU(command, params), (pdu) => {
      clearTimeout(timer);
      resolve(pdu);
    });
    if (!sent) {
      clearTimeout(timer);
      reject(new Error(`the session is closed: ${command} not sent`));
    }
  });
}

const message = (phone: string | undefined, text = '水位已超警戒，请立即撤离。', key = 'k1'): Message => ({
  key,
  recipient: { kind: 'person', id: 'p1', name: '张三', ...(phone === undefined ? {} : { phone }) },
  lang: 'zh',
  title: '',
  text,
  tier: 'red',
  priority: 1,
  events: [],
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Partial<SmppOptions> = {}, smscOpts: SmscOptions = {}) {
  const smsc = await startSmsc(smscOpts);
  cleanups.push(() => smsc.stop());
  const logs: string[] = [];
  const channel = new SmppChannel({
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'seed',
    password: 'secret',
    sourceAddr: '10690001',
    logger: { warn: (m) => logs.push(m) },
    ...extra,
  });
  cleanups.push(() => channel.close());
  const receipts: Receipt[] = [];
  channel.onReceipt((r) => void receipts.push(r));
  return { smsc, channel, receipts, logs };
}

/** The UCS2 text of a recorded submit_sm, as the package's decoder left it. */
const partText = (pdu: PDU): string => (pdu.short_message as { message: string }).message;
const partUdh = (pdu: PDU): Buffer[] => (pdu.short_message as { udh: Buffer[] }).udh;

test('binds as a transceiver on the first send, not before, and submits with a receipt requested', async () => {
  const { smsc, channel } = await setup();
  assert.equal(smsc.binds.length, 0);
  const out = await channel.send(message(`+${DELIVERS}`));
  assert.deepEqual(out, { state: 'sent', ref: '1000' });
  assert.equal(smsc.binds.length, 1);
  assert.equal(smsc.binds[0]!.command, 'bind_transceiver');
  assert.equal(smsc.binds[0]!.system_id, 'seed');
  assert.equal(smsc.binds[0]!.interface_version, 0x34);
  const [sm] = smsc.submits;
  assert.ok(sm);
  assert.equal(sm.registered_delivery, 1);
  assert.equal(sm.data_coding, 8);
  assert.equal(sm.esm_class, 0);
  assert.deepEqual([sm.dest_addr_ton, sm.dest_addr_npi, sm.destination_addr], [1, 1, DELIVERS]);
  assert.deepEqual([sm.source_addr_ton, sm.source_addr_npi, sm.source_addr], [0, 1, '10690001']);
  assert.equal(partText(sm), '水位已超警戒，请立即撤离。');
  // A second send reuses the bind.
  await channel.send(message(`+${DELIVERS}`));
  assert.equal(smsc.binds.length, 1);
});

test('a wrong password fails the send plainly, and not to be retried', async () => {
  const { channel } = await setup({ password: 'wrong' });
  const out = await channel.send(message(`+${DELIVERS}`));
  assert.equal(out.state, 'failed');
  assert.ok(out.state === 'failed' && !out.retry);
  assert.match(out.reason, /refused bind_transceiver as seed: ESME_RINVPASWD \(0x0e\)/);
});

test('enquire_link is sent on the interval and the SMSC’s own is answered', async () => {
  const { smsc, channel, logs } = await setup({ enquireLinkMs: 100 });
  await channel.send(message(`+${DELIVERS}`));
  const answer = await ask(smsc.sessions[0]!, 'enquire_link');
  assert.equal(answer.command, 'enquire_link_resp');
  assert.equal(answer.command_status, 0);
  await until(() => smsc.enquireLinks >= 2, 'two enquire_links', 1500);
  assert.deepEqual(logs, [], 'the answered link stays up');
});

test('an unanswered enquire_link drops the link and the next send binds again', async () => {
  const { smsc, channel, logs } = await setup({ enquireLinkMs: 30 }, { answerEnquireLink: false });
  await channel.send(message(`+${DELIVERS}`));
  await until(() => logs.some((l) => l.includes('closed')), 'the link to drop');
  assert.ok(logs.some((l) => /SMPP link dropped: no enquire_link_resp/.test(l)));
  assert.equal((await channel.send(message(`+${DELIVERS}`))).state, 'sent');
  assert.equal(smsc.binds.length, 2);
});

test('100 Chinese characters go as two UCS2 submit_sm with a concatenation UDH and reassemble exactly', async () => {
  const { smsc, channel, receipts } = await setup({}, { holdReceipts: true });
  const text = '【红色预警】受台风影响，青溪河水位已超过警戒线一点二米，预计两小时内继续上涨。请沿河低洼地带村民立即撤离至村委会或中心小学避险点，老人儿童优先转移。'.padEnd(100, '。');
  assert.equal(text.length, 100);
  const out = await channel.send(message(`+${DELIVERS}`, text));
  assert.equal(out.state, 'sent');
  assert.equal(smsc.submits.length, 2);
  const [a, b] = smsc.submits as [PDU, PDU];
  for (const sm of [a, b]) {
    assert.equal(sm.data_coding, 8);
    assert.equal(sm.esm_class, 0x40);
  }
  // The decoder hands the UDH back as its information elements (after the 05 length byte).
  const [udhA] = partUdh(a);
  const [udhB] = partUdh(b);
  assert.ok(udhA && udhB);
  const ref = udhA[2]!;
  assert.deepEqual(udhA, Buffer.from([0x00, 0x03, ref, 2, 1]));
  assert.deepEqual(udhB, Buffer.from([0x00, 0x03, ref, 2, 2]));
  assert.equal(partText(a).length, 67);
  assert.equal(partText(a) + partText(b), text);
  // One receipt for the message, only when both parts are delivered, under the ref the send gave.
  smsc.held.shift()!();
  await until(() => smsc.receiptAnswers.length === 1, 'the first part’s receipt answered');
  assert.deepEqual(receipts, []);
  smsc.held.shift()!();
  await until(() => smsc.receiptAnswers.length === 2, 'both receipts answered');
  assert.deepEqual(
    receipts.map(({ ref: r, state, detail }) => ({ ref: r, state, detail })),
    [{ ref: out.state === 'sent' ? out.ref : '', state: 'delivered', detail: 'DELIVRD' }],
  );
  // The next long message uses another concatenation reference.
  await channel.send(message(`+${DELIVERS}`, text));
  assert.notEqual(partUdh(smsc.submits[2]!)[0]![2], ref);
});

test('receipts map to delivered and failed under the right refs; a failing part fails the message once', async () => {
  const { smsc, channel, receipts } = await setup();
  const long = '请撤离'.repeat(30);
  const ok = await channel.send(message(`+${DELIVERS}`));
  // The receipt came in the packet with the submit_sm_resp, but is not given before the ref it is for.
  assert.equal(receipts.length, 0);
  const bad = await channel.send(message(`+${UNDELIVERS}`, long));
  assert.equal(ok.state, 'sent');
  assert.equal(bad.state, 'sent');
  await until(() => smsc.receiptAnswers.length === 3 && receipts.length === 2, 'three receipts answered');
  assert.ok(smsc.receiptAnswers.every((r) => r.command === 'deliver_sm_resp' && r.command_status === 0));
  assert.deepEqual(
    receipts.map(({ ref, state, detail }) => ({ ref, state, detail })),
    [
      { ref: ok.state === 'sent' && ok.ref, state: 'delivered', detail: 'DELIVRD' },
      { ref: bad.state === 'sent' && bad.ref, state: 'failed', detail: 'UNDELIV' },
    ],
  );
  assert.ok(receipts.every((r) => Math.abs(r.at - Date.now()) < 5000));
});

test('a message from a villager is answered and is not a receipt', async () => {
  const { smsc, channel, receipts } = await setup();
  await channel.send(message(`+${DELIVERS}`));
  await until(() => smsc.receiptAnswers.length === 1 && receipts.length === 1, 'the receipt');
  const answer = await ask(smsc.sessions[0]!, 'deliver_sm', { source_addr: DELIVERS, destination_addr: '10690001', esm_class: 0, short_message: 'id:ABCD stat:DELIVRD' });

  assert.equal(answer.command, 'deliver_sm_resp');
  assert.equal(receipts.length, 1);
});

test('ESME_RTHROTTLED fails with a retry after a second, and the next send goes through', async () => {
  const { channel } = await setup();
  const first = await channel.send(message(`+${THROTTLES_ONCE}`));
  assert.deepEqual(first, { state: 'failed', reason: 'SMSC refused submit_sm: ESME_RTHROTTLED (0x58)', retry: true, afterMs: 1000 });
  assert.equal((await channel.send(message(`+${THROTTLES_ONCE}`))).state, 'sent');
});

test('an invalid destination is refused for good', async () => {
  const { channel } = await setup();
  assert.deepEqual(await channel.send(message(`+${BAD_NUMBER}`)), {
    state: 'failed',
    reason: 'SMSC refused submit_sm: ESME_RINVDSTADR (0x0b)',
    retry: false,
  });
});

test('no phone, or no number in it, fails without a connection', async () => {
  const { smsc, channel } = await setup();
  assert.deepEqual(await channel.send(message(undefined)), { state: 'failed', reason: 'recipient p1 has no phone number', retry: false });
  const notNumber = await channel.send(message('call me'));
  assert.ok(notNumber.state === 'failed' && !notNumber.retry);
  const speaker = await channel.send({ ...message(undefined), recipient: { kind: 'speaker', id: 's1', name: 'x', device: 'd' } });
  assert.ok(speaker.state === 'failed' && !speaker.retry);
  assert.equal(smsc.binds.length, 0);
});

test('a submit_sm left unanswered times out, to be retried', async () => {
  const { channel } = await setup({ submitTimeoutMs: 100 });
  const t0 = Date.now();
  const out = await channel.send(message(`+${SILENT}`));
  assert.deepEqual(out, { state: 'failed', reason: 'no submit_sm_resp within 0.1s', retry: true });
  assert.ok(Date.now() - t0 < 1000);
});

test('a session the SMSC drops is bound again at the next send', async () => {
  const { smsc, channel, logs } = await setup();
  assert.equal((await channel.send(message(`+${DELIVERS}`))).state, 'sent');
  smsc.sessions[0]!.destroy();
  await until(() => logs.some((l) => l.includes('closed')), 'the channel to see the close');
  assert.equal((await channel.send(message(`+${DELIVERS}`))).state, 'sent');
  assert.equal(smsc.binds.length, 2);
  assert.equal(smsc.submits.length, 2);
});

test('no SMSC listening: the send fails, to be retried', async () => {
  const smsc = await startSmsc();
  await smsc.stop();
  const channel = new SmppChannel({ host: '127.0.0.1', port: smsc.port, systemId: 'seed', password: 'secret', sourceAddr: '10690001' });
  const out = await channel.send(message(`+${DELIVERS}`));
  assert.ok(out.state === 'failed' && out.retry);
  assert.match(out.reason, /SMPP bind to 127\.0\.0\.1:\d+ failed: connection closed: connect ECONNREFUSED/);
  await channel.close();
});

test('close unbinds; a send after close fails', async () => {
  const { smsc, channel } = await setup();
  await channel.send(message(`+${DELIVERS}`));
  await channel.close();
  assert.equal(smsc.unbinds, 1);
  assert.equal((await channel.send(message(`+${DELIVERS}`))).state, 'failed');
});

test('addresses: international with + or 00, a Chinese mobile national, a service code unknown', () => {
  assert.deepEqual(smppAddress('+86 138-0000-0001'), { ton: 1, npi: 1, addr: '8613800000001' });
  assert.deepEqual(smppAddress('008613800000001'), { ton: 1, npi: 1, addr: '8613800000001' });
  assert.deepEqual(smppAddress('13800000001'), { ton: 2, npi: 1, addr: '13800000001' });
  assert.deepEqual(smppAddress('10690001'), { ton: 0, npi: 1, addr: '10690001' });
  assert.equal(smppAddress('SEED'), null);
});

test('receipt reading: the TLV id wins over the text, the text stat over the TLV state', () => {
  const text = 'id:4096 sub:001 dlvrd:001 submit date:2607011200 done date:2607011201 stat:DELIVRD err:000 text:';
  assert.deepEqual(readReceipt(text, '1000', 2), { id: '1000', stat: 'DELIVRD' });
  assert.deepEqual(readReceipt(text), { id: '4096', stat: 'DELIVRD' });
  assert.deepEqual(readReceipt('', 'abc', 3), { id: 'abc', stat: 'EXPIRED' });
  assert.deepEqual(readReceipt('Id:77 Stat:undeliv'), { id: '77', stat: 'UNDELIV' });
  assert.equal(readReceipt('hello'), null);
});
