// Types 1, 2, 3 (class A), 18 and 19 (class B) from ggencoder's fields, plus the position accuracy
// bit, which ggencoder does not decode, read with our own bit reader.
import type { Bits } from './armor.ts';
import * as f from './fields.ts';
import type { GgAis } from './gg.ts';
import type { AisPosition } from './message.ts';

export function classAPosition(gg: GgAis, bits: Bits, type: 1 | 2 | 3, mmsi: string): AisPosition {
  return f.compact<AisPosition>({
    type,
    class: 'A',
    mmsi,
    ...f.position(gg.lon, gg.lat),
    sog: f.sog(gg.sog),
    cog: f.cog(gg.cog),
    heading: f.heading(gg.hdg),
    navStatus: f.navStatus(gg.navstatus),
    rot: f.rot(gg.rot),
    second: f.second(gg.utc),
    accuracy: bits.uint(60, 1) === 1,
  });
}

export function classBPosition(gg: GgAis, bits: Bits, type: 18 | 19, mmsi: string): AisPosition {
  const msg: AisPosition = {
    type,
    class: 'B',
    mmsi,
    ...f.position(gg.lon, gg.lat),
    sog: f.sog(gg.sog),
    cog: f.cog(gg.cog),
    heading: f.heading(gg.hdg),
    second: f.second(gg.utc),
    accuracy: bits.uint(56, 1) === 1,
  };
  if (type === 19) {
    msg.name = f.text(gg.shipname);
    msg.shipType = f.positive(gg.cargo);
    msg.length = f.span(gg.dimA, gg.dimB);
    msg.beam = f.span(gg.dimC, gg.dimD);
  }
  return f.compact(msg);
}
