// The AIS feed decoder callers use: lines in, decoded messages or failures with reasons out.
// Each line ends up in exactly one outcome's `raw` (at once, or when its message completes or
// expires), so a caller that dead-letters every failure loses nothing; it never throws.
import { checkArmor } from './armor.ts';
import { decodePayload } from './decode.ts';
import type { AisMessage } from './message.ts';
import { Reassembler, type Fragment } from './multipart.ts';
import { parseNmea } from './nmea.ts';

export type AisOutcome =
  | { ok: true; message: AisMessage; ts: number /* epoch ms: tag block c: if present, else receivedAt */; source: string; channel?: string; raw: string[] }
  | { ok: false; reason: string; raw: string[]; unsupported?: boolean };

type Parsed = { ok: true; frag: Fragment; channel: string; seqId: string } | { ok: false; reason: string };

export class AisDecoder {
  private readonly parts: Reassembler;

  /** `ttlMs`: how long the first sentence of a multi-sentence message waits for the rest (default 10 s). */
  constructor(opts?: { ttlMs?: number }) {
    this.parts = new Reassembler(opts?.ttlMs === undefined ? {} : { ttlMs: opts.ttlMs });
  }

  /** Multi-sentence messages waiting for their other sentences. */
  get pending(): number {
    return this.parts.size;
  }

  /** One line from a feed (may be CR/LF terminated, may have a tag block); zero or more outcomes. Never throws. */
  push(line: string, source: string, receivedAt: number): AisOutcome[] {
    const raw = String(line).replace(/[\r\n]+$/, '');
    try {
      const parsed = parseVdm(raw, receivedAt);
      if (!parsed.ok) return [{ ok: false, reason: parsed.reason, raw: [raw] }];
      const { frag, channel, seqId } = parsed;
      if (frag.total === 1) return [this.decode([frag], frag.payload, frag.fill, source, channel)];

      const added = this.parts.add({ source, channel, seqId }, frag);
      const out: AisOutcome[] = added.dropped.map((d) => ({ ok: false, reason: d.reason, raw: d.fragments.map((x) => x.raw) }));
      if (added.rejected !== undefined) out.push({ ok: false, reason: added.rejected, raw: [raw] });
      if (added.complete) out.push(this.decode(added.complete.fragments, added.complete.payload, added.complete.fill, source, channel));
      return out;
    } catch (e) {
      // A bug of ours or ggencoder's must not stop the feed; the line is still accounted for.
      return [{ ok: false, reason: `internal error decoding this line: ${e instanceof Error ? e.message : String(e)}`, raw: [raw] }];
    }
  }

  /** Incomplete multipart messages older than the TTL, as failures with a reason. */
  expire(now: number): AisOutcome[] {
    return this.parts.expire(now).map((d) => ({ ok: false, reason: d.reason, raw: d.fragments.map((x) => x.raw) }));
  }

  private decode(fragments: Fragment[], payload: string, fill: number, source: string, channel: string): AisOutcome {
    const raw = fragments.map((f) => f.raw);
    const d = decodePayload(payload, fill);
    if (!d.ok) return d.kind === 'unsupported' ? { ok: false, reason: d.reason, raw, unsupported: true } : { ok: false, reason: d.reason, raw };
    const ts = fragments.find((f) => f.tagTime !== undefined)?.tagTime ?? fragments[0]!.at;
    return channel === '' ? { ok: true, message: d.message, ts, source, raw } : { ok: true, message: d.message, ts, source, channel, raw };
  }
}

/** A VDM/VDO sentence's envelope: `!xxVDM,total,num,seqId,channel,payload,fill*hh`. */
function parseVdm(raw: string, at: number): Parsed {
  const p = parseNmea(raw);
  if (!p.ok) return p;
  const s = p.sentence;
  const name = `${s.start}${s.talker}${s.formatter}`;
  if ((s.formatter !== 'VDM' && s.formatter !== 'VDO') || s.start !== '!') return { ok: false, reason: `${name} is not an AIS sentence (!xxVDM or !xxVDO)` };
  if (s.fields.length !== 6) return { ok: false, reason: `${name} has ${s.fields.length} fields, expected 6 (count, number, sequence id, channel, payload, fill bits)` };
  const [totalF, numF, seqId, channel, payload, fillF] = s.fields as [string, string, string, string, string, string];
  if (!/^[1-9]$/.test(totalF)) return { ok: false, reason: `sentence count "${totalF}" is not 1 to 9` };
  if (!/^[1-9]$/.test(numF) || Number(numF) > Number(totalF)) return { ok: false, reason: `sentence number "${numF}" is not 1 to ${totalF}` };
  if (!/^\d?$/.test(seqId)) return { ok: false, reason: `sequence id "${seqId}" is not a digit` };
  if (!/^[A-Za-z0-9]?$/.test(channel)) return { ok: false, reason: `radio channel "${channel}" is not A, B, 1, 2 or empty` };
  if (!/^[0-5]$/.test(fillF)) return { ok: false, reason: `fill bits "${fillF}" are not 0 to 5` };
  const total = Number(totalF);
  const num = Number(numF);
  const fill = Number(fillF);
  if (payload === '') return { ok: false, reason: 'empty payload' };
  const bad = checkArmor(payload);
  if (bad) return { ok: false, reason: bad };
  // Only the last sentence may end part-way through a character.
  if (num < total && fill !== 0) return { ok: false, reason: `fragment ${num} of ${total} has ${fill} fill bits; only the last may have any` };
  const frag: Fragment = { total, num, payload, fill, raw, at };
  if (s.tagTime !== undefined) frag.tagTime = s.tagTime;
  return { ok: true, frag, channel, seqId };
}
