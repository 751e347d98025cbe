// The tide simulator: each tide station's astronomical tide from its harmonic constants, plus the
// storm surge of a passing typhoon, gauge noise and a seiche, sampled at the station's own interval.
// Pure and deterministic: the same seed and stations give the same readings.
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { tideModel } from '../stations/tide.ts';
import { createRng, deriveSeed } from './rng.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const NOISE_M = 0.02; // wind waves in the stilling well, reported to the centimetre
const SEICHE_M = 0.06; // harbour oscillation excited by the storm, ~40 minute period
const SEICHE_PERIOD_MS = 40 * MINUTE_MS;

export interface Typhoon {
  /** Epoch ms of the surge peak (around landfall). */
  peakAt: number;
  /** Peak surge at a station with surge_scale 1, metres. Default 1.0. */
  height?: number;
  /** How long the surge takes to build and to fall: Gaussian widths before and after the peak, hours. */
  riseHours?: number;
  fallHours?: number;
}

export interface TideOptions {
  seed: number;
  start: number;
  /** Readings cover start .. start + hours. */
  hours: number;
  /**
   * Stations tagged `tide` with harmonics; params: report_minutes (1–6, default 6) and surge_scale
   * (this station's share of the typhoon's peak surge, default 1). Others are ignored.
   */
  stations: readonly Station[];
  /** Without one, the tide is astronomical plus noise. */
  typhoon?: Typhoon;
}

/** The surge of the typhoon at t: a skewed bump, building over a day and falling faster after landfall. */
export function typhoonSurge(t: number, typhoon: Typhoon): number {
  const width = (t < typhoon.peakAt ? (typhoon.riseHours ?? 10) : (typhoon.fallHours ?? 6)) * HOUR_MS;
  const x = (t - typhoon.peakAt) / width;
  return (typhoon.height ?? 1) * Math.exp(-x * x);
}

/** Every reading of every tide station, sorted by ts, then station. */
export function simulateTide(options: TideOptions): Observation[] {
  const end = options.start + options.hours * HOUR_MS;
  const stations = options.stations
    .filter((s) => s.tags.includes('tide') && s.harmonics)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: Observation[] = [];
  for (const station of stations) {
    const every = (station.params.report_minutes ?? 6) * MINUTE_MS;
    if (!(every >= MINUTE_MS && every <= 6 * MINUTE_MS)) throw new RangeError(`tide station ${station.id}: report_minutes must be 1 to 6`);
    const scale = station.params.surge_scale ?? 1;
    const model = tideModel(station.harmonics!);
    const rng = createRng(deriveSeed(options.seed, `tide:${station.id}`));
    const phase = rng.next() * 2 * Math.PI;
    for (let ts = Math.ceil(options.start / every) * every; ts <= end; ts += every) {
      const bump = options.typhoon ? typhoonSurge(ts, options.typhoon) : 0;
      const surge = scale * bump;
      // The seiche grows with the storm (the bump as a share of its peak): the same wind drives both.
      const seiche = SEICHE_M * (bump / (options.typhoon?.height ?? 1)) * Math.sin((2 * Math.PI * ts) / SEICHE_PERIOD_MS + phase);
      const level = model.level(ts) + surge + seiche + rng.normal(0, NOISE_M);
      out.push({ domain: station.domain, station: station.id, metric: 'level', ts, value: Math.round(level * 100) / 100, unit: 'm', quality: 'reliable', source: 'sim' });
    }
  }
  return out.sort((a, b) => a.ts - b.ts || (a.station < b.station ? -1 : a.station > b.station ? 1 : 0));
}
