// Evaluates every rule that applies to an observation and turns tier changes into warning events.
// It holds one state per (rule, entity) and advances it only through the pure reducers, so it can
// be checkpointed, restored and replayed.
import { createHash } from 'node:crypto';
import { idle, stepLifecycle, type LifecycleState } from '../alerting/lifecycle.ts';
import { appliesTo, type Rule, type TierCondition } from '../rules/rule.ts';
import { initialThreshold, stepThreshold, type Level, type ThresholdState } from '../rules/threshold.ts';
import { describeCondition, summarize } from './explain.ts';
import { seriesKey, type Observation } from './observation.ts';
import type { Station } from './station.ts';
import type { StateRow } from './store/store.ts';
import { tierRank, type Tier } from './tiers.ts';
import type { WarningEvent } from './warning.ts';

interface BindingState {
  threshold: ThresholdState;
  life: LifecycleState;
}

/** One rule bound to one station's series, with its levels resolved from the station's parameters. */
interface Binding {
  key: string;
  rule: Rule;
  station: Station;
  conds: TierCondition[];
  levels: Level[];
  state: BindingState;
}

export interface StepResult {
  events: WarningEvent[];
  /** Set when a rule could not apply the reading because a later one was already evaluated. */
  late?: string;
}

export interface ActiveWarning {
  rule: string;
  entity: string;
  tier: Tier;
  issuedAt: number;
}

const unknownStation = (id: string, domain: string): Station => ({ id, name: id, domain, lon: 0, lat: 0, tags: [], params: {} });

function resolve(rule: Rule, station: Station): { conds: TierCondition[]; levels: Level[] } {
  const conds: TierCondition[] = [];
  const levels: Level[] = [];
  for (const c of rule.tiers) {
    const level = c.level.evaluate(station.params);
    const h = c.hysteresis.evaluate(station.params);
    // A station without the parameter a tier needs simply has no such tier.
    if (level === undefined || h === undefined) continue;
    conds.push(c);
    levels.push({ tier: c.tier, op: c.op, level, clearLevel: c.op === 'above' ? level - h : level + h, forMs: c.forMs, clearForMs: c.clearForMs });
  }
  return { conds, levels };
}

export class Evaluator {
  private readonly byMetric = new Map<string, Rule[]>();
  private readonly bindings = new Map<string, Binding[]>();
  private readonly restored: Map<string, StateRow>;
  private readonly dirty = new Set<Binding>();

  /**
   * `restored` are checkpointed states; `lastTimes` how far each series had been evaluated (a state
   * is saved only when it changes in substance, so its own lastTs may be older).
   */
  constructor(
    rules: readonly Rule[],
    private readonly stations: ReadonlyMap<string, Station>,
    restored: readonly StateRow[] = [],
    private readonly lastTimes: ReadonlyMap<string, number> = new Map(),
  ) {
    for (const rule of rules) {
      const k = `${rule.domain}.${rule.match.metric}`;
      this.byMetric.set(k, [...(this.byMetric.get(k) ?? []), rule]);
    }
    this.restored = new Map(restored.map((r) => [r.key, r]));
  }

  private bind(obs: Observation): Binding[] {
    const station = this.stations.get(obs.station) ?? unknownStation(obs.station, obs.domain);
    const out: Binding[] = [];
    for (const rule of this.byMetric.get(`${obs.domain}.${obs.metric}`) ?? []) {
      if (!appliesTo(rule, station)) continue;
      const { conds, levels } = resolve(rule, station);
      if (!levels.length) continue;
      const key = `${rule.id}|${station.id}`;
      const saved = this.restored.get(key);
      const state = saved?.ruleHash === rule.hash && (saved.state as BindingState).threshold.latches.length === levels.length
        ? (saved.state as BindingState)
        : { threshold: initialThreshold(levels), life: idle };
      const last = this.lastTimes.get(seriesKey(obs));
      if (last !== undefined && last > state.threshold.lastTs) state.threshold = { ...state.threshold, lastTs: last };
      out.push({ key, rule, station, conds, levels, state });
    }
    return out;
  }

  step(obs: Observation): StepResult {
    const series = seriesKey(obs);
    let bindings = this.bindings.get(series);
    if (!bindings) this.bindings.set(series, (bindings = this.bind(obs)));
    if (!bindings.length || obs.value === undefined) return { events: [] };
    const reading = { ts: obs.ts, value: obs.value };
    const events: WarningEvent[] = [];
    let late: string | undefined;
    for (const b of bindings) {
      const step = stepThreshold(b.levels, b.state.threshold, reading);
      if (!step.applied) {
        if (step.reason === 'late') late = `late: ${series} reading at ${new Date(obs.ts).toISOString()} is older than one already evaluated by rule ${b.rule.id}; stored, not evaluated`;
        continue;
      }
      const prior = b.state.life;
      const life = stepLifecycle(prior, step.tier, obs.ts);
      const changed = life.state !== prior || step.state.latches.some((l, i) => l !== b.state.threshold.latches[i]);
      b.state = { threshold: step.state, life: life.state };
      if (changed) this.dirty.add(b);
      if (!life.kind || !step.decision) continue;
      const d = step.decision;
      const cond = b.conds[b.levels.indexOf(d.level)]!;
      const unit = obs.unit ?? '';
      const condition = describeCondition(d, cond, obs.metric, unit);
      const { station, rule } = b;
      const place = `${station.name} (${station.id}${station.region ? `, ${station.region}` : ''})`;
      events.push({
        id: createHash('sha256').update(`${rule.id}|${rule.hash}|${station.id}|${life.kind}|${step.tier}|${obs.ts}`).digest('hex').slice(0, 20),
        kind: life.kind,
        rule: { id: rule.id, title: rule.title, hash: rule.hash },
        domain: rule.domain,
        entity: station.id,
        station: { id: station.id, name: station.name, lon: station.lon, lat: station.lat, ...(station.region && { region: station.region }) },
        tier: step.tier,
        previousTier: prior.tier,
        at: obs.ts,
        issuedAt: life.state.issuedAt ?? prior.issuedAt ?? obs.ts,
        evidence: {
          metric: obs.metric,
          ...(obs.unit && { unit: obs.unit }),
          condition,
          threshold: d.raised ? d.level.level : d.level.clearLevel,
          thresholds: Object.fromEntries(b.levels.map((l) => [l.tier, l.level])),
          readings: d.readings,
        },
        summary: summarize({ kind: life.kind, tier: step.tier, previousTier: prior.tier, title: rule.title, place, condition, readings: d.readings, unit }),
      });
    }
    return late ? { events, late } : { events };
  }

  /** States changed in substance since the last call, for the checkpoint. */
  takeDirty(): StateRow[] {
    const rows = [...this.dirty].map((b) => ({ key: b.key, ruleHash: b.rule.hash, state: b.state }));
    this.dirty.clear();
    return rows;
  }

  /** Warnings active now, highest tier first. */
  active(): ActiveWarning[] {
    const out: ActiveWarning[] = [];
    for (const bindings of this.bindings.values()) {
      for (const b of bindings) {
        const { tier, issuedAt } = b.state.life;
        if (tier !== null) out.push({ rule: b.rule.id, entity: b.station.id, tier, issuedAt: issuedAt! });
      }
    }
    return out.sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || a.issuedAt - b.issuedAt);
  }
}
