// Words for a warning event: the condition that decided it and a one-line summary a forecaster
// can read without looking anything up.
import type { Decision } from '../rules/latch.ts';
import type { TierCondition } from '../rules/rule.ts';
import type { SignalSpec } from '../rules/window.ts';
import { formatDuration } from './duration.ts';
import { tierLabel, type Tier } from './tiers.ts';
import { formatShort } from './time.ts';
import type { Reading, WarningKind } from './warning.ts';

const num = (v: number): string => String(Number(v.toFixed(3)));

const held = (ms: number): string => (ms > 0 ? ` for ${formatDuration(ms)}` : '');

/** What a rule compares, in words: `stage`, `stage slope over 1h`, `rain sum over 3h`. */
export function signalName(signal: SignalSpec, component: number, metric: string): string {
  switch (signal.kind) {
    case 'value':
      return metric;
    case 'trend':
      return `${metric} slope over ${formatDuration(signal.windowMs)}`;
    case 'accumulation':
      return `${metric} sum over ${formatDuration(signal.windowsMs[component]!)}`;
    case 'stat':
      return `${metric} ${signal.stat} over ${formatDuration(signal.windowMs)}`;
  }
}

/** The unit of what a rule compares: slopes and rates are per hour. */
export const signalUnit = (signal: SignalSpec, unit: string): string =>
  (signal.kind === 'trend' || (signal.kind === 'stat' && signal.stat === 'rate')) && unit ? `${unit}/h` : unit;

/** e.g. `stage ≥ 6.2 m (orange: station.guaranteed_stage) for 10m`; `metric` names what is compared. */
export function describeCondition(d: Decision, cond: TierCondition, metric: string, unit: string): string {
  const { level: l, raised } = d;
  const u = unit ? ` ${unit}` : '';
  if (raised) {
    const op = l.op === 'above' ? '≥' : '≤';
    const expr = cond.level.params.length ? `: ${cond.level.text}` : '';
    return `${metric} ${op} ${num(l.level)}${u} (${l.tier}${expr})${held(l.forMs)}`;
  }
  const op = l.op === 'above' ? '<' : '>';
  const sign = l.op === 'above' ? '-' : '+';
  const level = /[-+*/]/.test(cond.level.text) ? `(${cond.level.text})` : cond.level.text;
  return `${metric} ${op} ${num(l.clearLevel)}${u} (${l.tier} clear: ${level} ${sign} ${cond.hysteresis.text})${held(l.clearForMs)}`;
}

export function summarize(args: {
  kind: WarningKind;
  tier: Tier | null;
  previousTier: Tier | null;
  title: string;
  place: string;
  condition: string;
  readings: Reading[];
  unit: string;
  /** What the values are: readings (the default), slopes, sums. */
  label?: string;
}): string {
  const { kind, tier, previousTier, readings } = args;
  const u = args.unit ? ` ${args.unit}` : '';
  const what =
    kind === 'lifted' ? `${tierLabel(previousTier)} lifted`
    : kind === 'issued' ? `${tierLabel(tier)} issued`
    : kind === 'renotified' ? `${tierLabel(tier)} still in force`
    : `${tierLabel(previousTier)} → ${tierLabel(tier)} ${kind}`;
  const head = `${what}: ${args.title} at ${args.place}: ${args.condition}`;
  const last = readings[readings.length - 1];
  const first = readings[0];
  if (!first || !last) return head;
  const span = first.ts === last.ts ? formatShort(last.ts) : `${formatShort(first.ts)} → ${formatShort(last.ts).slice(6)}`;
  const values = readings.map((r) => num(r.value)).join(' → ');
  return `${head}; ${args.label ?? 'readings'} ${values}${u} (${span})`;
}
