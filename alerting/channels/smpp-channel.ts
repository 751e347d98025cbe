// SMS over SMPP 3.4: one transceiver bind, made at the first send and again after it drops, kept alive
// with enquire_link. A message goes as one submit_sm per part; the SMSC's per-part delivery receipts
// are folded into one receipt per message, under the first part's message_id.
import { randomInt } from 'node:crypto';
import smpp, { type PDU, type Session } from 'smpp';
import type { Channel, Message, Receipt, SendOutcome } from '../channel.ts';
import { smsParts } from './sms-parts.ts';

export interface SmppOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** A number (`+86…`, a service code such as `106…`) or an alphanumeric sender name. */
  sourceAddr: string;
  name?: string;
  /** How often the link is probed; a probe unanswered by the next one drops the link. Default 30 s. */
  enquireLinkMs?: number;
  /** How long connect + bind, and each submit_sm, wait for an answer. Default 10 s. */
  submitTimeoutMs?: number;
  logger?: { warn(message: string): void };
}

type Failed = Extract<SendOutcome, { state: 'failed' }>;

const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));
const statusName = (code: number): string => `${STATUS_NAMES.get(code) ?? 'status'} (0x${code.toString(16).padStart(2, '0')})`;

/**
 * submit_sm statuses another try can get past, with the wait the SMSC's "slow down" asks for. Every
 * other status (bad address, bad data coding, prohibited, vendor codes) is taken as permanent, so the
 * outbox falls back to another channel rather than repeating what the SMSC refused.
 */
const RETRYABLE = new Map<number, number | undefined>([
  [0x58, 1000], // ESME_RTHROTTLED
  [0x14, 1000], // ESME_RMSGQFUL
  [0x08, undefined], // ESME_RSYSERR
  [0x04, undefined], // ESME_RINVBNDSTS: the SMSC forgot the bind; the link is dropped and the next send binds again
  [0x45, undefined], // ESME_RSUBMITFAIL
  [0x64, undefined], // ESME_RX_T_APPN: temporary application error
  [0xff, undefined], // ESME_RUNKNOWNERR
]);
const NOT_BOUND = 0x04;
/** A bind refused for its credentials stays refused until someone fixes the configuration. */
const BAD_CREDENTIALS = new Set([0x0e /* ESME_RINVPASWD */, 0x0f /* ESME_RINVSYSID */]);

const ESM_UDHI = 0x40;
/** esm_class bits 2–5 give the message type; 0x04 is an SMSC delivery receipt. */
const ESM_TYPE = 0x3c;
const ESM_RECEIPT = 0x04;
/** message_state TLV values as the receipt text's stat words. */
const STATES = ['SCHEDULED', 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'SKIPPED'];
const FAILED_STATS = new Set(['UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN']);

interface Address {
  ton: number;
  npi: number;
  addr: string;
}

/**
 * TON/NPI for a number: international (1/1, digits after + or 00), national (2/1) for an 11-digit
 * Chinese mobile, unknown (0/1) for other digits such as service codes; null when it is no number.
 */
export function smppAddress(raw: string): Address | null {
  const s = raw.replace(/[\s\-().]/g, '');
  const intl = /^(?:\+|00)(\d{6,15})$/.exec(s);
  if (intl) return { ton: 1, npi: 1, addr: intl[1]! };
  if (/^1\d{10}$/.test(s)) return { ton: 2, npi: 1, addr: s };
  if (/^\d{3,20}$/.test(s)) return { ton: 0, npi: 1, addr: s };
  return null;
}

/**
 * The message id and stat word of a delivery receipt. The receipted_message_id TLV wins over the
 * text's `id:` (some SMSCs print the id in another base there); the text's `stat:` wins over the
 * message_state TLV, being the SMSC's own word. Null when either is missing.
 */
export function readReceipt(text: string, receiptedId?: string, messageState?: number): { id: string; stat: string } | null {
  const id = receiptedId || /\bid:(\S+)/i.exec(text)?.[1];
  const stat = /\bstat:(\S+)/i.exec(text)?.[1]?.toUpperCase() ?? (messageState === undefined ? undefined : STATES[messageState]);
  return id && stat ? { id, stat } : null;
}

/** The text of a decoded short_message or message_payload ({ message } from the smpp package, or raw). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (typeof value === 'object' && value !== null && 'message' in value) return textOf(value.message);
  return '';
}

/** One TCP session and the requests waiting on it; everything waiting fails when it closes. */
class Link {
  closed = false;
  readonly #waiting = new Set<(reason: string) => void>();
  readonly #onClose: (() => void)[] = [];
  #lastError = '';
  #probe: NodeJS.Timeout | undefined;

  constructor(readonly session: Session) {
    // Small PDUs answered one by one: Nagle would hold each for the peer's delayed ACK (~40 ms).
    session.socket.setNoDelay(true);
    session.on('error', (err: Error) => {
      this.#lastError = err.message;
      // A PDU the package cannot parse leaves the session stuck; a socket error closes it anyway.
      session.destroy();
    });
    session.on('close', () => {
      this.closed = true;
      clearInterval(this.#probe);
      const reason = `connection closed${this.#lastError ? `: ${this.#lastError}` : ''}`;
      for (const fail of this.#waiting) fail(reason);
      for (const f of this.#onClose) f();
    });
  }

  onClose(f: () => void): void {
    if (this.closed) f();
    else this.#onClose.push(f);
  }

  /** Resolves when the socket is up; rejects when it closes first or takes too long. */
  connected(timeoutMs: number): Promise<void> {
    return this.#wait((resolve) => this.session.once('connect', resolve), timeoutMs, `no connection within ${timeoutMs / 1000}s`);
  }

  /**
   * Send a request and wait for its response; rejects (never hangs) on timeout or a lost connection.
   * `onResponse` runs as the response is read, before any PDU after it in the same packet.
   */
  request(command: string, params: Record<string, unknown>, timeoutMs: number, onResponse?: (pdu: PDU) => void): Promise<PDU> {
    return this.#wait<PDU>(
      (resolve, fail) => {
        const sent = this.session.send(new smpp.PDU(command, params), (pdu) => {
          onResponse?.(pdu);
          resolve(pdu);
        });
        if (!sent) fail('connection not writable');
      },
      timeoutMs,
      `no ${command}_resp within ${timeoutMs / 1000}s`,
    );
  }

  /** Probe every `ms`; a probe still unanswered when the next is due drops the link. */
  keepAlive(ms: number, warn: (message: string) => void): void {
    this.#probe = setInterval(() => {
      this.request('enquire_link', {}, ms).catch((err: Error) => {
        if (this.closed) return;
        warn(`SMPP link dropped: ${err.message}`);
        this.session.destroy();
      });
    }, ms);
  }

  #wait<T>(start: (resolve: (value: T) => void, fail: (reason: string) => void) => void, timeoutMs: number, late: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      const settle = (): void => {
        this.#waiting.delete(fail);
        clearTimeout(timer);
      };
      const fail = (reason: string): void => {
        settle();
        reject(new Error(reason));
      };
      const timer = setTimeout(() => fail(late), timeoutMs);
      this.#waiting.add(fail);
      start((value) => {
        settle();
        resolve(value);
      }, fail);
    });
  }
}

/** The SMSC's own refusal of a bind, with its retry verdict. */
class Refused extends Error {
  constructor(readonly outcome: Failed) {
    super(outcome.reason);
  }
}

/** The parts of one sent message, waiting for their receipts. */
interface PartsOf {
  ref: string;
  total: number;
  delivered: Set<string>;
  /** Until send() returns the ref, a receipt waits here: its listener could not match it yet. */
  sending: boolean;
  held?: { receipt: Receipt; done: () => void };
  /** Receipted, or abandoned when a later part was refused: further receipts are dropped. */
  settled: boolean;
}

/** Receipts get lost: past this many tracked parts the oldest are forgotten, so waiting cannot grow memory without end. */
const MAX_TRACKED_PARTS = 100_000;

export class SmppChannel implements Channel {
  readonly name: string;
  readonly reaches = 'person' as const;
  readonly #opts: SmppOptions;
  readonly #source: Address;
  readonly #timeoutMs: number;
  readonly #warn: (message: string) => void;
  readonly #listeners: ((receipt: Receipt) => void | Promise<void>)[] = [];
  readonly #parts = new Map<string, PartsOf>();
  /** The bound link, or the bind under way; null before the first send and after the link drops. */
  #link: Promise<Link> | null = null;
  /** Concatenation reference; random at start so a restart does not reuse the last ones. */
  #udhRef = randomInt(256);
  #closed = false;

  constructor(opts: SmppOptions) {
    this.#opts = opts;
    this.name = opts.name ?? 'sms';
    this.#source = smppAddress(opts.sourceAddr) ?? { ton: 5, npi: 0, addr: opts.sourceAddr };
    this.#timeoutMs = opts.submitTimeoutMs ?? 10_000;
    this.#warn = opts.logger ? (m) => opts.logger!.warn(m) : () => undefined;
  }

  async send(message: Message): Promise<SendOutcome> {
    try {
      return await this.#send(message);
    } catch (err) {
      if (err instanceof Refused) return err.outcome;
      // Connect, bind and submit failures that are not the SMSC's refusal: worth another try.
      return { state: 'failed', reason: err instanceof Error ? err.message : String(err), retry: true };
    }
  }

  onReceipt(listener: (receipt: Receipt) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#link;
    this.#link = null;
    const link = await pending?.catch(() => null);
    if (!link || link.closed) return;
    await link.request('unbind', {}, Math.min(this.#timeoutMs, 1000)).catch(() => undefined);
    await new Promise<void>((resolve) => {
      link.onClose(resolve);
      link.session.destroy();
    });
  }

  async #send(message: Message): Promise<SendOutcome> {
    if (this.#closed) return { state: 'failed', reason: 'SMPP channel closed', retry: true };
    const r = message.recipient;
    const phone = r.kind === 'person' ? r.phone : undefined;
    if (!phone) return { state: 'failed', reason: `recipient ${r.id} has no phone number`, retry: false };
    const dest = smppAddress(phone);
    if (!dest) return { state: 'failed', reason: `recipient ${r.id}: "${phone}" is not a phone number`, retry: false };
    this.#udhRef = (this.#udhRef + 1) & 0xff;
    let sms;
    try {
      sms = smsParts(message.text, this.#udhRef);
    } catch (err) {
      return { state: 'failed', reason: (err as Error).message, retry: false };
    }

    const link = await this.#bound();
    const parts: PartsOf = { ref: '', total: sms.parts.length, delivered: new Set(), sending: true, settled: false };
    // Tracked as each response is read, not after the await: an SMSC may send a part's receipt in the
    // same packet as its submit_sm_resp, and a fast one receipts part 1 before part 2 is submitted.
    const track = (resp: PDU): void => {
      if (resp.command_status === 0) this.#track(String(resp.message_id), parts);
    };
    for (const [i, short_message] of sms.parts.entries()) {
      const resp = await link.request(
        'submit_sm',
        {
          source_addr_ton: this.#source.ton,
          source_addr_npi: this.#source.npi,
          source_addr: this.#source.addr,
          dest_addr_ton: dest.ton,
          dest_addr_npi: dest.npi,
          destination_addr: dest.addr,
          esm_class: sms.udh ? ESM_UDHI : 0,
          registered_delivery: 1,
          data_coding: sms.dataCoding,
          short_message,
        },
        this.#timeoutMs,
        track,
      );
      if (resp.command_status !== 0) {
        parts.settled = true;
        if (resp.command_status === NOT_BOUND) link.session.destroy();
        return this.#refused(resp.command_status, i, sms.parts.length);
      }
    }
    parts.sending = false;
    const held = parts.held;
    // After the caller has had the outcome (and the ref) back.
    if (held) setImmediate(() => void this.#emit(held.receipt).then(held.done));
    return { state: 'sent', ref: parts.ref };
  }

  #refused(status: number, index: number, total: number): Failed {
    const which = total > 1 ? `part ${index + 1} of ${total} ` : '';
    const reason = `SMSC refused ${which}submit_sm: ${statusName(status)}`;
    if (!RETRYABLE.has(status)) return { state: 'failed', reason, retry: false };
    const afterMs = RETRYABLE.get(status);
    return { state: 'failed', reason, retry: true, ...(afterMs === undefined ? {} : { afterMs }) };
  }

  #bound(): Promise<Link> {
    if (this.#link) return this.#link;
    const binding = this.#bind();
    this.#link = binding;
    const forget = (): void => {
      if (this.#link === binding) this.#link = null;
    };
    void binding.then((link) => link.onClose(forget), forget);
    return binding;
  }

  async #bind(): Promise<Link> {
    const { host, port, systemId, password } = this.#opts;
    const link = new Link(smpp.connect({ host, port }));
    // Answered from the start: the SMSC may send receipts in the same packet as the bind response.
    this.#answer(link.session);
    link.onClose(() => this.#warn(`SMPP session to ${host}:${port} closed`));
    let resp: PDU;
    try {
      await link.connected(this.#timeoutMs);
      resp = await link.request('bind_transceiver', { system_id: systemId, password, interface_version: 0x34 }, this.#timeoutMs);
    } catch (err) {
      link.session.destroy();
      throw new Error(`SMPP bind to ${host}:${port} failed: ${(err as Error).message}`, { cause: err });
    }
    if (resp.command_status !== 0) {
      link.session.destroy();
      const reason = `SMSC ${host}:${port} refused bind_transceiver as ${systemId}: ${statusName(resp.command_status)}`;
      throw new Refused({ state: 'failed', reason, retry: !BAD_CREDENTIALS.has(resp.command_status) });
    }
    link.keepAlive(this.#opts.enquireLinkMs ?? 30_000, this.#warn);
    return link;
  }

  /** What the SMSC asks of us: answer its probes, its unbind and every deliver_sm, and read receipts. */
  #answer(session: Session): void {
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('deliver_sm', (pdu: PDU) => {
      // A receipt is answered once its listeners have taken it (the outbox has stored it): killed
      // before then, the SMSC keeps it and delivers it again at the next bind. Nothing is lost.
      // Anything else (a reply from a villager) needs no more than the answer.
      const taken = (Number(pdu.esm_class) & ESM_TYPE) === ESM_RECEIPT ? this.#receipt(pdu) : Promise.resolve();
      void taken.finally(() => session.send(pdu.response()));
    });
  }

  #receipt(pdu: PDU): Promise<void> {
    const text = textOf(pdu.short_message) || textOf(pdu.message_payload);
    const read = readReceipt(text, pdu.receipted_message_id as string | undefined, pdu.message_state as number | undefined);
    if (!read) {
      this.#warn(`SMPP receipt not understood: ${JSON.stringify(text)}`);
      return Promise.resolve();
    }
    const state = read.stat === 'DELIVRD' ? 'delivered' : FAILED_STATS.has(read.stat) ? 'failed' : null;
    if (!state) return Promise.resolve(); // ENROUTE, ACCEPTD: not final
    const parts = this.#parts.get(read.id);
    // An unknown id: a single-part message from before a restart, whose ref is its own id.
    if (!parts) return this.#emit({ ref: read.id, state, detail: read.stat, at: Date.now() });
    if (parts.settled) return Promise.resolve();
    if (state === 'delivered') {
      parts.delivered.add(read.id);
      if (parts.delivered.size < parts.total) return Promise.resolve();
    }
    parts.settled = true;
    const receipt: Receipt = { ref: parts.ref, state, detail: read.stat, at: Date.now() };
    if (!parts.sending) return this.#emit(receipt);
    return new Promise<void>((done) => (parts.held = { receipt, done }));
  }

  /** The first part's id is the message's ref. */
  #track(id: string, parts: PartsOf): void {
    parts.ref ||= id;
    this.#parts.set(id, parts);
    if (this.#parts.size > MAX_TRACKED_PARTS) this.#parts.delete(this.#parts.keys().next().value!);
  }

  /** Hand a receipt to every listener; resolves when they have all taken it (or failed, which is logged). */
  async #emit(receipt: Receipt): Promise<void> {
    // A listener's mistake must not break the session reading this PDU.
    await Promise.all(
      this.#listeners.map(async (listener) => {
        try {
          await listener(receipt);
        } catch (err) {
          this.#warn(`SMPP receipt listener failed: ${(err as Error).message}`);
        }
      }),
    );
  }
}
