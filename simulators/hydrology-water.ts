// The storm's hydraulics: catchments turning rain into discharge, rating curves turning discharge
// into stage, and a reservoir's water balance with its spillway. Pure functions of series.

/** A catchment above a gauge, a reservoir or a village creek. */
export interface Catchment {
  areaKm2: number;
  /** Linear-reservoir constant: how long the catchment holds its water. */
  kHours: number;
  /** Fraction of the rain that runs off. */
  runoff: number;
  /** Discharge before the storm, m³/s. */
  baseFlow: number;
}

/** A reservoir's pool and outlets; levels in metres on its own datum. */
export interface Pool {
  initialLevel: number;
  /** Water surface, km²: constant, so storage and level are proportional (steep-sided valley). */
  surfaceKm2: number;
  /** Controlled release through the outlet works or power station, m³/s, at every level. */
  release: number;
  spillwayCrest: number;
  spillwayWidthM: number;
}

// The river: stage = base + a * Q^b. For a wide channel Manning gives Q ∝ depth^(5/3), so b = 0.6.
const RATING_EXPONENT = 0.6;
// A free broad-crested weir: Q = C · L · h^1.5, C about 1.7 in SI units.
const WEIR_COEFFICIENT = 1.7;
// The pool is integrated in one-minute sub-steps: the weir's outflow grows with the head, and
// whole 5-minute Euler steps on a small pool would overshoot.
const POOL_SUBSTEP_S = 60;

/**
 * Discharge per step (m³/s) from areal rain per step (mm): a linear reservoir dQ/dt = (inflow - Q) / K,
 * solved exactly for inflow constant over the step. The catchment stores water and releases it
 * slowly, which gives the lag, the peak after the rain peak (when outflow meets falling inflow)
 * and the exponential recession.
 */
export function catchmentDischarge(c: Catchment, rainMm: readonly number[], stepH: number): number[] {
  const decay = Math.exp(-stepH / c.kHours);
  let quick = 0; // storm runoff on top of base flow
  return rainMm.map((mm) => {
    // 1 mm/h over 1 km² is 1000 m³ per 3600 s = 1/3.6 m³/s; a runoff coefficient of that reaches the channel.
    const inflow = (c.runoff * c.areaKm2 * (mm / stepH)) / 3.6;
    quick = inflow + (quick - inflow) * decay;
    return c.baseFlow + quick;
  });
}

/**
 * The rating curve stage(Q) through two gauged points (low and high: a threshold stage and the
 * discharge at it), so the thresholds and the hydraulics agree. Throws a message for `who` when
 * the points do not rise together.
 */
export function ratingThrough(who: string, low: { stage: number; flow: number }, high: { stage: number; flow: number }): (q: number) => number {
  if (!(high.stage > low.stage && high.flow > low.flow && low.flow > 0)) {
    throw new Error(`${who}: the rating needs a higher stage at a higher flow, and flows > 0`);
  }
  const a = (high.stage - low.stage) / (high.flow ** RATING_EXPONENT - low.flow ** RATING_EXPONENT);
  const base = low.stage - a * low.flow ** RATING_EXPONENT;
  return (q) => base + a * Math.max(0, q) ** RATING_EXPONENT;
}

/** Outflow at a pool level: the controlled release, plus the spillway once the pool tops its crest. */
export function poolOutflow(pool: Pool, level: number): number {
  const head = level - pool.spillwayCrest;
  return pool.release + (head > 0 ? WEIR_COEFFICIENT * pool.spillwayWidthM * head ** 1.5 : 0);
}

/** Level and outflow per step of a pool fed by `inflow` (m³/s per step): storage changes by inflow − outflow. */
export function routePool(pool: Pool, inflow: readonly number[], stepH: number): { level: number[]; outflow: number[] } {
  const substeps = Math.max(1, Math.round((stepH * 3600) / POOL_SUBSTEP_S));
  const dt = (stepH * 3600) / substeps;
  const surfaceM2 = pool.surfaceKm2 * 1e6;
  let level = pool.initialLevel;
  const levels: number[] = [];
  const outflows: number[] = [];
  inflow.forEach((q, i) => {
    // Step 0 is the state at start; later steps integrate the inflow that arrived during them.
    for (let s = 0; i > 0 && s < substeps; s++) level += ((q - poolOutflow(pool, level)) * dt) / surfaceM2;
    levels.push(level);
    outflows.push(poolOutflow(pool, level));
  });
  return { level: levels, outflow: outflows };
}
