// The coming high waters of a tide station: when, how high the astronomical tide will be, and, with
// the surge observed now, how high the water is forecast to be and which warning tide level that
// reaches. What a duty forecaster reads before a typhoon's landfall.
import type { Station } from '../engine/station.ts';
import { TIERS, type Tier } from '../engine/tiers.ts';
import type { Reading } from '../engine/warning.ts';
import { tideModel } from './tide.ts';

const HOUR_MS = 3_600_000;

export interface HighWater {
  ts: number;
  /** Astronomical tide, metres on the 85 datum. */
  predicted: number;
  /** Predicted + the current surge decayed to the time of the high water (when a level reading is given). */
  forecast?: number;
  /** The highest warning tide level (tide_blue … tide_red) the forecast, else the prediction, reaches. */
  tier?: Tier;
}

export interface HighWaterList {
  station: string;
  /** The surge at the latest level reading: observed − predicted. */
  surge?: { ts: number; value: number };
  highWaters: HighWater[];
}

/**
 * High waters in [from, from + hours]. `level` is the latest observed level; its surge is carried
 * forward unchanged, as the pack's forecast rules do, or fading with e-folding time `decayHours`.
 */
export function comingHighWaters(station: Station, from: number, hours: number, level?: Reading, decayHours = 0): HighWaterList {
  if (!station.harmonics) throw new Error(`station ${station.id} has no harmonic constants`);
  const model = tideModel(station.harmonics);
  const surge = level && { ts: level.ts, value: level.value - model.level(level.ts) };
  const highWaters = model.highWaters(from, from + hours * HOUR_MS).map(({ ts, level: predicted }) => {
    const ahead = surge ? Math.max(0, ts - surge.ts) : 0;
    const forecast = surge && predicted + (decayHours > 0 ? surge.value * Math.exp(-ahead / (decayHours * HOUR_MS)) : surge.value);
    const tier = [...TIERS].reverse().find((t) => {
      const mark = station.params[`tide_${t}`];
      return mark !== undefined && (forecast ?? predicted) >= mark;
    });
    return { ts, predicted, ...(forecast !== undefined && { forecast }), ...(tier && { tier }) };
  });
  return { station: station.id, ...(surge && { surge }), highWaters };
}
