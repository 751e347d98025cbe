// A station as the engine sees it; the registry file that lists them lives in stations/.

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
}
