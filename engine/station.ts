// A station as the engine sees it; the registry file that lists them lives in stations/.

/** One harmonic constituent of the astronomical tide: amplitude in metres, Greenwich phase lag in degrees (UTC). */
export interface Constituent {
  name: string;
  amplitude: number;
  phase: number;
}

/** A tide station's harmonic constants, and where their zero (usually mean sea level) lies. */
export interface Harmonics {
  /** Height of the constituents' zero on the 1985 national height datum (85高程), metres. */
  datumOffset: number;
  constituents: Constituent[];
}

export interface Station {
  id: string;
  name: string;
  domain: string;
  lon: number;
  lat: number;
  /** GB/T 2260 six-digit administrative area code. */
  region?: string;
  tags: string[];
  /** Per-station thresholds and datums, e.g. warning_stage, guaranteed_stage, historical_max. */
  params: Record<string, number>;
  /** Stations whose readings stand for this one, with weights summing to 1: a village's rain gauges. */
  links?: Record<string, number>;
  /** Tide stations: the constants the astronomical tide is predicted from. */
  harmonics?: Harmonics;
}
