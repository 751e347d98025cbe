// The demo's default scenario: a typhoon over a coastal county in two simulated days. The
// meteorological service raises the typhoon signal (Blue, Yellow, Orange: the port-return order,
// Red at the height of the storm) while the fleet is at sea; the rain band brings rising rivers,
// full reservoirs and flash-flood villages; the surge peaks on the afternoon spring tide; the
// typhoon's gale circle sweeps the coast at landfall; the fire-danger stations report wet, quiet
// weather; then the signal comes down and, by the end of the third day, every warning is lifted
// (the reservoir draws down last). One pure function of the seed.
import type { Observation } from '../engine/observation.ts';
import type { Station } from '../engine/station.ts';
import type { Vessel } from '../stations/vessels.ts';
import type { Zone } from '../stations/zones.ts';
import { simulateDrySeason } from './fire-weather.ts';
import { fixObservation } from './fleet-observations.ts';
import { DEFAULT_FAULTS, simulateStorm, type Fault } from './hydrology.ts';
import { simulateTide } from './tide.ts';
import { typhoonTrack } from './typhoon-track.ts';
import { simulateFleet } from './vessels.ts';

const HOUR = 3_600_000;

export const TYPHOON_START = Date.parse('2026-07-27T20:00:00+08:00');
export const TYPHOON_HOURS = 60;
/** The county the typhoon signal is issued for (the demo fleet's home coast). */
export const SIGNAL_COUNTY = '331082';

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
}

/** The demo storm's sensor faults, with the field crew's repairs: the stuck float and the silent gauge are fixed next day. */
export const REPAIRED_FAULTS: readonly Fault[] = DEFAULT_FAULTS.map((f) => (f.kind === 'spike' ? f : { ...f, untilHours: f.kind === 'stuck' ? 26 : 28 }));

const signal = (ts: number, value: number): Observation => ({ domain: 'typhoon', station: SIGNAL_COUNTY, metric: 'signal', ts, value, quality: 'reliable', source: 'sim:meteorological-service' });

export function typhoonScenario(o: TyphoonScenarioOptions): TyphoonScenario {
  const start = o.start ?? TYPHOON_START;
  const hours = o.hours ?? TYPHOON_HOURS;
  const end = start + hours * HOUR;
  const hydrology = simulateStorm({ seed: o.seed, start, hours, stations: o.stations, faults: REPAIRED_FAULTS });
  const tides = simulateTide({ seed: o.seed, start, hours, stations: o.stations, typhoon: { peakAt: start + SURGE_PEAK_HOUR * HOUR, height: 1.0 } });
  // Summer typhoon weather at the fire stations: the fire simulator's days start at local midnight.
  const midnight = start - ((start + 8 * HOUR) % (24 * HOUR));
  const fire = simulateDrySeason({ seed: o.seed, start: midnight, days: Math.ceil((end - midnight) / (24 * HOUR)), stations: o.stations.filter((s) => s.domain === 'fire'), rainDays: [0, 1, 2] }).filter(
    (x) => x.ts >= start && x.ts <= end,
  );
  const track = typhoonTrack({ id: 'TY2608', start, hours });
  const fleet = simulateFleet({ seed: o.seed, start, hours, zones: o.zones, vessels: o.vessels, minIntervalSeconds: o.minIntervalSeconds ?? 180, returnOrderAt: start + ORDER_HOUR * HOUR });
  const signals = SIGNAL_SCRIPT.filter(([h]) => h <= hours).map(([h, v]) => signal(start + h * HOUR, v));
  const observations = [...hydrology, ...tides, ...fire, ...track, ...signals, ...fleet.fixes.map(fixObservation)].sort((a, b) => a.ts - b.ts);
  const names = ['lifted', 'Blue', 'Yellow', 'Orange (port-return order)', 'Red'];
  const script = [
    ...SIGNAL_SCRIPT.filter(([h]) => h <= hours).map(([h, v]) => ({ at: start + h * HOUR, what: `typhoon signal ${names[v]}` })),
    { at: start + SURGE_PEAK_HOUR * HOUR, what: 'storm surge peaks on the spring tide' },
  ].sort((a, b) => a.at - b.at);
  return { start, end, observations, script, stragglers: fleet.truth.stragglers };
}
