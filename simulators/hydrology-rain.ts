// The storm's rain: a typhoon rain band drifting inland across the county, with a few convective
// cells embedded in it, each on its own track. The band wets every gauge; the cells give each
// gauge its own bursts. Pure: the same seed and gauges give the same bucket tips.
import type { Station } from '../engine/station.ts';
import { createRng, deriveSeed, type Rng } from './rng.ts';

/** Where a point lies, in km east and north of the county centre. */
export type Km = readonly [east: number, north: number];

/** A 0.1 mm tipping bucket. */
export const TIPS_PER_MM = 10;

// The band: a gamma-shaped hyetograph (shape 4) is the classic single-burst storm profile: rain
// builds, peaks (shape - 1) * scale hours after onset, then tails off over about twice as long.
const GAMMA_SHAPE = 4;
const BAND_TOTAL_MM = 170; // stratiform depth at the band's core; the cells add their bursts on top
const BAND_SCALE_H = 1.5;
const BAND_SPEED_KMH = 25; // the band drifts inland from the sea
const GUSTINESS = 0.35; // sd of the log of 5-minute rain about the smooth profile
// Cells: 2–4 thunderstorm cells a few km across, each raining 35–75 mm/h at its core for a few
// hours, crossing the county within ±15 km of its centre, so some gauges are hit and some missed.
const CELLS_MIN = 2;
const CELLS_MAX = 4;
const CELL_ACROSS_KM = 15;

interface Band {
  onsetH: number;
  totalMm: number;
  scaleH: number;
  /** Unit vector of the band's motion, east and north. */
  track: Km;
}

interface Cell {
  /** When the cell's centre passes abeam of the county centre, hours after start. */
  passH: number;
  /** Its position then, km. */
  origin: Km;
  /** Its velocity, km/h east and north. */
  velocity: Km;
  radiusKm: number;
  peakMmH: number;
  /** The sd of its life in time about passH: cells grow, rain out and decay. */
  lifeH: number;
}

export interface Storm {
  band: Band;
  cells: Cell[];
}

/** East and north offsets in km of `p` from `origin` (equirectangular, fine at county scale). */
export function kmFrom(origin: { lon: number; lat: number }, p: { lon: number; lat: number }): Km {
  const east = (p.lon - origin.lon) * 111.32 * Math.cos((origin.lat * Math.PI) / 180);
  const north = (p.lat - origin.lat) * 110.57;
  return [east, north];
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/** One storm for the county: when the band arrives (`delayH` later than on its own), how much it drops, where it and its cells head. */
export function drawStorm(seed: number, delayH = 0): Storm {
  const rng = createRng(deriveSeed(seed, 'storm'));
  const onsetH = 1 + rng.next() + delayH;
  const totalMm = BAND_TOTAL_MM * Math.exp(rng.normal(0, 0.1));
  const scaleH = BAND_SCALE_H * Math.exp(rng.normal(0, 0.1));
  // A typhoon rain band comes ashore from the east-south-east and moves inland, heading 280°–300°.
  const heading = ((280 + 20 * rng.next()) * Math.PI) / 180;
  const band: Band = { onsetH, totalMm, scaleH, track: [Math.sin(heading), Math.cos(heading)] };

  const cellRng = createRng(deriveSeed(seed, 'cells'));
  const count = CELLS_MIN + Math.floor(cellRng.next() * (CELLS_MAX - CELLS_MIN + 1));
  const cells = Array.from({ length: count }, (): Cell => {
    // Cells ride the band's flow, veering a little, during its wettest hours.
    const h = heading + (cellRng.normal(0, 15) * Math.PI) / 180;
    const speed = uniform(cellRng, 15, 35);
    const across = uniform(cellRng, -CELL_ACROSS_KM, CELL_ACROSS_KM);
    return {
      passH: onsetH + uniform(cellRng, 1.5, 6.5),
      origin: [across * Math.cos(h), -across * Math.sin(h)],
      velocity: [speed * Math.sin(h), speed * Math.cos(h)],
      radiusKm: uniform(cellRng, 4, 8),
      peakMmH: uniform(cellRng, 35, 75),
      lifeH: uniform(cellRng, 0.75, 1.5),
    };
  });
  return { band, cells };
}

/** Regularised lower incomplete gamma for an integer shape: fraction of the band's rain fallen by x scale units. */
function gammaCdf(x: number): number {
  if (x <= 0) return 0;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < GAMMA_SHAPE; n++) {
    term *= x / n;
    sum += term;
  }
  return Math.max(0, 1 - Math.exp(-x) * sum);
}

/** Rain rate in mm/h of one cell at a point and time: a Gaussian footprint that waxes and wanes. */
function cellRate(cell: Cell, at: Km, tH: number): number {
  const dt = tH - cell.passH;
  const east = cell.origin[0] + cell.velocity[0] * dt - at[0];
  const north = cell.origin[1] + cell.velocity[1] * dt - at[1];
  const life = Math.exp(-((dt / cell.lifeH) ** 2) / 2);
  return cell.peakMmH * life * Math.exp(-(east * east + north * north) / (2 * cell.radiusKm ** 2));
}

/**
 * Bucket tips per model step at one rain gauge, `at` km from the county centre: the band's smooth
 * rain plus the cells', made gusty, then counted in whole tips (the bucket keeps the remainder).
 * Integers, so sums over any reporting interval are exact.
 */
export function rainGaugeTips(seed: number, gauge: Station, at: Km, storm: Storm, steps: number, stepH: number): number[] {
  const { band, cells } = storm;
  const rng = createRng(deriveSeed(seed, `rain:${gauge.id}`));
  // The band reaches each gauge at its own time (position along the track, plus a wobble) and
  // drops its own depth.
  const along = at[0] * band.track[0] + at[1] * band.track[1];
  const onsetH = Math.max(0.25, band.onsetH + along / BAND_SPEED_KMH + rng.normal(0, 0.2));
  const depthMm = band.totalMm * Math.exp(rng.normal(0, 0.15));
  const tips: number[] = [];
  let bucket = 0;
  for (let i = 0; i <= steps; i++) {
    // Rain reported at step i fell in (t_i - step, t_i]; nothing fell before the run started.
    const t1 = Math.max(0, (i - 1) * stepH);
    const t2 = i * stepH;
    const bandMm = depthMm * (gammaCdf((t2 - onsetH) / band.scaleH) - gammaCdf((t1 - onsetH) / band.scaleH));
    // A cell crosses a gauge in half an hour or more: its rate at mid-step stands for the step.
    const cellMm = cells.reduce((s, c) => s + cellRate(c, at, (t1 + t2) / 2), 0) * (t2 - t1);
    // Gusty rain: multiplicative log-normal noise with mean 1 keeps the depth and never goes negative.
    bucket += (bandMm + cellMm) * Math.exp(rng.normal(-(GUSTINESS * GUSTINESS) / 2, GUSTINESS));
    const n = Math.floor(bucket * TIPS_PER_MM + 1e-9);
    bucket -= n / TIPS_PER_MM;
    tips.push(n);
  }
  return tips;
}
