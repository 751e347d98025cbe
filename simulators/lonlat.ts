// Positions as [lon, lat] and the flat-earth scale the simulators measure them with (legs and
// zones are tens of km, so a local scale per latitude is accurate enough).

export type LonLat = readonly [number, number];

export const KM_PER_DEG_LAT = 110.574;
export const kmPerDegLon = (lat: number): number => 111.32 * Math.cos((lat * Math.PI) / 180);
