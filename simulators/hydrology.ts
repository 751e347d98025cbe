// The hydrology storm simulator: a typhoon rain band with convective cells crosses the county, rain
// gauges tip, rivers rise, peak and recede, reservoirs fill and spill, village creeks flash; each
// station reports at its own interval, and a few sensors fail (spike, stuck, silent). Pure and
// deterministic: the same seed, stations and faults give the same readings.
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { applyFaults, DEFAULT_FAULTS, type Fault, type Report } from './hydrology-faults.ts';
import { drawStorm, kmFrom, rainGaugeTips, TIPS_PER_MM } from './hydrology-rain.ts';
import { catchmentDischarge, ratingThrough, routePool, type Catchment } from './hydrology-water.ts';
import { createRng, deriveSeed, type Rng } from './rng.ts';

export { DEFAULT_FAULTS, faultOf, type Fault, type SpikeFault } from './hydrology-faults.ts';

/** The seed of the demo storm (Typhoon Doksuri made landfall in Fujian on 2023-07-28). */
export const DEFAULT_STORM_SEED = 20230728;
export const DEFAULT_STORM_HOURS = 36;
export const DEFAULT_STEP_MINUTES = 5;

export interface StormOptions {
  seed: number;
  /** Epoch ms of the first model step; a whole number of steps since the epoch, so reports fall on the clock. */
  start: number;
  /** Length of the run; the model covers start .. start + hours inclusive. Default 36. */
  hours?: number;
  /** The model step, and the reporting interval of stations that set none; must divide 60. Default 5. */
  stepMinutes?: number;
  /**
   * Hydrology stations, by tag (a station may carry several):
   * - `rain`: a 0.1 mm tipping-bucket gauge; metric `rain` (mm since its previous report).
   * - `river`: metrics `stage` (m, to the cm) and `flow` (m³/s). Params warning_stage,
   *   guaranteed_stage (m) and warning_flow, guaranteed_flow (m³/s, the discharges at those stages,
   *   which fix the rating curve); and the catchment above the gauge: area_km2, optional k_hours
   *   (linear-reservoir constant, default 3), runoff (coefficient, default 0.7), base_flow (m³/s,
   *   default 0.03 per km²). Rain reaches a river or reservoir from its `links`, the rain gauges of
   *   its catchment with their shares; without links, from every rain gauge weighted by inverse
   *   distance squared.
   * - `reservoir`: metrics `level` (m, to the cm), `inflow` and `outflow` (m³/s). Params
   *   flood_limit_level < design_level < check_level (m, the pool's datum); its catchment as for a
   *   river; surface_km2 (water surface, constant: storage is proportional to level);
   *   spillway_width (m) and optional spillway_crest (m, default flood_limit_level: a free weir
   *   Q = 1.7 · width · head^1.5 spills above it); release (m³/s through the outlet at every level,
   *   default base_flow); initial_level (m, default flood_limit_level - 1).
   * - `village`: reports only if it has a creek gauge, i.e. params prepare_stage and
   *   evacuate_stage (m); then metric `stage`, from its `links` rain gauges' weighted rain through
   *   the creek's catchment (area_km2, k_hours default 1, runoff, base_flow) and a rating through
   *   prepare_flow and evacuate_flow (m³/s, the critical discharges at those stages).
   * Any station may set report_minutes (a multiple of stepMinutes that divides 60 or is a multiple
   * of it; default stepMinutes): it reports only then, on the clock. Other stations are ignored.
   */
  stations: readonly Station[];
  /** Sensor faults to inject (see hydrology-faults.ts); default DEFAULT_FAULTS, `[]` for none. */
  faults?: readonly Fault[];
  /** Hours the rain band comes later than on its own (1–2 h after the start): a typhoon still far off at the start. Default 0. */
  delayHours?: number;
}

const MINUTE_MS = 60_000;
const LEVEL_NOISE_M = 0.006; // float-well / radar-gauge jitter on stages and pool levels
const FLOW_NOISE = 0.01; // relative sd of a discharge reading (velocity-area or rating error)

type Kind = 'level' | 'flow' | 'rain';
const UNITS: Record<Kind, string> = { level: 'm', flow: 'm3/s', rain: 'mm' };

/** What a station's sensor would read at every model step, if it reported every step. */
interface Truth {
  station: Station;
  metric: string;
  kind: Kind;
  /** Per model step: metres, m³/s, or bucket tips fallen in the step. */
  values: readonly number[];
}

interface Clock {
  start: number;
  steps: number;
  stepMinutes: number;
  stepH: number;
}

function param(station: Station, name: string, fallback?: number): number {
  const v = station.params[name] ?? fallback;
  if (v === undefined || !Number.isFinite(v)) throw new Error(`${station.id}: params.${name} is required by the storm simulator`);
  return v;
}

function catchment(station: Station, defaultK: number): Catchment {
  const areaKm2 = param(station, 'area_km2');
  const c = { areaKm2, kHours: param(station, 'k_hours', defaultK), runoff: param(station, 'runoff', 0.7), baseFlow: param(station, 'base_flow', 0.03 * areaKm2) };
  if (!(c.areaKm2 > 0 && c.kHours > 0 && c.runoff > 0 && c.baseFlow >= 0)) throw new Error(`${station.id}: needs area_km2 > 0, k_hours > 0, runoff > 0, base_flow >= 0`);
  return c;
}

/** Rain gauge weights for a point: inverse distance squared, softened by 2 km so a gauge beside it does not take it all (a stand-in for Thiessen polygons). */
function idwWeights(at: Station, gauges: readonly Station[]): number[] {
  return gauges.map((g) => {
    const [e, n] = kmFrom(at, g);
    return 1 / (e * e + n * n + 4);
  });
}

/** A station's gauge weights from its links, which must name simulated rain gauges. */
function linkWeights(station: Station, gauges: readonly Station[]): number[] {
  const links = Object.entries(station.links ?? {});
  const ids = new Set(gauges.map((g) => g.id));
  if (!links.length || links.some(([id]) => !ids.has(id))) throw new Error(`${station.id}: links must name the rain gauges its catchment drains`);
  return gauges.map((g) => station.links![g.id] ?? 0);
}

/** Areal rain per step (mm): the weighted mean of the gauges' true rain; none without gauges. */
function arealRain(weights: readonly number[], tips: readonly (readonly number[])[], steps: number): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  return Array.from({ length: steps + 1 }, (_, i) => (total > 0 ? weights.reduce((s, w, j) => s + w * tips[j]![i]!, 0) / total / TIPS_PER_MM : 0));
}

/**
 * A gauged channel: flow from its catchment, stage from the rating curve through its two gauged
 * points, `<low>_stage`/`<low>_flow` and `<high>_stage`/`<high>_flow`, so thresholds and hydraulics agree.
 */
function channel(station: Station, [low, high]: readonly [string, string], kHours: number, rainMm: readonly number[], stepH: number): { flow: number[]; stage: number[] } {
  const stageOf = ratingThrough(
    station.id,
    { stage: param(station, `${low}_stage`), flow: param(station, `${low}_flow`) },
    { stage: param(station, `${high}_stage`), flow: param(station, `${high}_flow`) },
  );
  const flow = catchmentDischarge(catchment(station, kHours), rainMm, stepH);
  return { flow, stage: flow.map(stageOf) };
}

function riverTruths(river: Station, rainMm: readonly number[], stepH: number): Truth[] {
  const { flow, stage } = channel(river, ['warning', 'guaranteed'], 3, rainMm, stepH);
  return [
    { station: river, metric: 'stage', kind: 'level', values: stage },
    { station: river, metric: 'flow', kind: 'flow', values: flow },
  ];
}

function reservoirTruths(reservoir: Station, rainMm: readonly number[], stepH: number): Truth[] {
  const floodLimit = param(reservoir, 'flood_limit_level');
  if (!(floodLimit < param(reservoir, 'design_level') && param(reservoir, 'design_level') < param(reservoir, 'check_level'))) {
    throw new Error(`${reservoir.id}: needs flood_limit_level < design_level < check_level`);
  }
  const area = catchment(reservoir, 3);
  const pool = {
    initialLevel: param(reservoir, 'initial_level', floodLimit - 1),
    surfaceKm2: param(reservoir, 'surface_km2'),
    release: param(reservoir, 'release', area.baseFlow),
    spillwayCrest: param(reservoir, 'spillway_crest', floodLimit),
    spillwayWidthM: param(reservoir, 'spillway_width'),
  };
  if (!(pool.surfaceKm2 > 0 && pool.spillwayWidthM > 0 && pool.release >= 0)) throw new Error(`${reservoir.id}: needs surface_km2 > 0, spillway_width > 0, release >= 0`);
  const inflow = catchmentDischarge(area, rainMm, stepH);
  const { level, outflow } = routePool(pool, inflow, stepH);
  return [
    { station: reservoir, metric: 'level', kind: 'level', values: level },
    { station: reservoir, metric: 'inflow', kind: 'flow', values: inflow },
    { station: reservoir, metric: 'outflow', kind: 'flow', values: outflow },
  ];
}

/** Villages report nothing themselves (their rain is their gauges'), unless they have a creek gauge. */
const hasCreekGauge = (village: Station): boolean => village.params.prepare_stage !== undefined || village.params.evacuate_stage !== undefined;

/** A village's creek gauge: a small, quick catchment under its linked gauges. */
function villageTruths(village: Station, rainMm: readonly number[], stepH: number): Truth[] {
  return [{ station: village, metric: 'stage', kind: 'level', values: channel(village, ['prepare', 'evacuate'], 1, rainMm, stepH).stage }];
}

/** The station's reporting interval in minutes: a whole number of model steps, on the clock. */
function reportMinutes(station: Station, clock: Clock): number {
  const every = param(station, 'report_minutes', clock.stepMinutes);
  if (!(every % clock.stepMinutes === 0 && (60 % every === 0 || every % 60 === 0))) {
    throw new RangeError(`${station.id}: report_minutes ${every} must be a multiple of stepMinutes ${clock.stepMinutes} that divides 60 or is a multiple of 60`);
  }
  return every;
}

/** What the sensor sends at model step i, its previous report having been at step `prev`. */
function read(kind: Kind, values: readonly number[], prev: number, i: number, rng: Rng): number {
  switch (kind) {
    case 'rain': // the bucket's tips since the previous report
      return values.slice(prev + 1, i + 1).reduce((s, n) => s + n, 0) / TIPS_PER_MM;
    case 'level':
      return Math.round((values[i]! + rng.normal(0, LEVEL_NOISE_M)) * 100) / 100;
    case 'flow':
      return Math.round(Math.max(0, values[i]! * (1 + rng.normal(0, FLOW_NOISE))) * 10) / 10;
  }
}

/** A sensor's reports: one at every step on its interval, with its own noise stream. */
function reports(truth: Truth, clock: Clock, seed: number): Report[] {
  const everyMs = reportMinutes(truth.station, clock) * MINUTE_MS;
  const rng = createRng(deriveSeed(seed, `${truth.metric}:${truth.station.id}`));
  const out: Report[] = [];
  let prev = -1;
  for (let i = 0; i <= clock.steps; i++) {
    const ts = clock.start + i * clock.stepMinutes * MINUTE_MS;
    if (ts % everyMs !== 0) continue;
    out.push({ ts, value: read(truth.kind, truth.values, prev, i, rng) });
    prev = i;
  }
  return out;
}

/** The model's clock, from the options, or why they are wrong. */
function clockOf(options: StormOptions): Clock {
  const { seed, start } = options;
  const hours = options.hours ?? DEFAULT_STORM_HOURS;
  const stepMinutes = options.stepMinutes ?? DEFAULT_STEP_MINUTES;
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  if (!(stepMinutes > 0 && Number.isInteger(stepMinutes) && 60 % stepMinutes === 0)) {
    throw new RangeError('stepMinutes must be a whole number of minutes that divides 60');
  }
  if (!(Number.isFinite(start) && start % (stepMinutes * MINUTE_MS) === 0)) {
    throw new RangeError('start must be epoch milliseconds on a whole step (e.g. on the hour)');
  }
  const steps = (hours * 60) / stepMinutes;
  if (!(steps > 0 && Number.isInteger(steps))) throw new RangeError('hours must be a positive multiple of stepMinutes');
  return { start, steps, stepMinutes, stepH: stepMinutes / 60 };
}

/** A fault on a simulated station must name one of its metrics; faults on other stations are left out. */
function checkFaults(faults: readonly Fault[], truths: readonly Truth[]): void {
  for (const f of faults) {
    const metrics = truths.filter((t) => t.station.id === f.station).map((t) => t.metric);
    if (metrics.length && !metrics.includes(f.metric)) throw new RangeError(`${f.kind} fault: ${f.station} reports ${metrics.join(', ')}, not ${f.metric}`);
  }
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byTsStationMetric = (a: Observation, b: Observation): number => a.ts - b.ts || byString(a.station, b.station) || byString(a.metric, b.metric);

/** Every reading of a simulated storm over the given stations, sorted by ts, then station, then metric. */
export function simulateStorm(options: StormOptions): Observation[] {
  const clock = clockOf(options);
  const { seed } = options;
  const { steps, stepH } = clock;
  // Sorted by id so the result does not depend on the order stations are listed in.
  const hydro = options.stations.filter((s) => s.domain === 'hydrology').sort((x, y) => byString(x.id, y.id));
  const tagged = (tag: string): Station[] => hydro.filter((s) => s.tags.includes(tag));
  const rainGauges = tagged('rain');

  const storm = drawStorm(seed, options.delayHours ?? 0);
  const centre = {
    lon: rainGauges.reduce((s, g) => s + g.lon, 0) / (rainGauges.length || 1),
    lat: rainGauges.reduce((s, g) => s + g.lat, 0) / (rainGauges.length || 1),
  };
  const tips = rainGauges.map((g) => rainGaugeTips(seed, g, kmFrom(centre, g), storm, steps, stepH));
  const basinRain = (s: Station): number[] => arealRain(s.links ? linkWeights(s, rainGauges) : idwWeights(s, rainGauges), tips, steps);

  const truths: Truth[] = [
    ...rainGauges.map((g, j): Truth => ({ station: g, metric: 'rain', kind: 'rain', values: tips[j]! })),
    ...tagged('river').flatMap((r) => riverTruths(r, basinRain(r), stepH)),
    ...tagged('reservoir').flatMap((r) => reservoirTruths(r, basinRain(r), stepH)),
    ...tagged('village')
      .filter(hasCreekGauge)
      .flatMap((v) => villageTruths(v, arealRain(linkWeights(v, rainGauges), tips, steps), stepH)),
  ];
  const faults = options.faults ?? DEFAULT_FAULTS;
  checkFaults(faults, truths);

  const out: Observation[] = truths.flatMap((t) =>
    applyFaults(reports(t, clock, seed), t.station.id, t.metric, clock.start, faults).map(
      ({ ts, value }): Observation => ({ domain: 'hydrology', station: t.station.id, metric: t.metric, ts, value, unit: UNITS[t.kind], quality: 'reliable', source: 'sim' }),
    ),
  );
  return out.sort(byTsStationMetric);
}
