// What a fleet run takes and gives: the scenario, the fixes and the truth about who misbehaved, and
// the default counts of scripted misbehaviours.
import type { Terminal, Vessel } from '../stations/vessels.ts';
import type { Zone } from '../stations/zones.ts';
import type { Sea } from './sea.ts';

export interface Fix {
  vessel: string;
  terminal: Terminal;
  ts: number;
  lon: number;
  lat: number;
  /** Speed over ground, knots. */
  speed: number;
  /** Course over ground, degrees true, [0, 360). */
  course: number;
}

/** How many vessels misbehave, of each kind. */
export interface Misbehaviour {
  /** Switch every terminal off for 6–14 h, and come back elsewhere. */
  dark: number;
  /** Steam into a no-fishing area and fish inside it for 1–3 h. */
  intruders: number;
  /** At sea when the return order comes, and in port only after the deadline (or never). */
  stragglers: number;
  /** Of the stragglers, those that never come in. */
  neverReturn: number;
  /** Drift under 2 kn for 4–6 h outside any port. */
  loiterers: number;
}

export const DEFAULT_MISBEHAVIOUR: Misbehaviour = { dark: 12, intruders: 6, stragglers: 15, neverReturn: 4, loiterers: 8 };

/** Every vessel should be in port this long after the return order. */
export const RETURN_DEADLINE_HOURS = 6;

export interface FleetScenario {
  seed: number;
  /** Epoch ms of the first report. */
  start: number;
  hours: number;
  /** Ports (and anchorages) to sail from and shelter in, fishing grounds to fish, no-fishing areas to intrude into. */
  zones: readonly Zone[];
  vessels: readonly Vessel[];
  /** Typhoon port-return order: at this time vessels of every class head for a port; default none. */
  returnOrderAt?: number;
  /** Floor on reporting intervals, seconds (0 = faithful AIS rates). The demo thins class A/B reports to keep volume down. */
  minIntervalSeconds?: number;
  /** Counts of scripted misbehaviours; default DEFAULT_MISBEHAVIOUR. */
  misbehaviour?: Partial<Misbehaviour>;
  /** The water the fleet may use; default the demo county's. */
  sea?: Sea;
}

export interface FleetRun {
  /** Sorted by ts. */
  fixes: Fix[];
  truth: {
    dark: { vessel: string; from: number; until: number }[];
    /** When the vessel was inside the zone, around its fishing there. */
    intruders: { vessel: string; zone: string; from: number; until: number }[];
    /** Not in port by returnOrderAt + 6 h, whether scripted or just too far out. */
    stragglers: string[];
    /** In port by the deadline, but last heard from outside one before it: a detector can only know them in at their next report. */
    reportedOut: string[];
    neverReturn: string[];
    loiterers: { vessel: string; from: number; until: number }[];
  };
}
