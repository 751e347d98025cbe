// The Canadian Forest Fire Weather Index System: one day's codes and indices from local-noon
// weather and yesterday's codes. Equations (numbers in comments) are those of Van Wagner (1987,
// "Development and structure of the Canadian Forest Fire Weather Index System", For. Tech. Rep.
// 35) and Van Wagner & Pickett (1985, For. Tech. Rep. 33), in the forms of the CFS reference code
// (Wang, Anderson & Suddaby 2015, NOR-X-424; the cffdrs R package), whose outputs the tests check.
import { dcDayLengthFactor, dmcDayLength } from './day-length.ts';

export interface FwiCodes {
  ffmc: number;
  dmc: number;
  dc: number;
}

export interface NoonWeather {
  /** Air temperature, °C. */
  temp: number;
  /** Relative humidity, %. */
  rh: number;
  /** Wind speed at 10 m, km/h. */
  wind: number;
  /** Rain in the 24 h ending at noon, mm. */
  rain: number;
}

export interface FwiDay extends FwiCodes {
  isi: number;
  bui: number;
  fwi: number;
  dsr: number;
}

/** The standard start-up codes after a long interruption or at the start of the season. */
export const STARTUP: FwiCodes = { ffmc: 85, dmc: 6, dc: 15 };

/** FFMC ↔ fine-fuel moisture (%) conversion, 250 × 59.5 / 101; the rounded 147.2 of the 1985 program puts the FFMC up to 0.12 too high. */
const FFMC_FACTOR = 147.27723;

/** Relative humidity held to 0–100 %, as the standard does. */
const clampRh = (rh: number): number => Math.min(100, Math.max(0, rh));

/** Fine fuel moisture (%) of an FFMC (Eq. 1). */
const ffmcMoisture = (ffmc: number): number => (FFMC_FACTOR * (101 - ffmc)) / (59.5 + ffmc);

/** Eqs. 6a / 7a: log rate at 21.1 °C, given the fraction that opposes the change. */
const logRate = (opposing: number, wind: number): number =>
  0.424 * (1 - opposing ** 1.7) + 0.0694 * Math.sqrt(wind) * (1 - opposing ** 8);

/** Fine Fuel Moisture Code from yesterday's FFMC and noon temp (°C), RH (%), wind (km/h), 24 h rain (mm). */
export function ffmc(prev: number, temp: number, rh: number, wind: number, rain: number): number {
  const h = clampRh(rh);
  let mo = ffmcMoisture(prev);
  if (rain > 0.5) {
    // Eqs. 2, 3a, 3b: the first 0.5 mm is lost to the canopy; moisture cannot exceed 250 %.
    const rf = rain - 0.5;
    let mr = mo + 42.5 * rf * Math.exp(-100 / (251 - mo)) * (1 - Math.exp(-6.93 / rf));
    if (mo > 150) mr += 0.0015 * (mo - 150) ** 2 * Math.sqrt(rf);
    mo = Math.min(mr, 250);
  }
  // Eqs. 4 and 5: equilibrium moisture for drying (Ed) and wetting (Ew).
  const tempTerm = 0.18 * (21.1 - temp) * (1 - Math.exp(-0.115 * h));
  const ed = 0.942 * h ** 0.679 + 11 * Math.exp((h - 100) / 10) + tempTerm;
  const ew = 0.618 * h ** 0.753 + 10 * Math.exp((h - 100) / 10) + tempTerm;
  let m = mo;
  if (mo > ed) {
    // Eqs. 6a, 6b, 8: drying, slowed by humidity (H/100).
    const k = logRate(h / 100, wind) * 0.581 * Math.exp(0.0365 * temp);
    m = ed + (mo - ed) * 10 ** -k;
  } else if (mo < ew) {
    // Eqs. 7a, 7b, 9: wetting by dew or humid air, slowed by dryness ((100 − H)/100).
    const k = logRate((100 - h) / 100, wind) * 0.581 * Math.exp(0.0365 * temp);
    m = ew - (ew - mo) * 10 ** -k;
  }
  // Eq. 10.
  return Math.min(101, Math.max(0, (59.5 * (250 - m)) / (FFMC_FACTOR + m)));
}

/** Duff Moisture Code from yesterday's DMC, noon temp (°C), RH (%), 24 h rain (mm), month (1–12), latitude (°). */
export function dmc(prev: number, temp: number, rh: number, rain: number, month: number, lat: number): number {
  const h = clampRh(rh);
  let pr = prev;
  if (rain > 1.5) {
    // Eqs. 11–15: net rain, duff moisture before and after rain, back to a code. Eq. 12 in the
    // reference code's form; the near-equal 20 + exp(5.6348 − P/43.43) drifts ~0.02 from cffdrs.
    const re = 0.92 * rain - 1.27;
    const mo = 20 + 280 / Math.exp(0.023 * prev);
    const b = prev <= 33 ? 100 / (0.5 + 0.3 * prev) : prev <= 65 ? 14 - 1.3 * Math.log(prev) : 6.2 * Math.log(prev) - 17.2;
    const mr = mo + (1000 * re) / (48.77 + b * re);
    pr = Math.max(0, 43.43 * (5.6348 - Math.log(mr - 20)));
  }
  // Eqs. 16, 17: no drying below −1.1 °C; 1.894 × … × 10⁻⁶ × 100 folded into 10⁻⁴.
  const t = Math.max(temp, -1.1);
  const drying = 1.894 * (t + 1.1) * (100 - h) * dmcDayLength(month, lat) * 1e-4;
  return Math.max(0, pr + drying);
}

/** Drought Code from yesterday's DC, noon temp (°C), 24 h rain (mm), month (1–12), latitude (°). */
export function dc(prev: number, temp: number, rain: number, month: number, lat: number): number {
  let dr = prev;
  if (rain > 2.8) {
    // Eqs. 18–21: effective rain, moisture equivalent before and after rain, back to a code.
    const rd = 0.83 * rain - 1.27;
    const qo = 800 * Math.exp(-prev / 400);
    dr = Math.max(0, 400 * Math.log(800 / (qo + 3.937 * rd)));
  }
  // Eqs. 22, 23: no evaporation below −2.8 °C, and a negative winter Lf never lowers the code.
  const t = Math.max(temp, -2.8);
  const v = Math.max(0, 0.36 * (t + 2.8) + dcDayLengthFactor(month, lat));
  return dr + 0.5 * v;
}

/** Initial Spread Index from today's FFMC and wind (km/h) (Eqs. 24–26). */
export function isi(ffmcToday: number, wind: number): number {
  const m = ffmcMoisture(ffmcToday);
  const fWind = Math.exp(0.05039 * wind);
  const fMoisture = 91.9 * Math.exp(-0.1386 * m) * (1 + m ** 5.31 / 4.93e7);
  return 0.208 * fWind * fMoisture;
}

/** Buildup Index from today's DMC and DC (Eqs. 27a, 27b). */
export function bui(dmcToday: number, dcToday: number): number {
  if (dmcToday <= 0 && dcToday <= 0) return 0;
  const u =
    dmcToday <= 0.4 * dcToday
      ? (0.8 * dmcToday * dcToday) / (dmcToday + 0.4 * dcToday)
      : dmcToday - (1 - (0.8 * dcToday) / (dmcToday + 0.4 * dcToday)) * (0.92 + (0.0114 * dmcToday) ** 1.7);
  return Math.max(0, u);
}

/** Fire Weather Index from ISI and BUI (Eqs. 28a, 28b, 29, 30a, 30b). */
export function fwi(isiToday: number, buiToday: number): number {
  const fD = buiToday <= 80 ? 0.626 * buiToday ** 0.809 + 2 : 1000 / (25 + 108.64 * Math.exp(-0.023 * buiToday));
  const b = 0.1 * isiToday * fD;
  return b > 1 ? Math.exp(2.72 * (0.434 * Math.log(b)) ** 0.647) : b;
}

/** Daily Severity Rating from the FWI (Eq. 31). */
export const dsr = (fwiToday: number): number => 0.0272 * fwiToday ** 1.77;

/** All codes and indices for one day. Throws RangeError on weather no station can report. */
export function fwiDay(prev: FwiCodes, weather: NoonWeather, month: number, lat: number): FwiDay {
  const { temp, rh, wind, rain } = weather;
  if (![temp, rh, wind, rain].every(Number.isFinite)) throw new RangeError(`noon weather must be finite numbers, got ${JSON.stringify(weather)}`);
  if (wind < 0 || rain < 0) throw new RangeError(`wind and rain cannot be negative, got wind ${wind}, rain ${rain}`);
  const codes = {
    ffmc: ffmc(prev.ffmc, temp, rh, wind, rain),
    dmc: dmc(prev.dmc, temp, rh, rain, month, lat),
    dc: dc(prev.dc, temp, rain, month, lat),
  };
  const isiToday = isi(codes.ffmc, wind);
  const buiToday = bui(codes.dmc, codes.dc);
  const fwiToday = fwi(isiToday, buiToday);
  return { ...codes, isi: isiToday, bui: buiToday, fwi: fwiToday, dsr: dsr(fwiToday) };
}
