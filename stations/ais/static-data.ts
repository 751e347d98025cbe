// Types 5 (class A static and voyage data) and 24 (class B static data, parts A and B), all fields
// from ggencoder.
import * as f from './fields.ts';
import type { GgAis } from './gg.ts';
import type { AisStatic } from './message.ts';

export function voyageData(gg: GgAis, mmsi: string): AisStatic {
  return f.compact<AisStatic>({
    type: 5,
    mmsi,
    imo: f.positive(gg.imo),
    callsign: f.text(gg.callsign),
    name: f.text(gg.shipname),
    shipType: f.positive(gg.cargo),
    length: f.span(gg.dimA, gg.dimB),
    beam: f.span(gg.dimC, gg.dimD),
    draught: f.positive(gg.draught),
    destination: f.text(gg.destination),
    eta: f.eta(gg.etaMo, gg.etaDay, gg.etaHr, gg.etaMin),
  });
}

export function classBStatic(gg: GgAis, part: 'A' | 'B', mmsi: string): AisStatic {
  if (part === 'A') return f.compact<AisStatic>({ type: 24, part, mmsi, name: f.text(gg.shipname) });
  // An auxiliary craft (MMSI 98xxxxxxx) sends its mother ship's MMSI where the dimensions would be;
  // ggencoder then leaves dimA..dimD unset, so length and beam come out absent.
  return f.compact<AisStatic>({
    type: 24,
    part,
    mmsi,
    callsign: f.text(gg.callsign),
    shipType: f.positive(gg.cargo),
    length: f.span(gg.dimA, gg.dimB),
    beam: f.span(gg.dimC, gg.dimD),
  });
}
