// The decoded AIS messages callers see. A field the vessel did not send ("not available" code) is
// absent, never a sentinel number.

export interface AisPosition {
  type: 1 | 2 | 3 | 18 | 19;
  class: 'A' | 'B';
  /** Nine digits, zero-padded. */
  mmsi: string;
  lon?: number;
  lat?: number;
  /** Knots. */
  sog?: number;
  /** Degrees. */
  cog?: number;
  heading?: number;
  /** Types 1-3. 15 ("not defined") is absent. */
  navStatus?: number;
  /** Degrees per minute, types 1-3; absent when not available or only "turning faster than 5°/30 s" (±127). */
  rot?: number;
  second?: number;
  accuracy?: boolean;
  // Type 19 also carries static fields:
  name?: string;
  shipType?: number;
  length?: number;
  beam?: number;
}

export interface AisEta {
  month: number;
  day: number;
  hour: number;
  minute: number;
}

interface AisStaticFields {
  /** Type 24 only. */
  part?: 'A' | 'B';
  mmsi: string;
  imo?: number;
  callsign?: string;
  name?: string;
  shipType?: number;
  /** To bow + to stern, metres. */
  length?: number;
  /** To port + to starboard, metres. */
  beam?: number;
  /** Metres. */
  draught?: number;
  destination?: string;
  /** UTC, no year; absent unless month, day, hour and minute are all given. */
  eta?: AisEta;
}

// One member per type, not one `type: 5 | 24`: TypeScript narrows a union away on `!==` only when
// each member's `type` is a single value, so `if (m.type === 5 || m.type === 24) return` must leave
// an AisPosition behind.
export interface AisVoyageData extends AisStaticFields {
  type: 5;
}
export interface AisClassBStatic extends AisStaticFields {
  type: 24;
}
export type AisStatic = AisVoyageData | AisClassBStatic;

export type AisMessage = AisPosition | AisStatic;
