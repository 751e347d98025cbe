// The hydrology storm simulator: a rain band crosses the county, rain gauges tip, rivers rise,
// peak and recede. Pure and deterministic: the same seed and stations give the same readings.
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { createRng, deriveSeed } from './rng.ts';

/** The seed of the demo storm (Typhoon Doksuri made landfall in Fujian on 2023-07-28). */
export const DEFAULT_STORM_SEED = 20230728;
export const DEFAULT_STORM_HOURS = 36;
export const DEFAULT_STEP_MINUTES = 5;

export interface StormOptions {
  seed: number;
  /** Epoch ms of the first reading. */
  start: number;
  /** Length of the run; readings cover start .. start + hours inclusive. Default 36. */
  hours?: number;
  /** Reporting interval; must divide 60. Default 5. */
  stepMinutes?: number;
  /**
   * Hydrology stations: tag `rain` makes a rain gauge, tag `river` a river gauge (a station may be
   * both). River gauges need params warning_stage, guaranteed_stage (m), warning_flow,
   * guaranteed_flow (m³/s, the discharges at those stages) and area_km2 (catchment above the
   * gauge); optional k_hours (reservoir constant, default 3), runoff (coefficient, default 0.7)
   * and base_flow (m³/s, default 0.03 per km²). Other stations are ignored.
   */
  stations: readonly Station[];
}

const MINUTE_MS = 60_000;
// The storm: a gamma-shaped hyetograph (shape 4) is the classic single-burst storm profile: rain
// builds, peaks (shape - 1) * scale hours after onset, then tails off over about twice as long.
const GAMMA_SHAPE = 4;
const STORM_TOTAL_MM = 230; // depth at the storm core, typhoon-rainstorm scale for Fujian
const STORM_SCALE_H = 1.5;
const STORM_SPEED_KMH = 25; // the rain band drifts inland from the sea
const GUSTINESS = 0.35; // sd of the log of 5-minute rain about the smooth profile
const TIPS_PER_MM = 10; // a 0.1 mm tipping bucket
// The river: stage = base + a * Q^b. For a wide channel Manning gives Q ∝ depth^(5/3), so b = 0.6.
const RATING_EXPONENT = 0.6;
const STAGE_NOISE_M = 0.006; // float-well / radar-gauge jitter, reported to the centimetre

/** Regularised lower incomplete gamma for an integer shape: fraction of the storm fallen by x scale units. */
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

/** East and north offsets in km of `p` from `origin` (equirectangular, fine at county scale). */
function kmFrom(origin: { lon: number; lat: number }, p: { lon: number; lat: number }): [number, number] {
  const east = (p.lon - origin.lon) * 111.32 * Math.cos((origin.lat * Math.PI) / 180);
  const north = (p.lat - origin.lat) * 110.57;
  return [east, north];
}

function param(station: Station, name: string, fallback?: number): number {
  const v = station.params[name] ?? fallback;
  if (v === undefined || !Number.isFinite(v)) {
    throw new Error(`river gauge ${station.id}: params.${name} is required by the storm simulator`);
  }
  return v;
}

/** Bucket tips per step at one rain gauge. Integers, so hourly sums are exact. */
function rainGaugeTips(
  seed: number,
  gauge: Station,
  along: number,
  storm: { onsetH: number; totalMm: number; scaleH: number },
  steps: number,
  stepH: number,
): number[] {
  const rng = createRng(deriveSeed(seed, `rain:${gauge.id}`));
  // The band reaches each gauge at its own time (position along the track, plus a wobble) and
  // drops its own depth (convective cells are patchy).
  const onsetH = Math.max(0.25, storm.onsetH + along / STORM_SPEED_KMH + rng.normal(0, 0.2));
  const depthMm = storm.totalMm * Math.exp(rng.normal(0, 0.2));
  const tips: number[] = [];
  let bucket = 0;
  for (let i = 0; i <= steps; i++) {
    // Rain reported at step i fell in (t_i - step, t_i]; nothing fell before the run started.
    const t1 = Math.max(0, (i - 1) * stepH) - onsetH;
    const t2 = i * stepH - onsetH;
    const smooth = depthMm * (gammaCdf(t2 / storm.scaleH) - gammaCdf(t1 / storm.scaleH));
    // Gusty rain: multiplicative log-normal noise with mean 1 keeps the depth and never goes negative.
    bucket += smooth * Math.exp(rng.normal(-(GUSTINESS * GUSTINESS) / 2, GUSTINESS));
    const n = Math.floor(bucket * TIPS_PER_MM + 1e-9);
    bucket -= n / TIPS_PER_MM;
    tips.push(n);
  }
  return tips;
}

/** Stage per step at one river gauge, fed by the rain gauges through a linear reservoir. */
function riverGaugeStages(
  seed: number,
  gauge: Station,
  rainGauges: readonly Station[],
  tips: readonly (readonly number[])[],
  steps: number,
  stepH: number,
): number[] {
  const warningStage = param(gauge, 'warning_stage');
  const guaranteedStage = param(gauge, 'guaranteed_stage');
  const warningFlow = param(gauge, 'warning_flow');
  const guaranteedFlow = param(gauge, 'guaranteed_flow');
  const area = param(gauge, 'area_km2');
  const k = param(gauge, 'k_hours', 3);
  const runoff = param(gauge, 'runoff', 0.7);
  const baseFlow = param(gauge, 'base_flow', 0.03 * area);
  if (!(guaranteedStage > warningStage && guaranteedFlow > warningFlow && warningFlow > 0 && area > 0 && k > 0)) {
    throw new Error(
      `river gauge ${gauge.id}: needs guaranteed_stage > warning_stage, guaranteed_flow > warning_flow > 0, area_km2 > 0, k_hours > 0`,
    );
  }
  // Rating curve through the two gauged points (warning_flow -> warning_stage, guaranteed_flow ->
  // guaranteed_stage), so the thresholds and the hydraulics agree.
  const a = (guaranteedStage - warningStage) / (guaranteedFlow ** RATING_EXPONENT - warningFlow ** RATING_EXPONENT);
  const base = warningStage - a * warningFlow ** RATING_EXPONENT;

  // Areal rain over the catchment: inverse-distance-squared weights of the rain gauges (a
  // stand-in for Thiessen polygons); 2 km softening so a gauge beside the river does not take it all.
  const raw = rainGauges.map((r) => {
    const [e, n] = kmFrom(gauge, r);
    return 1 / (e * e + n * n + 4);
  });
  const total = raw.reduce((s, w) => s + w, 0);
  const weights = raw.map((w) => w / total);

  const rng = createRng(deriveSeed(seed, `river:${gauge.id}`));
  const decay = Math.exp(-stepH / k);
  let quick = 0; // storm runoff in m³/s on top of base flow
  const stages: number[] = [];
  for (let i = 0; i <= steps; i++) {
    let arealMm = 0;
    weights.forEach((w, j) => (arealMm += (w * tips[j]![i]!) / TIPS_PER_MM));
    // 1 mm/h over 1 km² is 1000 m³ per 3600 s = 1/3.6 m³/s; a runoff coefficient of that reaches the river.
    const inflow = (runoff * area * (arealMm / stepH)) / 3.6;
    // Linear reservoir dQ/dt = (inflow - Q) / K, solved exactly for inflow constant over the step:
    // the catchment stores water and releases it slowly, which gives the lag, the peak after the
    // rain peak (when outflow meets falling inflow) and the exponential recession.
    quick = inflow + (quick - inflow) * decay;
    const stage = base + a * (baseFlow + quick) ** RATING_EXPONENT + rng.normal(0, STAGE_NOISE_M);
    stages.push(Math.round(stage * 100) / 100);
  }
  return stages;
}

/** Every reading of a simulated storm over the given stations, sorted by ts, then station, then metric. */
export function simulateStorm(options: StormOptions): Observation[] {
  const { seed, start } = options;
  const hours = options.hours ?? DEFAULT_STORM_HOURS;
  const stepMinutes = options.stepMinutes ?? DEFAULT_STEP_MINUTES;
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  if (!Number.isFinite(start)) throw new RangeError('start must be epoch milliseconds');
  if (!(stepMinutes > 0 && Number.isInteger(stepMinutes) && 60 % stepMinutes === 0)) {
    throw new RangeError('stepMinutes must be a whole number of minutes that divides 60');
  }
  const steps = (hours * 60) / stepMinutes;
  if (!(steps > 0 && Number.isInteger(steps))) throw new RangeError('hours must be a positive multiple of stepMinutes');
  const stepH = stepMinutes / 60;
  const perHour = 60 / stepMinutes;

  // Sorted by id so the result does not depend on the order stations are listed in.
  const hydro = options.stations.filter((s) => s.domain === 'hydrology').sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const rainGauges = hydro.filter((s) => s.tags.includes('rain'));
  const riverGauges = hydro.filter((s) => s.tags.includes('river'));

  // One storm for the county: when it arrives, how much it drops, how long it lasts, where it heads.
  const rng = createRng(deriveSeed(seed, 'storm'));
  const storm = {
    onsetH: 1 + rng.next(),
    totalMm: STORM_TOTAL_MM * Math.exp(rng.normal(0, 0.1)),
    scaleH: STORM_SCALE_H * Math.exp(rng.normal(0, 0.1)),
  };
  // A typhoon rain band comes ashore from the east-south-east and moves inland, heading 280°–300°.
  const heading = ((280 + 20 * rng.next()) * Math.PI) / 180;
  const track: [number, number] = [Math.sin(heading), Math.cos(heading)];
  const centre = {
    lon: rainGauges.reduce((s, g) => s + g.lon, 0) / (rainGauges.length || 1),
    lat: rainGauges.reduce((s, g) => s + g.lat, 0) / (rainGauges.length || 1),
  };
  const tips = rainGauges.map((g) => {
    const [e, n] = kmFrom(centre, g);
    return rainGaugeTips(seed, g, e * track[0] + n * track[1], storm, steps, stepH);
  });
  const stages = riverGauges.map((g) => riverGaugeStages(seed, g, rainGauges, tips, steps, stepH));

  const rows = new Map<string, Array<{ metric: string; unit: string; values: readonly number[] }>>();
  const add = (id: string, metric: string, unit: string, values: readonly number[]): void => {
    const list = rows.get(id) ?? [];
    list.push({ metric, unit, values });
    rows.set(id, list);
  };
  rainGauges.forEach((g, j) => {
    const t = tips[j]!;
    // What the RTU reports: the bucket total of the last step and of the trailing hour.
    const hourly = t.map((_, i) => t.slice(Math.max(0, i - perHour + 1), i + 1).reduce((s, n) => s + n, 0));
    add(g.id, 'rain', 'mm', t.map((n) => n / TIPS_PER_MM));
    add(g.id, 'rain_1h', 'mm', hourly.map((n) => n / TIPS_PER_MM));
  });
  riverGauges.forEach((g, j) => add(g.id, 'stage', 'm', stages[j]!));
  const ids = [...rows.keys()].sort();
  for (const id of ids) rows.get(id)!.sort((x, y) => (x.metric < y.metric ? -1 : 1));

  const out: Observation[] = [];
  for (let i = 0; i <= steps; i++) {
    const ts = start + i * stepMinutes * MINUTE_MS;
    for (const id of ids) {
      for (const { metric, unit, values } of rows.get(id)!) {
        out.push({ domain: 'hydrology', station: id, metric, ts, value: values[i]!, unit, quality: 'reliable', source: 'sim' });
      }
    }
  }
  return out;
}
