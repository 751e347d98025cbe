// One series rule (threshold, trend, stat, accumulation) bound to one station: its windows per
// mode, its tier ladder with levels resolved from the station's parameters, and its lifecycle.
import { idle, type LifecycleState } from '../alerting/lifecycle.ts';
import { initialLadder, quiet, realign, stepLadder, topTier, type Decision, type LadderState, type Level } from '../rules/latch.ts';
import { MODES, type Mode, type SeriesRule, type TierCondition } from '../rules/rule.ts';
import { createTracker, type SignalSpec, type SignalTracker } from '../rules/window.ts';
import type { Station } from './station.ts';
import type { StateRow } from './store/store.ts';
import type { Reading } from './warning.ts';

export interface LadderBindingState {
  ladder: LadderState;
  life: LifecycleState;
}

interface Resolved {
  conds: TierCondition[];
  levels: Level[];
}

/** A rule's conditions at a station; a station without the parameter a tier needs has no such tier. */
export function resolveLevels(conditions: readonly TierCondition[], params: Record<string, number>): Resolved {
  const conds: TierCondition[] = [];
  const levels: Level[] = [];
  for (const c of conditions) {
    const level = c.level.evaluate(params);
    const h = c.hysteresis.evaluate(params);
    if (level === undefined || h === undefined) continue;
    conds.push(c);
    levels.push({ tier: c.tier, component: c.component, op: c.op, level, clearLevel: c.op === 'above' ? level - h : level + h, forMs: c.forMs, clearForMs: c.clearForMs });
  }
  return { conds, levels };
}

/** How much history a signal needs: its longest window. */
export const spanOf = (s: SignalSpec): number =>
  s.kind === 'value' ? 0 : s.kind === 'accumulation' ? Math.max(...s.windowsMs) : s.windowMs;

export type SeriesOutcome =
  | { kind: 'stepped'; decision?: Decision }
  /** Older than the newest reading but within the lateness: it amends the windows only. */
  | { kind: 'amended' }
  | { kind: 'duplicate' }
  | { kind: 'late'; byMs: number };

const STEPPED: SeriesOutcome = { kind: 'stepped' };

export class SeriesBinding {
  readonly key: string;
  private readonly trackers: Record<Mode, SignalTracker>;
  private readonly resolved: Record<Mode, Resolved>;
  /** Event time of the newest reading taken. */
  head = Number.MIN_SAFE_INTEGER;
  state: LadderBindingState;
  /** The values behind the last decision, for a step down the hold deferred. Memory only. */
  lastDecision?: Decision;
  /** Takes history read back from the store: only until it has been warmed or has stepped live, so a
   *  binding kept across a hot swap is not fed its history again. */
  warming = true;

  constructor(
    readonly rule: SeriesRule,
    readonly station: Station,
    private mode: Mode,
    saved?: StateRow,
    /** Readings at one ts are parts of one total (areal rain from a village's gauges), whichever rule watches it. */
    private readonly additive = false,
  ) {
    this.key = `${rule.id}|${station.id}`;
    const normal = createTracker(rule.variants.normal.signal, this.additive);
    const same = JSON.stringify(rule.variants.normal.signal) === JSON.stringify(rule.variants.emergency.signal);
    this.trackers = { normal, emergency: same ? normal : createTracker(rule.variants.emergency.signal, this.additive) };
    // A rule without an emergency block has one variant for both modes: resolve it once.
    const normalLevels = resolveLevels(rule.variants.normal.conditions, station.params);
    this.resolved = {
      normal: normalLevels,
      emergency: rule.variants.emergency === rule.variants.normal ? normalLevels : resolveLevels(rule.variants.emergency.conditions, station.params),
    };
    const state = saved?.ruleHash === rule.hash ? (saved.state as LadderBindingState) : undefined;
    this.state = state && state.ladder.latches.length === this.levels.length ? state : { ladder: initialLadder(this.levels), life: idle };
  }

  get levels(): Level[] {
    return this.resolved[this.mode].levels;
  }

  get conds(): TierCondition[] {
    return this.resolved[this.mode].conds;
  }

  get signal(): SignalSpec {
    return this.rule.variants[this.mode].signal;
  }

  /** True when no mode gives this station a tier: the binding is dropped. */
  get empty(): boolean {
    return MODES.every((m) => this.resolved[m].levels.length === 0);
  }

  /** History the windows need at start, beyond the newest reading. */
  get span(): number {
    return Math.max(spanOf(this.rule.variants.normal.signal), spanOf(this.rule.variants.emergency.signal)) + this.rule.options.latenessMs;
  }

  setMode(mode: Mode): void {
    if (mode === this.mode) return;
    this.state = { ...this.state, ladder: realign(this.levels, this.state.ladder, this.resolved[mode].levels) };
    this.mode = mode;
  }

  private each(f: (t: SignalTracker) => void): void {
    f(this.trackers.normal);
    if (this.trackers.emergency !== this.trackers.normal) f(this.trackers.emergency);
  }

  /** History read back at start: fills the windows, decides nothing. */
  warm(r: Reading): void {
    if (!this.warming) return;
    if (r.ts > this.head || (this.additive && r.ts === this.head)) {
      this.each((t) => t.push(r));
      this.head = r.ts;
    } else if (r.ts < this.head) this.each((t) => t.insert(r));
  }

  step(r: Reading): SeriesOutcome {
    this.warming = false;
    if (r.ts === this.head && !this.additive) return { kind: 'duplicate' };
    if (r.ts < this.head) {
      const byMs = this.head - r.ts;
      if (byMs > this.rule.options.latenessMs) return { kind: 'late', byMs };
      this.each((t) => t.insert(r));
      return { kind: 'amended' };
    }
    this.head = r.ts;
    const { normal, emergency } = this.trackers;
    const ns = normal.push(r);
    const es = emergency === normal ? ns : emergency.push(r);
    const signal = this.mode === 'normal' ? ns : es;
    // Most readings move no latch. Then the state stays as it is: only the ladder's time would move,
    // and `head` already keeps the order here (so the ladder's time is that of the last reading that
    // moved a latch). A new state per reading lived until the series' next reading, long enough with
    // many series to be promoted by the collector, which then had to collect it again.
    if (r.ts > this.state.ladder.lastTs && quiet(this.levels, this.state.ladder, signal)) return STEPPED;
    const step = stepLadder(this.levels, this.state.ladder, r.ts, signal, this.additive);
    // The ladder checks order too; the head above already keeps it from refusing.
    if (!step.applied) return { kind: 'duplicate' };
    // No object spreads on this path: it runs for every reading of every bound rule.
    this.state = { ladder: step.state, life: this.state.life };
    if (!step.decision) return STEPPED;
    this.lastDecision = step.decision;
    return { kind: 'stepped', decision: step.decision };
  }

  /** The tier the ladder proposes now. */
  get proposed(): Level['tier'] | null {
    return topTier(this.levels, this.state.ladder);
  }
}
