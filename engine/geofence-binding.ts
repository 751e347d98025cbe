// One geofence rule bound to one vessel: where the vessel is (which of the rule's areas it is in,
// with a buffer at the boundary so a vessel on the edge does not flap), whether the rule's
// condition holds there (inside, outside, enter, exit, within a speed band), and the tier ladder
// that turns "held for long enough" into tiers. The condition is a 0/1 signal on the shared ladder,
// so dwell, clear dwell, hold and renotify work as for every other rule.
import { idle } from '../alerting/lifecycle.ts';
import { initialLadder, realign, stepLadder, topTier, type Decision, type LadderStep, type Level } from '../rules/latch.ts';
import type { GeofenceRule, GeofenceVariant, Mode } from '../rules/rule.ts';
import type { LadderBindingState } from './series-binding.ts';
import type { Tier } from './tiers.ts';
import type { Station } from './station.ts';
import type { StateRow } from './store/store.ts';

/** A vessel's fix: speed in knots, course in degrees true. */
export interface Fix {
  ts: number;
  lon: number;
  lat: number;
  speed?: number;
  course?: number;
}

export interface Area {
  id: string;
  name: string;
  kind: string;
}

/** The areas a rule watches: registry zones behind a spatial index, or moving hazard circles. */
export interface Areas {
  /** An area containing the point (the edge counts), if any. */
  containing(lon: number, lat: number): Area | undefined;
  /** Metres from the point to the area's edge, 0 inside; Infinity for an area that is gone. */
  distance(id: string, lon: number, lat: number): number;
  get(id: string): Area | undefined;
}

export interface GeofenceState extends LadderBindingState {
  /** The area the vessel is counted in (null: none); absent before its first fix. */
  area?: string | null;
  /** Seen outside every area / inside one since watching began: what enter and exit need. */
  seenOut: boolean;
  seenIn: boolean;
}

/** The condition as a ladder: every tier is "held" (signal 1) for its own dwell. */
export function geofenceLevels(v: GeofenceVariant): Level[] {
  return v.tiers.map((t) => ({ tier: t.tier, component: 0, op: 'above', level: 1, clearLevel: 0.5, forMs: t.forMs, clearForMs: v.clearForMs }));
}

const UNCHANGED: LadderStep = { applied: false, reason: 'duplicate' };
const SPEED_KEPT_MS = 30 * 60_000;

export class GeofenceBinding {
  readonly key: string;
  state: GeofenceState;
  /** The newest fix. Memory only: read back from the store at start. */
  last?: Fix;
  /** The newest known speed and its time (NaN: none yet): a report without one (a class B unit's N/A) does not break a dwell. */
  private knots = NaN;
  private knotsTs = NaN;
  lastDecision?: Decision;
  private levels: Level[];

  constructor(
    readonly rule: GeofenceRule,
    readonly station: Station,
    /** The rule's areas (replaced by a hot swap that keeps the rule). */
    public areas: Areas,
    private mode: Mode,
    saved?: StateRow,
    /** Zones where the condition never holds (replaced with the areas by a hot swap). */
    public except?: Areas,
  ) {
    this.key = `${rule.id}|${station.id}`;
    this.levels = geofenceLevels(rule.variants[mode]);
    this.state = saved?.ruleHash === rule.hash ? (saved.state as GeofenceState) : { ladder: initialLadder(this.levels), life: idle, seenOut: false, seenIn: false };
  }

  get variant(): GeofenceVariant {
    return this.rule.variants[this.mode];
  }

  /**
   * Take a fix: the vessel stays counted in its area until it is farther than the buffer from it;
   * it is counted in a new area only once it is inside one. The caller passes fixes in time order.
   * True when what is kept of it changed.
   */
  move(fix: Fix): boolean {
    const areas = this.areas;
    this.last = fix;
    if (fix.speed !== undefined) {
      this.knots = fix.speed;
      this.knotsTs = fix.ts;
    }
    const state = this.state;
    const before = state.area;
    const kept = before ? areas.distance(before, fix.lon, fix.lat) <= this.variant.bufferM : false;
    const area = kept ? before! : (areas.containing(fix.lon, fix.lat)?.id ?? null);
    if (area === before && (area ? state.seenIn : state.seenOut)) return false;
    this.state = { ...state, area, seenIn: state.seenIn || area !== null, seenOut: state.seenOut || area === null };
    return true;
  }

  /** 1 when the rule's condition holds, 0 when not, NaN when it cannot tell (a speed band and no speed). */
  signal(gateOpen = true): number {
    if (!gateOpen) return 0;
    const v = this.variant;
    const { area, seenIn, seenOut } = this.state;
    // A vessel never heard from is in no area we know of: "not in port" for a port-return order.
    const inside = area !== undefined && area !== null;
    const where =
      v.condition === 'inside' ? inside : v.condition === 'outside' ? !inside : v.condition === 'enter' ? inside && seenOut : !inside && seenIn;
    if (!where) return 0;
    if (this.except && this.last && this.except.containing(this.last.lon, this.last.lat)) return 0;
    if (!v.speed) return 1;
    // A speed heard within the last half hour stands for a report that lacks one; older, nothing is known.
    const speed = this.last && this.last.ts - this.knotsTs <= SPEED_KEPT_MS ? this.knots : NaN;
    if (Number.isNaN(speed)) return NaN;
    return (v.speed.above === undefined || speed > v.speed.above) && (v.speed.below === undefined || speed < v.speed.below) ? 1 : 0;
  }

  /**
   * Step the ladder at event time `ts` (never before its last step: the clock may have moved it on).
   * Skipped when no latch could move: most fixes find a vessel as it was (outside every closed
   * area), and the ladder's allocations per step were most of the geofence's cost.
   */
  step(ts: number, signal: number): LadderStep {
    if (this.quiet(signal)) return UNCHANGED;
    const step = stepLadder(this.levels, this.state.ladder, Math.max(ts, this.state.ladder.lastTs), [signal], true);
    if (step.applied) {
      this.state = { ...this.state, ladder: step.state };
      if (step.decision) this.lastDecision = step.decision;
    }
    return step;
  }

  /**
   * Outside every area of an inside or enter rule, with no latch on or under way: whatever the speed,
   * order or clock, the signal is 0 and the ladder stays as it is, so a fix needs no step.
   */
  get settledOutside(): boolean {
    if (this.state.area !== null) return false;
    const condition = this.variant.condition;
    return (condition === 'inside' || condition === 'enter') && this.quiet(0);
  }

  /**
   * No latch could move on this signal: none mid-dwell, none whose condition flips. latch.ts's
   * quiet() for the geofence's fixed levels (1 raises, below 0.5 clears) on a plain number: the
   * general one, with its signal array and per-level lookups, made the geofence benchmark 7% slower.
   */
  private quiet(signal: number): boolean {
    for (const l of this.state.ladder.latches) if (l.run || (l.on ? signal < 0.5 : signal >= 1)) return false;
    return true;
  }

  /** The tier the ladder stands at (what a hold that ended steps down to). */
  get proposed(): Tier | null {
    return topTier(this.levels, this.state.ladder);
  }

  /** The vessel where it was last seen (its home port before any fix), for the warning. */
  get place(): Station {
    return this.last ? { ...this.station, lon: this.last.lon, lat: this.last.lat } : this.station;
  }

  /** When the earliest dwell under way completes if nothing changes (undefined: none under way). */
  get dueAt(): number | undefined {
    let due: number | undefined;
    this.state.ladder.latches.forEach((l, i) => {
      if (!l.run) return;
      const at = l.run.from.ts + (l.on ? this.levels[i]!.clearForMs : this.levels[i]!.forMs);
      due = Math.min(due ?? at, at);
    });
    return due;
  }

  setMode(mode: Mode): void {
    const next = geofenceLevels(this.rule.variants[mode]);
    this.state = { ...this.state, ladder: realign(this.levels, this.state.ladder, next) };
    this.levels = next;
    this.mode = mode;
  }
}
