// The deadman: a series that has said nothing for a fixed time, or for k times its own reporting
// interval (the median of its recent gaps, learned from the data), raises a "station silent"
// warning; the next reading lifts it. A station that never reported is silent since the engine
// started watching it. Silence is measured against the injected clock, the only clock rules use.
import { idle, type LifecycleState } from '../alerting/lifecycle.ts';
import { formatDuration } from './duration.ts';
import type { Mode, StaleRule, StaleTier } from '../rules/rule.ts';
import type { Station } from './station.ts';
import type { StateRow } from './store/store.ts';
import { tierRank, type Tier } from './tiers.ts';
import type { Reading } from './warning.ts';

/** Gaps kept to learn the reporting interval from. */
const GAPS = 9;
/** Gaps needed before the learned interval replaces the assumed one. */
const LEARNED_AFTER = 3;
/** History read back at start to learn intervals from. */
export const STALE_LEARN_MS = 24 * 3_600_000;

export interface Silent {
  tier: Tier | null;
  /** When the deciding tier's silence was reached: the event time of the warning. */
  at: number;
  condition: string;
}

export class StaleBinding {
  readonly key: string;
  /** Event time of the last reading, or when watching began. */
  lastTs: number;
  last?: Reading;
  private readonly gaps: number[] = [];
  private learned?: number;
  state: { life: LifecycleState };

  constructor(
    readonly rule: StaleRule,
    readonly station: Station,
    watchingSince: number,
    saved?: StateRow,
  ) {
    this.key = `${rule.id}|${station.id}`;
    this.lastTs = watchingSince;
    this.state = saved?.ruleHash === rule.hash ? (saved.state as { life: LifecycleState }) : { life: idle };
  }

  /**
   * The reporting interval: learned (median gap) once there are enough gaps; until then the
   * station's own `report_minutes` if it declares one (an hourly gauge among five-minute ones), else
   * the rule's. A declared interval is also the floor of the learned one: it is the slowest normal
   * rate (an AIS transponder reports every 10 s under way but every 3 minutes at anchor, and a
   * vessel that anchors must not look silent until the median catches up).
   */
  interval(mode: Mode): number | undefined {
    const declared = this.station.params.report_minutes;
    const floor = declared !== undefined && declared > 0 ? declared * 60_000 : undefined;
    if (this.gaps.length < LEARNED_AFTER) return floor ?? this.rule.variants[mode].intervalMs;
    // Learned once per reading, not at every tick that asks.
    if (this.learned === undefined) {
      const sorted = [...this.gaps].sort((a, b) => a - b);
      this.learned = Math.max(sorted[Math.floor(sorted.length / 2)]!, floor ?? 0);
    }
    return this.learned;
  }

  /** Take a reading; true when it is new (it ends any silence). */
  see(r: Reading): boolean {
    if (this.last && r.ts <= this.last.ts) return false;
    if (this.last) {
      const gap = r.ts - this.last.ts;
      this.gaps.push(gap);
      // The same gaps (a gauge on its schedule) have the same median: keep it.
      const dropped = this.gaps.length > GAPS ? this.gaps.shift() : undefined;
      if (dropped !== gap) this.learned = undefined;
    }
    this.last = r;
    this.lastTs = Math.max(this.lastTs, r.ts);
    return true;
  }

  private limit(t: StaleTier, mode: Mode): number | undefined {
    if (t.afterMs !== undefined) return t.afterMs;
    const i = this.interval(mode);
    return i === undefined ? undefined : t.missed! * i;
  }

  private describe(t: StaleTier, limit: number, mode: Mode): string {
    const why = t.afterMs !== undefined ? `after ${formatDuration(t.afterMs)}` : `${t.missed} × ${this.gaps.length >= LEARNED_AFTER ? 'learned' : 'assumed'} interval ${formatDuration(this.interval(mode)!)}`;
    const since = this.last ? 'no reading' : 'no reading ever';
    return `${since} of ${this.rule.match.metric} for ${formatDuration(limit)} (${t.tier}: ${why})`;
  }

  /** The highest tier whose silence has been reached by clock time `now`. */
  silent(now: number, mode: Mode): Silent {
    let found: StaleTier | undefined;
    let at = now;
    for (const t of this.rule.variants[mode].tiers) {
      const limit = this.limit(t, mode);
      if (limit !== undefined && now - this.lastTs >= limit && tierRank(t.tier) > tierRank(found?.tier ?? null)) {
        found = t;
        at = this.lastTs + limit;
      }
    }
    return found ? { tier: found.tier, at, condition: this.describe(found, at - this.lastTs, mode) } : { tier: null, at, condition: '' };
  }
}
