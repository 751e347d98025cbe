// The astronomical tide of a station from its harmonic constants (@neaps/tide-predictor), in metres
// on the 1985 datum, and what storm-surge warning needs from it: the level at any time, the coming
// high waters, and the forecast water level (prediction plus the surge now).
import { constituents as MODELS, createTidePredictor, type TidePrediction } from '@neaps/tide-predictor';
import type { Harmonics } from '../engine/station.ts';

/** The library silently drops a name it does not know from every prediction, so names are checked first. */
export const isKnownConstituent = (name: string): boolean => Object.hasOwn(MODELS, name);

export interface TideLevel {
  ts: number;
  level: number;
}

// Predictions are read from a one-minute grid computed a day at a time: the harmonic sum costs
// about 50 µs a point, the grid about 1 µs, and linear interpolation over a minute is within
// 0.1 mm of the sum (the M2 curvature term A·(ωΔt)²/8 for A = 3 m).
const GRID_MS = 60_000;
const CHUNK_MS = 86_400_000;
const CHUNKS_KEPT = 4;

export class TideModel {
  private readonly predictor: TidePrediction;
  private readonly chunks = new Map<number, Float64Array>();

  constructor(readonly harmonics: Harmonics) {
    const bad = harmonics.constituents.filter((c) => !isKnownConstituent(c.name)).map((c) => c.name);
    if (bad.length) throw new Error(`unknown tidal constituents: ${bad.join(', ')}`);
    this.predictor = createTidePredictor(
      harmonics.constituents.map((c) => ({ name: c.name, amplitude: c.amplitude, phase: c.phase })),
      { offset: harmonics.datumOffset },
    );
  }

  /** The predicted astronomical tide at `ts`, metres on the 85 datum. */
  level(ts: number): number {
    const start = Math.floor(ts / CHUNK_MS) * CHUNK_MS;
    const grid = this.chunk(start);
    const x = (ts - start) / GRID_MS;
    const i = Math.floor(x);
    return grid[i]! + (grid[i + 1]! - grid[i]!) * (x - i);
  }

  /** Predicted high waters in [from, to]. */
  highWaters(from: number, to: number): TideLevel[] {
    return this.extremes(from, to)
      .filter((e) => e.high)
      .map(({ ts, level }) => ({ ts, level }));
  }

  /** Predicted highs and lows in [from, to], from the library's extremes search (to the second). */
  extremes(from: number, to: number): Array<TideLevel & { high: boolean }> {
    return this.predictor
      .getExtremesPrediction({ start: new Date(from), end: new Date(to) })
      .map((e) => ({ ts: e.time.getTime(), level: e.level, high: e.high }));
  }

  /**
   * The highest forecast water level in (ts, ts + horizonMs]: the prediction plus `surge`, the
   * surge observed at ts, which persists (decayMs 0) or decays exponentially with that e-folding time.
   */
  forecastPeak(ts: number, surge: number, horizonMs: number, decayMs: number): TideLevel {
    let best = { ts, level: -Infinity };
    const first = Math.floor(ts / GRID_MS) * GRID_MS + GRID_MS;
    for (let t = first; t <= ts + horizonMs; t += GRID_MS) {
      const level = this.level(t) + (decayMs > 0 ? surge * Math.exp(-(t - ts) / decayMs) : surge);
      if (level > best.level) best = { ts: t, level };
    }
    return best;
  }

  private chunk(start: number): Float64Array {
    let grid = this.chunks.get(start);
    if (grid) {
      // Least recently used goes first: a hit moves to the back.
      this.chunks.delete(start);
      this.chunks.set(start, grid);
      return grid;
    }
    const points = this.predictor.getTimelinePrediction({ start: new Date(start), end: new Date(start + CHUNK_MS), timeFidelity: GRID_MS / 1000 });
    grid = Float64Array.from(points, (p) => p.level);
    if (grid.length !== CHUNK_MS / GRID_MS + 1) throw new Error(`tide grid has ${grid.length} points, expected ${CHUNK_MS / GRID_MS + 1}`);
    // Readings move forward in time; keep the few days around them.
    if (this.chunks.size >= CHUNKS_KEPT) this.chunks.delete(this.chunks.keys().next().value!);
    this.chunks.set(start, grid);
    return grid;
  }
}

const models = new WeakMap<Harmonics, TideModel>();

/** The model of a station's harmonics, built once. */
export function tideModel(harmonics: Harmonics): TideModel {
  let model = models.get(harmonics);
  if (!model) models.set(harmonics, (model = new TideModel(harmonics)));
  return model;
}
