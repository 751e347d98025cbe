// The derived series of storm-surge warning, from a tide gauge's observed level (metres on the
// 85 datum) and the station's harmonic constants: the astronomical tide, the surge, and the
// forecast water level over the coming hours.
import type { DerivedFunction } from '../engine/derived.ts';
import type { Reading } from '../engine/warning.ts';
import type { Station } from '../engine/station.ts';
import { tideModel, type TideModel } from './tide.ts';

const HOUR_MS = 3_600_000;

/** Surge at the level reading: observed − predicted. A station without harmonics has none. */
function surgeAt(level: Reading, station: Station): { model: TideModel; surge: number } | undefined {
  if (!station.harmonics) return undefined;
  const model = tideModel(station.harmonics);
  return { model, surge: level.value - model.level(level.ts) };
}

export const TIDE_FUNCTIONS: Record<string, DerivedFunction> = {
  tide_predicted: {
    description: 'the astronomical tide at the time of the level reading (m, 85 datum), from the station harmonics',
    inputs: ['level'],
    params: [],
    compute: (x, _p, { station }) => station.harmonics && tideModel(station.harmonics).level(x.level!.ts),
  },
  surge: {
    description: 'surge (non-tidal residual) = observed level − predicted tide (m)',
    inputs: ['level'],
    params: [],
    compute: (x, _p, { station }) => surgeAt(x.level!, station)?.surge,
  },
  tide_forecast: {
    description:
      'highest forecast water level (m, 85 datum) within the next `hours`: predicted tide + the surge now, which decays with e-folding time `decay_hours` (0: it persists)',
    inputs: ['level'],
    params: ['hours', 'decay_hours'],
    defaults: { decay_hours: 0 },
    compute: (x, p, { station }) => {
      const at = surgeAt(x.level!, station);
      return at && at.model.forecastPeak(x.level!.ts, at.surge, p.hours! * HOUR_MS, p.decay_hours! * HOUR_MS).level;
    },
  },
};
