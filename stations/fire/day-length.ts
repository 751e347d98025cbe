// Monthly day-length factors of the Canadian Fire Weather Index System, chosen by latitude.
// The DMC dries in proportion to an effective day length Le (hours) and the DC to a day-length
// adjustment Lf. Van Wagner (1987, For. Tech. Rep. 35) tabulates both for 46°N only; Lawson &
// Armitage (2008, "Weather guide for the Canadian Forest Fire Danger Rating System", NRCan CFS
// Northern Forestry Centre) add tables for other latitude bands. The bands and their boundaries
// are those of the CFS reference package cffdrs (R, `duff_moisture_code` / `drought_code` with
// lat.adjust = TRUE), so our values agree with it everywhere; southern China (about 18–30°N)
// therefore takes the 20°N (10–30°N) DMC table and the northern DC table.

/** Which DMC table applies. */
export type DmcBand = '46N' | '20N' | 'equator' | '20S' | '40S';
/** Which DC table applies. */
export type DcBand = 'north' | 'equator' | 'south';

/** Effective day length Le (hours), January first. */
export const DMC_DAY_LENGTH: Readonly<Record<DmcBand, readonly number[]>> = {
  // Van Wagner 1987, the Canadian standard.
  '46N': [6.5, 7.5, 9, 12.8, 13.9, 13.9, 12.4, 10.9, 9.4, 8, 7, 6],
  // Lawson & Armitage 2008 (as in cffdrs): 20°N, 20°S and 40°S tables; 9 h all year near the equator.
  '20N': [7.9, 8.4, 8.9, 9.5, 9.9, 10.2, 10.1, 9.7, 9.1, 8.6, 8.1, 7.8],
  equator: [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9],
  '20S': [10.1, 9.6, 9.1, 8.5, 8.1, 7.8, 7.9, 8.3, 8.9, 9.4, 9.9, 10.2],
  '40S': [11.5, 10.5, 9.2, 7.9, 6.8, 6.2, 6.5, 7.4, 8.7, 10, 11.2, 11.8],
};

/** Day-length adjustment Lf, January first. */
export const DC_DAY_LENGTH_FACTOR: Readonly<Record<DcBand, readonly number[]>> = {
  // Van Wagner 1987 (46°N), used north of 20°N.
  north: [-1.6, -1.6, -1.6, 0.9, 3.8, 5.8, 6.4, 5, 2.4, 0.4, -1.6, -1.6],
  // Lawson & Armitage 2008 (as in cffdrs): 1.4 all year near the equator; the northern table shifted six months south of 20°S.
  equator: [1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4],
  south: [6.4, 5, 2.4, 0.4, -1.6, -1.6, -1.6, -1.6, -1.6, 0.9, 3.8, 5.8],
};

/** cffdrs boundaries: 46N for lat > 30; 20N for 10 < lat ≤ 30; equator for −10 < lat ≤ 10; 20S for −30 < lat ≤ −10; 40S for lat ≤ −30. */
export function dmcBand(lat: number): DmcBand {
  checkLatitude(lat);
  if (lat > 30) return '46N';
  if (lat > 10) return '20N';
  if (lat > -10) return 'equator';
  if (lat > -30) return '20S';
  return '40S';
}

/** cffdrs boundaries: north for lat > 20; equator for −20 < lat ≤ 20; south for lat ≤ −20. */
export function dcBand(lat: number): DcBand {
  checkLatitude(lat);
  if (lat > 20) return 'north';
  if (lat > -20) return 'equator';
  return 'south';
}

/** Le (hours) for the DMC at this month (1–12) and latitude (degrees, south negative). */
export const dmcDayLength = (month: number, lat: number): number => DMC_DAY_LENGTH[dmcBand(lat)][monthIndex(month)]!;

/** Lf for the DC at this month (1–12) and latitude (degrees, south negative). */
export const dcDayLengthFactor = (month: number, lat: number): number => DC_DAY_LENGTH_FACTOR[dcBand(lat)][monthIndex(month)]!;

function monthIndex(month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month must be an integer 1–12, got ${month}`);
  return month - 1;
}

function checkLatitude(lat: number): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new RangeError(`latitude must be within −90..90 degrees, got ${lat}`);
}
