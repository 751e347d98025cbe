// The weather of a dry season at the county's fire-danger stations: hourly air temperature, relative
// humidity, 10 m wind and rain over a few weeks of the autumn–winter dry season on the Fujian coast
// (dawn minima near 10 °C, afternoon maxima near 20 °C, humid nights, moderate afternoon breezes).
// A dry spell of continental north-east-monsoon air makes the afternoons warm, dry (15–25 % RH) and,
// as it goes on, windy, so the Fire Weather Index climbs to the top danger levels; a cold front's
// rain resets the codes. Pure and deterministic: the same seed and stations give the same readings.
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import { createRng, deriveSeed, type Rng } from './rng.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China Standard Time: the simulated days are local days, as the fire index's are. */
const UTC_OFFSET = 8 * HOUR;
/** sd of the log of the hourly wind about its smooth course; mean 1, so gusts do not change the mean wind. */
const GUSTINESS = 0.12;

/** The demo dry season: 1–20 December 2025, a dry spell on the 6th–16th, fronts on the 1st and the 17th. */
export const DRY_SEASON_SEED = 20251201;
export const DRY_SEASON_START = Date.parse('2025-12-01T00:00:00+08:00');
export const DRY_SEASON_DAYS = 20;
export const DRY_SPELL = { fromDay: 5, toDay: 15 } as const;
/** A front on the first day keeps the season's start moist; the one the day after the spell ends it. */
export const RAIN_DAYS: readonly number[] = [0, 16];
export const DRY_SEASON = { seed: DRY_SEASON_SEED, start: DRY_SEASON_START, days: DRY_SEASON_DAYS, drySpell: DRY_SPELL, rainDays: RAIN_DAYS };

export interface DrySeasonOptions {
  seed: number;
  /** Epoch ms of a local (UTC+8) midnight: day 0 starts there. */
  start: number;
  days: number;
  /** Stations of domain `fire`; params.elevation_m (default 0) cools them and strengthens their wind. Others are ignored. */
  stations: readonly Station[];
  /** Days (0-based, both included) of dry continental air; none without it. */
  drySpell?: { fromDay: number; toDay: number };
  /** Days on which a front rains for 5–7 hours from the small hours, all of it before noon, so it counts in that day's index. */
  rainDays?: readonly number[];
}

/** One local day of the county's weather, before each station's offsets. */
interface DayWeather {
  /** °C at 06:00 and at 14:00. */
  tMin: number;
  tMax: number;
  /** Dew point at 14:00, °C: the air mass's moisture, which sets the humidity through the day. */
  dew: number;
  /** km/h at night and at the 14:00 peak. */
  windNight: number;
  windPeak: number;
  /** A front: the local hour its rain starts, and mm in each hour from then. */
  rain?: { from: number; mm: number[] };
}

/** Where a station stands: offsets from the county's weather. */
interface Site {
  /** °C added to the temperature all day, and to the afternoon maximum only. */
  dT: number;
  dTmax: number;
  /** °C added to the dew point. */
  dDew: number;
  /** Factor on the wind. */
  wind: number;
}

const UNITS = { temp: '°C', rh: '%', wind: 'km/h', rain: 'mm' } as const;
type Metric = keyof typeof UNITS;

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/**
 * The county's weather on day d. Every day draws the same numbers whatever it turns out to be, so
 * moving the dry spell or a front leaves the other days as they were.
 */
function dayWeather(seed: number, d: number, spell: { fromDay: number; toDay: number } | undefined, rainDays: readonly number[]): DayWeather {
  const rng = createRng(deriveSeed(seed, `fire-day:${d}`));
  // An ordinary December day on the coast: humid maritime air, a light afternoon breeze.
  let tMin = rng.normal(10, 1);
  let tMax = rng.normal(19.5, 1);
  let dew = rng.normal(9, 1.2);
  let windNight = uniform(rng, 4, 7);
  let windPeak = uniform(rng, 9, 15);
  const gust = rng.normal(0, 3.5);
  const rainFrom = 1 + Math.floor(rng.next() * 4);
  const rainMm = Array.from({ length: 5 + Math.floor(rng.next() * 3) }, () => uniform(rng, 1, 8));
  if (spell && d >= spell.fromDay && d <= spell.toDay) {
    // The dry air sets in over three days and deepens; the monsoon wind freshens toward the end.
    const k = d - spell.fromDay;
    const depth = Math.min(1, (k + 1) / 3);
    const late = spell.toDay > spell.fromDay ? k / (spell.toDay - spell.fromDay) : 1;
    tMin += depth;
    tMax += depth * (3 + 2 * late);
    dew -= depth * (8 + 3 * late);
    windNight += 2 * late;
    windPeak = clamp(12 + 16 * late + gust, 10, 32);
  }
  // Behind a front, three days of low cloud and moist easterlies.
  if (rainDays.some((r) => d - r >= 1 && d - r <= 3)) {
    tMax -= 1.5;
    dew += 2;
  }
  if (!rainDays.includes(d)) return { tMin, tMax, dew, windNight, windPeak };
  // The front: rain from the small hours into the morning, a grey, nearly saturated day, fresh wind.
  tMax = tMin + 4;
  return { tMin, tMax, dew: tMax - 0.5, windNight: windNight + 4, windPeak: windPeak + 6, rain: { from: rainFrom, mm: rainMm } };
}

/**
 * The county's coast lies east of about 119.55°E; towards it (seaward 0 → 1 at 119.85°E) the sea
 * keeps afternoons cooler and moister and the wind stronger. Up hill: 0.6 °C cooler and the dew
 * point 0.2 °C lower per 100 m, and more exposed to the wind.
 */
function siteOf(seed: number, s: Station): Site {
  const rng = createRng(deriveSeed(seed, `fire-site:${s.id}`));
  const elevation = s.params.elevation_m ?? 0;
  const seaward = clamp((s.lon - 119.55) / 0.3, 0, 1);
  return {
    dT: (-0.6 * elevation) / 100 + rng.normal(0, 0.5),
    dTmax: -1.5 * seaward,
    dDew: (-0.2 * elevation) / 100 + 2.5 * seaward + rng.normal(0, 0.6),
    wind: (1 + elevation / 1500) * (1 + 0.15 * seaward) * Math.exp(rng.normal(0, 0.06)),
  };
}

/** Value at hour t (hours since start) between anchors [hour, value], eased by a half cosine or linear. */
function interpolate(anchors: readonly (readonly [number, number])[], t: number, ease: boolean): number {
  const i = anchors.findIndex(([h]) => h > t);
  const [h0, v0] = anchors[i - 1]!;
  const [h1, v1] = anchors[i]!;
  const f = (t - h0) / (h1 - h0);
  return v0 + (v1 - v0) * (ease ? (1 - Math.cos(Math.PI * f)) / 2 : f);
}

/** Saturation vapour pressure over water, hPa (Magnus, WMO constants). */
const saturation = (t: number): number => 6.112 * Math.exp((17.62 * t) / (243.12 + t));

/** The afternoon wind: none of the sea breeze or the mixed-down monsoon before 08:00 or after 20:00, most at 14:00. */
const afternoon = (hour: number): number => (hour > 8 && hour < 20 ? Math.sin((Math.PI * (hour - 8)) / 12) : 0);

function checkOptions(o: DrySeasonOptions): void {
  if ((o.start + UTC_OFFSET) % DAY !== 0) throw new RangeError(`start must be a local (UTC+8) midnight, got ${new Date(o.start).toISOString()}`);
  if (!Number.isInteger(o.days) || o.days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${o.days}`);
  const inSeason = (d: number): boolean => Number.isInteger(d) && d >= 0 && d < o.days;
  if (o.drySpell && !(inSeason(o.drySpell.fromDay) && inSeason(o.drySpell.toDay) && o.drySpell.fromDay <= o.drySpell.toDay)) {
    throw new RangeError(`drySpell must be days fromDay ≤ toDay within 0..${o.days - 1}, got ${JSON.stringify(o.drySpell)}`);
  }
  const bad = (o.rainDays ?? []).filter((d) => !inSeason(d));
  if (bad.length) throw new RangeError(`rainDays must be days within 0..${o.days - 1}, got ${bad.join(', ')}`);
}

/** Hourly temp, rh, wind and rain of every fire station, sorted by ts, then station, then metric. */
export function simulateDrySeason(options: DrySeasonOptions): Observation[] {
  checkOptions(options);
  const { seed, start, days, drySpell, rainDays = [] } = options;
  const weather = Array.from({ length: days }, (_, d) => dayWeather(seed, d, drySpell, rainDays));
  // Anchors a day either side, so the first night and the last evening have somewhere to come from and go to.
  const padded = [weather[0]!, ...weather, weather[days - 1]!];
  const hourOf = (k: number, h: number): number => (k - 1) * 24 + h;
  const out: Observation[] = [];
  for (const station of options.stations.filter((s) => s.domain === 'fire')) {
    const site = siteOf(seed, station);
    const temps = padded.flatMap((w, k) => [[hourOf(k, 6), w.tMin + site.dT] as const, [hourOf(k, 14), w.tMax + site.dT + site.dTmax] as const]);
    const dews = padded.map((w, k) => [hourOf(k, 14), w.dew + site.dDew] as const);
    const rng = createRng(deriveSeed(seed, `fire:${station.id}`));
    // Slow weather noise (a passing cloud, a moister puff of air) as AR(1); the wind is gusty hour to hour.
    let noiseT = 0;
    let noiseDew = 0;
    for (let t = 0; t < days * 24; t++) {
      noiseT = 0.8 * noiseT + rng.normal(0, 0.3);
      noiseDew = 0.85 * noiseDew + rng.normal(0, 0.4);
      const gust = Math.exp(rng.normal(-(GUSTINESS * GUSTINESS) / 2, GUSTINESS));
      const rainScale = Math.exp(rng.normal(0, 0.25));
      const hour = t % 24;
      const w = weather[Math.floor(t / 24)]!;
      const temp = interpolate(temps, t, true) + noiseT;
      const dew = Math.min(temp, interpolate(dews, t, false) + noiseDew);
      // Rain reported at hh:00 fell in the hour before.
      const mm = w.rain && hour >= w.rain.from ? (w.rain.mm[hour - w.rain.from] ?? 0) * rainScale : 0;
      const rh = mm > 0 ? 96 : clamp((100 * saturation(dew)) / saturation(temp), 5, 97);
      const wind = (w.windNight + (w.windPeak - w.windNight) * afternoon(hour)) * site.wind * gust;
      const values: Record<Metric, number> = { rain: round(mm, 1), rh: Math.round(rh), temp: round(temp, 1), wind: round(wind, 1) };
      const ts = start + t * HOUR;
      for (const metric of Object.keys(UNITS) as Metric[]) {
        out.push({ domain: 'fire', station: station.id, metric, ts, value: values[metric], unit: UNITS[metric], quality: 'reliable', source: 'sim:fire-weather' });
      }
    }
  }
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => a.ts - b.ts || order(a.station, b.station) || order(a.metric, b.metric));
}
