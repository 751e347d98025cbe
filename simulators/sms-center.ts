// A carrier's SMSC on loopback, speaking SMPP 3.4 through the `smpp` package's server: it binds
// ESMEs by system_id and password, answers enquire_link and unbind, takes submit_sm (GSM 03.38 or
// UCS2, concatenated parts reassembled by their UDH or SAR TLVs) and reports each part's fate with a
// delivery receipt (deliver_sm, esm_class 0x04, the receipt text and the receipted_message_id and
// message_state TLVs). Like a real SMSC it keeps receipts it could not hand over (no session bound,
// or the session dropped before deliver_sm_resp) and sends them when the ESME binds again. It can be
// told to throttle, to be slow, and which numbers cannot be reached.
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';

export interface SmsCenterOptions {
  systemId: string;
  password: string;
  /** 0 (default): a free port. */
  port?: number;
  /** Wait after submit_sm_resp before each part's receipt (default 0). */
  receiptDelayMs?: number;
  /** Answer every Nth submit_sm (counting all of them) with ESME_RTHROTTLED; 0 or absent: never. */
  throttleEvery?: number;
  /** Hold each submit_sm_resp this long (default 0); the part has reached the SMSC all the same. */
  submitDelayMs?: number;
  /** Numbers whose parts get UNDELIV receipts (compared by their digits: "+8613800000001" = "8613800000001"). */
  undeliverable?: string[];
}

/** A whole message as the handset shows it. */
export interface SmsMessage {
  /** The message_id the SMSC gave the first part. */
  id: string;
  /** The addresses as sent; a '+' in front when the TON is international. */
  from: string;
  to: string;
  /** Decoded and, for a concatenated message, its parts joined in order. */
  text: string;
  /** When its last part arrived, epoch ms. */
  at: number;
  parts: number;
  /** 0 (GSM 03.38 default alphabet) or 8 (UCS2), as the ESME sent it. */
  dataCoding: number;
}

/** A delivery receipt the ESME has answered (deliver_sm_resp with status 0). */
export interface SmsReceipt {
  id: string;
  to: string;
  stat: 'DELIVRD' | 'UNDELIV';
  /** Which bind answered it: 1 for the first successful bind, 2 for the next... */
  bind: number;
}

export interface SmsCenter {
  port: number;
  /** smpp://127.0.0.1:<port> */
  url: string;
  /** Messages whose every part has arrived, in the order they were completed. */
  messages(): SmsMessage[];
  /** Parts of concatenated messages still waiting for the rest. */
  incomplete(): number;
  /** Every submit_sm received, refused ones included. */
  submits(): number;
  /** Successful binds. */
  binds(): number;
  receipts(): SmsReceipt[];
  stop(): Promise<void>;
}

/** message_state TLV values (SMPP 3.4 §5.3.2.35). */
const DELIVERED = 2;
const UNDELIVERABLE = 5;
const ESM_UDHI = 0x40;

interface Part {
  id: string;
  seq: number;
  text: string;
}

interface Pending {
  key: string;
  from: string;
  to: string;
  total: number;
  dataCoding: number;
  parts: Map<number, Part>;
}

interface Bound {
  systemId: string;
  mode: 'transceiver' | 'transmitter' | 'receiver';
  /** Its ordinal among successful binds. */
  n: number;
}

interface Receipt extends Omit<SmsReceipt, 'bind'> {
  params: Record<string, unknown>;
}

const digits = (s: string): string => s.replace(/\D/g, '');

/** A PDU's address field (a C-octet string the package hands back as a string). */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** An address for people: '+' and the digits when the TON says international. */
const address = (addr: unknown, ton: unknown): string => `${Number(ton) === 1 ? '+' : ''}${str(addr)}`;

/** The decoded text (the package decodes by data_coding into { udh?, message }). */
function textOf(value: unknown): { text: string; udh: Buffer[] } {
  if (typeof value === 'string') return { text: value, udh: [] };
  if (Buffer.isBuffer(value)) return { text: value.toString('latin1'), udh: [] };
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const udh = 'udh' in value && Array.isArray(value.udh) ? (value.udh as Buffer[]) : [];
    return { text: textOf(value.message).text, udh };
  }
  return { text: '', udh: [] };
}

/** Where a part sits in its message: from the UDH's concatenation element (8- or 16-bit reference) or the SAR TLVs. */
function concatenation(pdu: PDU, udh: Buffer[]): { ref: number; total: number; seq: number } | undefined {
  for (const ie of udh) {
    if (ie[0] === 0x00 && ie[1] === 3) return { ref: ie[2]!, total: ie[3]!, seq: ie[4]! };
    if (ie[0] === 0x08 && ie[1] === 4) return { ref: ie.readUInt16BE(2), total: ie[4]!, seq: ie[5]! };
  }
  const total = Number(pdu.sar_total_segments ?? 0);
  if (total > 1) return { ref: Number(pdu.sar_msg_ref_num), total, seq: Number(pdu.sar_segment_seqnum) };
  return undefined;
}

/** YYMMDDhhmm, UTC: the receipt text's dates. */
function receiptDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

export async function startSmsCenter(opts: SmsCenterOptions): Promise<SmsCenter> {
  const complete: SmsMessage[] = [];
  const pending = new Map<string, Pending>();
  const answered: SmsReceipt[] = [];
  /** Receipts not yet handed to a bound session. */
  const queue: Receipt[] = [];
  const bound = new Map<Session, Bound>();
  const timers = new Set<NodeJS.Timeout>();
  const undeliverable = new Set((opts.undeliverable ?? []).map(digits));
  let submits = 0;
  let binds = 0;
  let nextId = 0x10000;
  let stopped = false;

  const later = (ms: number, f: () => void): void => {
    if (ms <= 0) return f();
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  /** Receipts sent on a session and not yet answered: sent again elsewhere (or at the next bind) if it closes first. */
  const unanswered = new Map<Session, Set<Receipt>>();

  /** Hand queued receipts to sessions that can take them (transceiver or receiver of the same system_id). */
  const flush = (): void => {
    while (queue.length > 0) {
      const [session, b] = [...bound].find(([s, x]) => x.systemId === opts.systemId && x.mode !== 'transmitter' && s.socket.writable) ?? [];
      if (!session || !b) return;
      const r = queue.shift()!;
      const waiting = unanswered.get(session) ?? new Set<Receipt>();
      unanswered.set(session, waiting);
      waiting.add(r);
      const sent = session.send(new smpp.PDU('deliver_sm', r.params), (resp) => {
        if (!waiting.delete(r)) return;
        if (resp.command_status === 0) answered.push({ id: r.id, to: r.to, stat: r.stat, bind: b.n });
        else queue.push(r);
      });
      if (!sent) {
        waiting.delete(r);
        queue.unshift(r);
        return;
      }
    }
  };

  /** A session gone: what it did not answer goes back to the queue. */
  const closed = (session: Session): void => {
    bound.delete(session);
    const waiting = unanswered.get(session);
    unanswered.delete(session);
    if (!waiting || stopped) return;
    queue.push(...waiting);
    flush();
  };

  const receipt = (pdu: PDU, id: string, submittedAt: number): void => {
    const to = str(pdu.destination_addr);
    const stat = undeliverable.has(digits(to)) ? 'UNDELIV' : 'DELIVRD';
    const ok = stat === 'DELIVRD';
    const text = `id:${id} sub:001 dlvrd:${ok ? '001' : '000'} submit date:${receiptDate(submittedAt)} done date:${receiptDate(Date.now())} stat:${stat} err:${ok ? '000' : '001'} text:`;
    queue.push({
      id,
      to: address(to, pdu.dest_addr_ton),
      stat,
      params: {
        // From the handset back to the sender.
        source_addr_ton: pdu.dest_addr_ton,
        source_addr_npi: pdu.dest_addr_npi,
        source_addr: to,
        dest_addr_ton: pdu.source_addr_ton,
        dest_addr_npi: pdu.source_addr_npi,
        destination_addr: str(pdu.source_addr),
        esm_class: 0x04,
        data_coding: 0,
        short_message: Buffer.from(text, 'ascii'),
        receipted_message_id: id,
        message_state: ok ? DELIVERED : UNDELIVERABLE,
      },
    });
    flush();
  };

  /** Record a part; a message is complete when every part of its reference is in. */
  const accept = (pdu: PDU, id: string): void => {
    const { text, udh } = textOf(pdu.short_message);
    const body = text === '' && pdu.message_payload !== undefined ? textOf(pdu.message_payload).text : text;
    const from = address(pdu.source_addr, pdu.source_addr_ton);
    const to = address(pdu.destination_addr, pdu.dest_addr_ton);
    const dataCoding = Number(pdu.data_coding ?? 0) & 0x0f;
    const concat = (Number(pdu.esm_class) & ESM_UDHI) !== 0 || pdu.sar_total_segments !== undefined ? concatenation(pdu, udh) : undefined;
    if (!concat || concat.total <= 1) {
      complete.push({ id, from, to, text: body, at: Date.now(), parts: 1, dataCoding });
      return;
    }
    const key = `${from}|${to}|${concat.ref}|${concat.total}`;
    let p = pending.get(key);
    // The same reference again before the last message finished: that one will never be whole.
    if (p?.parts.has(concat.seq)) {
      pending.delete(key);
      p = undefined;
    }
    if (!p) {
      p = { key, from, to, total: concat.total, dataCoding, parts: new Map() };
      pending.set(key, p);
    }
    p.parts.set(concat.seq, { id, seq: concat.seq, text: body });
    if (p.parts.size < p.total) return;
    pending.delete(key);
    const ordered = [...p.parts.values()].sort((a, b) => a.seq - b.seq);
    complete.push({ id: ordered[0]!.id, from, to, text: ordered.map((x) => x.text).join(''), at: Date.now(), parts: p.total, dataCoding: p.dataCoding });
  };

  const server = smpp.createServer((session: Session) => {
    session.socket.setNoDelay(true);
    session.on('error', () => undefined);
    session.on('close', () => closed(session));
    const bind = (mode: Bound['mode']) => (pdu: PDU) => {
      if (bound.has(session)) return void session.send(pdu.response({ command_status: smpp.errors.ESME_RALYBND }));
      const refuse = pdu.system_id !== opts.systemId ? smpp.errors.ESME_RINVSYSID : pdu.password !== opts.password ? smpp.errors.ESME_RINVPASWD : 0;
      if (refuse) {
        session.send(pdu.response({ command_status: refuse }));
        session.close();
        return;
      }
      binds++;
      bound.set(session, { systemId: opts.systemId, mode, n: binds });
      session.send(pdu.response({ system_id: 'SEEDSMSC' }));
      flush();
    };
    session.on('bind_transceiver', bind('transceiver'));
    session.on('bind_transmitter', bind('transmitter'));
    session.on('bind_receiver', bind('receiver'));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      bound.delete(session);
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      submits++;
      const b = bound.get(session);
      const answer = (params: Record<string, unknown>): void => later(opts.submitDelayMs ?? 0, () => void session.send(pdu.response(params)));
      if (!b || b.mode === 'receiver') return answer({ command_status: smpp.errors.ESME_RINVBNDSTS });
      if (opts.throttleEvery && submits % opts.throttleEvery === 0) return answer({ command_status: smpp.errors.ESME_RTHROTTLED });
      if (!/^\d{3,20}$/.test(str(pdu.destination_addr))) return answer({ command_status: smpp.errors.ESME_RINVDSTADR });
      const id = (nextId++).toString(16).toUpperCase();
      const at = Date.now();
      // Taken: it reaches the handset even if the ESME is gone before the response.
      accept(pdu, id);
      answer({ message_id: id });
      later((opts.submitDelayMs ?? 0) + (opts.receiptDelayMs ?? 0), () => receipt(pdu, id, at));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `smpp://127.0.0.1:${port}`,
    messages: () => complete.map((m) => ({ ...m })),
    incomplete: () => [...pending.values()].reduce((n, p) => n + p.parts.size, 0),
    submits: () => submits,
    binds: () => binds,
    receipts: () => answered.map((r) => ({ ...r })),
    stop: async () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of server.sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
