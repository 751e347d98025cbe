// AIS sentences and Beidou reports → position observations of the registered vessel
// (`vessel.<id>.position`, source `ais:<mmsi>` or `beidou:<terminal>`), static AIS reports → the
// registry, and everything that cannot be read → a dead letter with its reason. A terminal not in
// the registry still reports, under its own id (MMSI or terminal id): a stranger in a closed area
// matters as much as a registered vessel.
import type { Observation } from '../engine/observation.ts';
import { AisDecoder } from './ais/ais-decoder.ts';
import { parseBeidou } from './ais/beidou.ts';
import type { AisMessage } from './ais/message.ts';
import { terminalSource } from './online-rate.ts';
import { applyStatic, positionObservation, type Fleet } from './vessels.ts';

export type Ingested =
  | { kind: 'obs'; obs: Observation }
  /** Cannot be read: to the dead-letter subject. */
  | { kind: 'dead'; reason: string; payload: string }
  /** Read, but nothing to observe: a message type not handled, or a report without a position. */
  | { kind: 'skipped'; reason: string }
  /** A static report updated the registry. */
  | { kind: 'static'; vessel: string };

export class VesselIngest {
  private readonly decoder: AisDecoder;

  constructor(
    private readonly fleet: Fleet,
    opts: { ttlMs?: number } = {},
  ) {
    this.decoder = new AisDecoder(opts);
  }

  /** One line of an AIS feed (`source`: the receiver or feed it came from, for reassembly). */
  ais(line: string, source: string, receivedAt: number): Ingested[] {
    return this.decoder.push(line, source, receivedAt).flatMap((o) => {
      if (!o.ok) return o.unsupported ? [{ kind: 'skipped' as const, reason: o.reason }] : [{ kind: 'dead' as const, reason: o.reason, payload: o.raw.join('\n') }];
      return this.message(o.message, o.ts);
    });
  }

  /** Multipart messages whose other parts never came: dead letters, so nothing vanishes. */
  expire(now: number): Ingested[] {
    return this.decoder.expire(now).map((o) => ({ kind: 'dead', reason: o.ok ? 'expired' : o.reason, payload: o.raw.join('\n') }));
  }

  /** One Beidou report: JSON, or an RMC sentence whose terminal comes from the feed (e.g. the subject). */
  beidou(text: string, terminal?: string): Ingested[] {
    const r = parseBeidou(text, terminal);
    return r.ok ? [{ kind: 'obs', obs: positionObservation(this.vesselOf(r.fix.terminal), r.fix.ts, r.fix, terminalSource('beidou', r.fix.terminal)) }] : [{ kind: 'dead', reason: r.reason, payload: text }];
  }

  private vesselOf(terminal: string): string {
    return this.fleet.byTerminal.get(terminal) ?? terminal;
  }

  private message(m: AisMessage, ts: number): Ingested[] {
    const out: Ingested[] = [];
    const vessel = this.vesselOf(m.mmsi);
    const known = this.fleet.vessels.get(vessel);
    if ((m.type === 5 || m.type === 24 || m.type === 19) && known) {
      this.fleet.vessels.set(vessel, applyStatic(known, m));
      out.push({ kind: 'static', vessel });
    }
    if (m.type === 5 || m.type === 24) return out.length ? out : [{ kind: 'skipped', reason: `static report of unregistered MMSI ${m.mmsi}` }];
    if (m.lon === undefined || m.lat === undefined) return [...out, { kind: 'skipped', reason: `type ${m.type} report of ${m.mmsi} has no position` }];
    const obs = positionObservation(vessel, ts, { lon: m.lon, lat: m.lat, speed: m.sog, course: m.cog }, terminalSource('ais', m.mmsi));
    return [...out, { kind: 'obs', obs }];
  }
}
