// Backtest: replay history from the store through the same evaluator the live engine runs, in
// virtual time (the clock is the replay's event time, ticked on the same grid as the engine's
// ticks), and say per rule what it would have done: warnings by tier, time in each tier, first
// crossings, flapping, and lead time against reference events.
import type { Mode } from '../rules/rule.ts';
import { Evaluator, type RuleBook } from './evaluator.ts';
import type { Station } from './station.ts';
import type { Store } from './store/store.ts';
import { tierRank, type Tier } from './tiers.ts';
import type { WarningEvent } from './warning.ts';

/** Something that happened (a flood, a surge) that a rule should have warned of beforehand. */
export interface ReferenceEvent {
  at: number;
  entity?: string;
  rule?: string;
  /** The tier a warning should have reached before it (default blue). */
  tier?: Tier;
  label: string;
}

export interface RuleReport {
  rule: string;
  /** How many times each tier was entered (issued or upgraded to; downgrades to it count too). */
  entered: Record<Tier, number>;
  /** Total time spent in each tier, over all entities, ms. */
  timeIn: Record<Tier, number>;
  /** The first time each tier was entered, and where. */
  first: Partial<Record<Tier, { at: number; entity: string }>>;
  /** A tier entered again within `flapWindowMs` of being left, for the same entity. */
  flaps: number;
  entities: number;
}

export interface LeadTime {
  reference: ReferenceEvent;
  /** The first warning at or above the reference tier that preceded it, or none. */
  warning?: { rule: string; entity: string; tier: Tier; at: number };
  leadMs?: number;
}

export interface BacktestResult {
  observations: number;
  events: WarningEvent[];
  rules: RuleReport[];
  leadTimes: LeadTime[];
}

export interface BacktestOptions {
  from: number;
  to: number;
  /** The engine's tick interval: stale rules, holds and renotification are judged on this grid. */
  tickMs?: number;
  mode?: Mode;
  references?: readonly ReferenceEvent[];
  /** Re-entering a tier sooner than this after leaving it counts as a flap (default 1 h). */
  flapWindowMs?: number;
  /** How far before a reference a warning still counts as its warning (default 48 h). */
  leadWindowMs?: number;
}

export async function backtest(store: Store, book: RuleBook, stations: ReadonlyMap<string, Station>, opts: BacktestOptions): Promise<BacktestResult> {
  const tickMs = opts.tickMs ?? 15_000;
  const evaluator = new Evaluator(book, stations, { now: opts.from, ...(opts.mode && { mode: opts.mode }) });
  const events: WarningEvent[] = [];
  let observations = 0;
  let nextTick = Math.floor(opts.from / tickMs) * tickMs + tickMs;
  // Ticks that pass with no reading between them are one tick at the last of them: what a tick
  // raises is stamped with its own due time (a silence's deadline, a hold's end), not the tick's.
  const tickUntil = (t: number): void => {
    if (nextTick > t) return;
    const last = nextTick + Math.floor((t - nextTick) / tickMs) * tickMs;
    events.push(...evaluator.tick(last));
    nextTick = last + tickMs;
  };
  for await (const chunk of store.scan(opts.from, opts.to)) {
    for (const obs of chunk) {
      tickUntil(obs.ts);
      events.push(...evaluator.step(obs).events);
      observations++;
    }
  }
  tickUntil(opts.to);
  return { observations, events, rules: report(book, events, opts), leadTimes: leadTimes(events, opts) };
}

const perTier = (): Record<Tier, number> => ({ blue: 0, yellow: 0, orange: 0, red: 0 });

function report(book: RuleBook, events: readonly WarningEvent[], opts: BacktestOptions): RuleReport[] {
  const flapWindow = opts.flapWindowMs ?? 3_600_000;
  // Events grouped once by rule, then entity, in time order.
  const grouped = new Map<string, Map<string, WarningEvent[]>>();
  for (const e of events) {
    if (e.kind === 'renotified') continue;
    let byEntity = grouped.get(e.rule.id);
    if (!byEntity) grouped.set(e.rule.id, (byEntity = new Map<string, WarningEvent[]>()));
    const list = byEntity.get(e.entity);
    if (list) list.push(e);
    else byEntity.set(e.entity, [e]);
  }
  return book.rules.map((rule) => {
    const r: RuleReport = { rule: rule.id, entered: perTier(), timeIn: perTier(), first: {}, flaps: 0, entities: 0 };
    const byEntity = grouped.get(rule.id) ?? new Map<string, WarningEvent[]>();
    r.entities = byEntity.size;
    for (const [entity, list] of byEntity) {
      const left = new Map<Tier, number>();
      list.forEach((e, i) => {
        const end = list[i + 1]?.at ?? opts.to;
        if (e.tier) {
          r.entered[e.tier]++;
          r.timeIn[e.tier] += end - e.at;
          if (!r.first[e.tier] || e.at < r.first[e.tier]!.at) r.first[e.tier] = { at: e.at, entity };
          const gone = left.get(e.tier);
          if (gone !== undefined && e.at - gone < flapWindow) r.flaps++;
        }
        if (e.previousTier && tierRank(e.tier) < tierRank(e.previousTier)) left.set(e.previousTier, e.at);
      });
    }
    return r;
  });
}

function leadTimes(events: readonly WarningEvent[], opts: BacktestOptions): LeadTime[] {
  const window = opts.leadWindowMs ?? 48 * 3_600_000;
  return (opts.references ?? []).map((reference) => {
    const need = tierRank(reference.tier ?? 'blue');
    const hit = events.find(
      (e) =>
        (e.kind === 'issued' || e.kind === 'upgraded') &&
        tierRank(e.tier) >= need &&
        e.at <= reference.at &&
        reference.at - e.at <= window &&
        (!reference.entity || e.entity === reference.entity) &&
        (!reference.rule || e.rule.id === reference.rule),
    );
    return hit ? { reference, warning: { rule: hit.rule.id, entity: hit.entity, tier: hit.tier!, at: hit.at }, leadMs: reference.at - hit.at } : { reference };
  });
}

