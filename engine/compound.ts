// Compound rules: all / any / not over other rules' current tiers and over the latest readings of
// series, for one entity or for every station of a region. The result is one 0/1 signal per tier,
// so the same ladder gives compound rules their dwell; each evaluation lists what it found.
import { idle } from '../alerting/lifecycle.ts';
import { initialLadder, type Level } from '../rules/latch.ts';
import type { CompoundRule, Condition, Mode } from '../rules/rule.ts';
import type { LadderBindingState } from './series-binding.ts';
import type { StateRow } from './store/store.ts';
import { tierLabel, tierRank, type Tier } from './tiers.ts';
import type { Reading } from './warning.ts';

/** What a condition can look up: a rule's tier in scope, and readings of a metric in scope. */
export interface Scope {
  tierOf(rule: string): { tier: Tier | null; entity?: string };
  readings(domain: string, metric: string, tags?: readonly string[]): { station: string; params: Record<string, number>; reading: Reading }[];
}

interface Verdict {
  ok: boolean;
  /** Tiers of the rule conditions that held (for `tier: max|min`). */
  tiers: Tier[];
  notes: string[];
}

const num = (v: number): string => String(Number(v.toFixed(3)));

export function check(c: Condition, scope: Scope): Verdict {
  if ('all' in c || 'any' in c) {
    const parts = ('all' in c ? c.all : c.any).map((x) => check(x, scope));
    const ok = 'all' in c ? parts.every((p) => p.ok) : parts.some((p) => p.ok);
    return { ok, tiers: parts.filter((p) => p.ok).flatMap((p) => p.tiers), notes: parts.flatMap((p) => p.notes) };
  }
  if ('not' in c) {
    const inner = check(c.not, scope);
    return { ok: !inner.ok, tiers: [], notes: inner.notes.map((n) => `not (${n})`) };
  }
  if ('rule' in c) {
    const { tier, entity } = scope.tierOf(c.rule);
    const ok = tierRank(tier) >= tierRank(c.atLeast);
    return { ok, tiers: ok && tier ? [tier] : [], notes: [`${c.rule}${entity ? ` at ${entity}` : ''} ${tierLabel(tier)} (needs ${c.atLeast} or higher) ${ok ? '✓' : '✗'}`] };
  }
  const op = c.op === 'above' ? '≥' : '≤';
  let best: string | undefined;
  for (const { station, params, reading } of scope.readings(c.domain, c.metric, c.tags)) {
    const level = c.level.evaluate(params);
    if (level === undefined) continue;
    const note = `${c.metric} at ${station} ${num(reading.value)} ${op} ${num(level)}`;
    if (c.op === 'above' ? reading.value >= level : reading.value <= level) return { ok: true, tiers: [], notes: [`${note} ✓`] };
    best ??= `${note} ✗`;
  }
  return { ok: false, tiers: [], notes: [best ?? `${c.metric}: no reading in scope ✗`] };
}

/** The 0/1 signal, one component per tier of the variant, and the notes of what was found. */
export function compoundSignal(rule: CompoundRule, mode: Mode, scope: Scope): { signal: number[]; notes: string[] } {
  const v = rule.variants[mode];
  if (v.by) {
    const verdict = check(v.tiers[0]!.when, scope);
    const ranks = verdict.tiers.map(tierRank);
    const rank = !verdict.ok || !ranks.length ? 0 : v.by === 'max' ? Math.max(...ranks) : Math.min(...ranks);
    return { signal: v.tiers.map((t) => (tierRank(t.tier) <= rank ? 1 : 0)), notes: verdict.notes };
  }
  const verdicts = v.tiers.map((t) => check(t.when, scope));
  return { signal: verdicts.map((x) => (x.ok ? 1 : 0)), notes: verdicts.flatMap((x, i) => x.notes.map((n) => `${v.tiers[i]!.tier}: ${n}`)) };
}

export const compoundLevels = (rule: CompoundRule, mode: Mode): Level[] =>
  rule.variants[mode].tiers.map((t, i) => ({ tier: t.tier, component: i, op: 'above', level: 1, clearLevel: 1, forMs: t.forMs, clearForMs: t.clearForMs }));

export function compoundState(rule: CompoundRule, mode: Mode, saved?: StateRow): LadderBindingState {
  const state = saved?.ruleHash === rule.hash ? (saved.state as LadderBindingState) : undefined;
  const levels = compoundLevels(rule, mode);
  return state && state.ladder.latches.length === levels.length ? state : { ladder: initialLadder(levels), life: idle };
}

