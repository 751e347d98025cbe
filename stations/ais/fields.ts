// "Not available" codes and scalings of AIS fields (ITU-R M.1371-5), applied to ggencoder's raw
// values: it returns the codes as numbers (SOG 102.3, COG 360, heading 511, second 60-63, ...).
import type { AisEta } from './message.ts';

/** SOG in knots; 1023 (102.3 kn) is not available. */
export function sog(v: number | undefined): number | undefined {
  return v === undefined || Math.round(v * 10) >= 1023 ? undefined : v;
}

/** COG in degrees; 3600 is not available, 3601-4095 are not valid. */
export function cog(v: number | undefined): number | undefined {
  return v === undefined || v >= 360 ? undefined : v;
}

/** True heading; 511 is not available, 360-510 are not valid. */
export function heading(v: number | undefined): number | undefined {
  return v === undefined || v >= 360 ? undefined : v;
}

/** UTC second of the report; 60 (not available), 61-63 (manual, dead reckoning, inoperative) are no time. */
export function second(v: number | undefined): number | undefined {
  return v === undefined || v >= 60 ? undefined : v;
}

/** Navigational status; 15 is "not defined", the default when nothing was set. */
export function navStatus(v: number | undefined): number | undefined {
  return v === undefined || v === 15 ? undefined : v;
}

/**
 * Rate of turn in degrees per minute from the ROT indicator (ROT_AIS = 4.733 √ROT_sensor, signed),
 * rounded to 0.1. ggencoder hands back the raw indicator, so the conversion is ours.
 * -128 is not available; ±127 says only "turning faster than 5° per 30 s, no turn indicator",
 * which is no rate (the formula would give a false 720°/min), so it is absent too.
 */
export function rot(raw: number | undefined): number | undefined {
  if (raw === undefined || raw <= -127 || raw >= 127) return undefined;
  const deg = Math.round((raw / 4.733) ** 2 * 10) / 10;
  return raw < 0 && deg !== 0 ? -deg : deg;
}

/** A position is a pair: both present and in range, or neither (lon 181 / lat 91 mean not available). */
export function position(lon: number | undefined, lat: number | undefined): { lon?: number; lat?: number } {
  if (lon === undefined || lat === undefined || Math.abs(lon) > 180 || Math.abs(lat) > 90) return {};
  return { lon, lat };
}

/** Sum of two dimension fields in metres; 0 + 0 is not available. */
export function span(a: number | undefined, b: number | undefined): number | undefined {
  const sum = (a ?? 0) + (b ?? 0);
  return sum > 0 ? sum : undefined;
}

/** 0 is the not-available code for IMO number, draught and ship type. */
export function positive(v: number | undefined): number | undefined {
  return v === undefined || v <= 0 ? undefined : v;
}

/** ggencoder already stops at the first '@' and trims; an empty string is not available. */
export function text(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** Month 0, day 0, hour 24 and minute 60 are not available; a partial ETA is no ETA. */
export function eta(month?: number, day?: number, hour?: number, minute?: number): AisEta | undefined {
  if (month === undefined || day === undefined || hour === undefined || minute === undefined) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  return { month, day, hour, minute };
}

/** Drops keys whose value is undefined, so "absent" really is absent (deepEqual, JSON, `in`). */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
