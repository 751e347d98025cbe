// The demo's default scenario: a typhoon over Lianjiang County in two simulated days. The
// meteorological service raises the typhoon signal (Blue, Yellow, Orange: the port-return order,
// Red at the height of the storm) while the fleet is at sea east of the Matsu islands; the
// typhoon's gale circle reaches the fleet; its rain band reaches the county once the storm is
// within 500 km and brings rising rivers, full reservoirs and flash-flood villages; the surge
// peaks on the afternoon spring tide at the three tide stations; landfall comes on the county's
// coast; the fire-danger stations report wet, quiet weather; then the signal comes down and, by
// the end of the third day, every warning is lifted (the reservoir draws down last). One pure
// function of the seed.
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import type { Vessel } from '../stations/vessels.ts';
import type { Zone } from '../stations/zones.ts';
import { DEMO_REGION } from './demo-zones.ts';
import { simulateDrySeason } from './fire-weather.ts';
import { fixObservation } from './fleet-observations.ts';
import { DEFAULT_FAULTS, DEFAULT_STEP_MINUTES, simulateStorm, type Fault } from './hydrology.ts';
import { kmBetween } from './vessel-geometry.ts';
import { simulateTide } from './tide.ts';
import { LANDFALL_HOUR, typhoonTrack } from './typhoon-track.ts';
import { simulateFleet } from './vessels.ts';

const HOUR = 3_600_000;

export const TYPHOON_START = Date.parse('2026-07-27T20:00:00+08:00');
export const TYPHOON_HOURS = 60;
/** The county the typhoon signal is issued for: Lianjiang, the demo fleet's home. */
export const SIGNAL_COUNTY = DEMO_REGION;
/** How far from the centre the typhoon's rain bands reach: the rain starts when the county is this close. */
const RAIN_REACH_KM = 500;
/** Hours after the start that the rain band would reach the county on its own (hydrology-rain.ts: 1–2 h). */
const BAND_OWN_ONSET_HOURS = 1.5;

/** The typhoon signal as issued, hours from the start: 1 Blue … 4 Red, 0 lifted. */
export const SIGNAL_SCRIPT: readonly [number, number][] = [
  [1, 1],
  [5, 2],
  [9, 3],
  [17, 4],
  [31, 3],
  [35, 1],
  [39, 0],
];
/** The Orange signal is the port-return order. */
export const ORDER_HOUR = 9;
/** The surge peaks on the afternoon high water of the 28th, at landfall's approach. */
export const SURGE_PEAK_HOUR = 20.5;

export interface TyphoonScenarioOptions {
  seed: number;
  stations: readonly Station[];
  zones: readonly Zone[];
  vessels: readonly Vessel[];
  start?: number;
  hours?: number;
  /** Floor on AIS reporting intervals, seconds (default 180, the AIS rate of a vessel at anchor). */
  minIntervalSeconds?: number;
}

export interface TyphoonScenario {
  start: number;
  end: number;
  /** Every observation, in time order. */
  observations: Observation[];
  /** What happens when, for the timeline. */
  script: { at: number; what: string }[];
  /** The fleet's truth: who did not make it in by the deadline. */
  stragglers: string[];
  /** In by the deadline, but last heard from outside a port before it. */
  reportedOut: string[];
}

/** The demo storm's sensor faults when its rain comes `delay` hours late, with the field crew's repairs: the stuck float and the silent gauge are fixed next day. */
const repairedFaults = (delay: number): Fault[] =>
  DEFAULT_FAULTS.map((f) => (f.kind === 'spike' ? { ...f, atHours: f.atHours + delay } : { ...f, atHours: f.atHours + delay, untilHours: delay + (f.kind === 'stuck' ? 26 : 28) }));

/** Hours until the track's centre comes within `km` of a point (the last hour of the track if it never does). */
function hoursUntilWithin(track: readonly Observation[], at: { lon: number; lat: number }, km: number, start: number): number {
  const near = track.find((o) => kmBetween([o.position!.lon, o.position!.lat], [at.lon, at.lat]) <= km) ?? track.at(-1)!;
  return (near.ts - start) / HOUR;
}

const signal = (ts: number, value: number): Observation => ({ domain: 'typhoon', station: SIGNAL_COUNTY, metric: 'signal', ts, value, quality: 'reliable', source: 'sim:meteorological-service' });

export function typhoonScenario(o: TyphoonScenarioOptions): TyphoonScenario {
  const start = o.start ?? TYPHOON_START;
  const hours = o.hours ?? TYPHOON_HOURS;
  const end = start + hours * HOUR;
  const track = typhoonTrack({ id: 'TY2608', start, hours });
  // The rain band comes when the typhoon is near enough; the faults come with it. A whole number of the storm's steps (5 minutes), so spikes fall on report times.
  const gauges = o.stations.filter((s) => s.tags.includes('rain'));
  const county = { lon: gauges.reduce((s, g) => s + g.lon, 0) / gauges.length, lat: gauges.reduce((s, g) => s + g.lat, 0) / gauges.length };
  const stepsPerHour = 60 / DEFAULT_STEP_MINUTES;
  const delay = Math.max(0, Math.round((hoursUntilWithin(track, county, RAIN_REACH_KM, start) - BAND_OWN_ONSET_HOURS) * stepsPerHour) / stepsPerHour);
  const hydrology = simulateStorm({ seed: o.seed, start, hours, stations: o.stations, faults: repairedFaults(delay), delayHours: delay });
  const tides = simulateTide({ seed: o.seed, start, hours, stations: o.stations, typhoon: { peakAt: start + SURGE_PEAK_HOUR * HOUR, height: 1.0 } });
  // Summer typhoon weather at the fire stations: the fire simulator's days start at local midnight.
  const midnight = start - ((start + 8 * HOUR) % (24 * HOUR));
  const fire = simulateDrySeason({ seed: o.seed, start: midnight, days: Math.ceil((end - midnight) / (24 * HOUR)), stations: o.stations.filter((s) => s.domain === 'fire'), rainDays: [0, 1, 2] }).filter(
    (x) => x.ts >= start && x.ts <= end,
  );
  const fleet = simulateFleet({ seed: o.seed, start, hours, zones: o.zones, vessels: o.vessels, minIntervalSeconds: o.minIntervalSeconds ?? 180, returnOrderAt: start + ORDER_HOUR * HOUR });
  const signals = SIGNAL_SCRIPT.filter(([h]) => h <= hours).map(([h, v]) => signal(start + h * HOUR, v));
  const observations = [...hydrology, ...tides, ...fire, ...track, ...signals, ...fleet.fixes.map(fixObservation)].sort((a, b) => a.ts - b.ts);
  const names = ['lifted', 'Blue', 'Yellow', 'Orange (port-return order)', 'Red'];
  const script = [
    ...SIGNAL_SCRIPT.filter(([h]) => h <= hours).map(([h, v]) => ({ at: start + h * HOUR, what: `typhoon signal ${names[v]}` })),
    { at: start + (BAND_OWN_ONSET_HOURS + delay) * HOUR, what: 'the rain band reaches the county' },
    { at: start + SURGE_PEAK_HOUR * HOUR, what: 'storm surge peaks on the spring tide' },
    { at: start + LANDFALL_HOUR * HOUR, what: 'landfall on the Lianjiang coast' },
  ].sort((a, b) => a.at - b.at);
  return { start, end, observations, script, stragglers: fleet.truth.stragglers, reportedOut: fleet.truth.reportedOut };
}
