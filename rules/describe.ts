// A rule in plain words, for `seed rules explain <id>` and for review before a deploy.
import { formatDuration } from '../engine/duration.ts';
import { signalName } from '../engine/explain.ts';
import { tierLabel } from '../engine/tiers.ts';
import type { Condition, Match, Mode, Rule, TierCondition, ZoneSelection } from './rule.ts';

const dwell = (ms: number, what = 'for'): string => (ms > 0 ? ` ${what} ${formatDuration(ms)}` : '');

function watches(m: Match): string {
  const where = [m.stations && `stations ${[...m.stations].join(', ')}`, m.tags && `stations tagged ${m.tags.join(' and ')}`, m.anyTags && `stations tagged ${m.anyTags.join(' or ')}`].filter(Boolean);
  return `${m.metric} at ${where.length ? where.join(', ') : 'every station of the domain'}`;
}

function condition(c: Condition): string {
  if ('all' in c) return `all of (${c.all.map(condition).join('; ')})`;
  if ('any' in c) return `any of (${c.any.map(condition).join('; ')})`;
  if ('not' in c) return `not (${condition(c.not)})`;
  if ('rule' in c) return `rule ${c.rule} at ${tierLabel(c.atLeast)} or higher`;
  return `latest ${c.domain}/${c.metric}${c.tags ? ` (tags ${c.tags.join(', ')})` : ''} ${c.op === 'above' ? '≥' : '≤'} ${c.level.text}`;
}

function ladder(rule: Rule, mode: Mode): string[] {
  if (rule.kind === 'stale') {
    const v = rule.variants[mode];
    return [
      ...v.tiers.map((t) => `${tierLabel(t.tier)} when nothing has arrived for ${t.afterMs !== undefined ? formatDuration(t.afterMs) : `${t.missed} reporting intervals`}`),
      ...(v.intervalMs !== undefined ? [`The reporting interval is learned from the series (median of recent gaps); ${formatDuration(v.intervalMs)} is assumed until then.`] : []),
      'The next reading lifts it.',
    ];
  }
  if (rule.kind === 'geofence') {
    const v = rule.variants[mode];
    const band = v.speed ? ` and moving${v.speed.above !== undefined ? ` faster than ${v.speed.above} kn` : ''}${v.speed.below !== undefined ? ` slower than ${v.speed.below} kn` : ''}` : '';
    return [
      ...v.tiers.map((t) => `${tierLabel(t.tier)} when ${v.condition}${band}${dwell(t.forMs)}`),
      `Clears when no longer so${dwell(v.clearForMs, 'for')}.${v.bufferM ? ` A vessel counts as inside until it is ${v.bufferM} m past the edge.` : ''}`,
    ];
  }
  if (rule.kind === 'compound') {
    const v = rule.variants[mode];
    if (v.by) return [`When ${condition(v.tiers[0]!.when)}: the ${v.by === 'max' ? 'highest' : 'lowest'} tier among the rules it names${dwell(v.tiers[0]!.forMs, 'held for')}.`];
    return v.tiers.map((t) => `${tierLabel(t.tier)} when ${condition(t.when)}${dwell(t.forMs, 'held for')}${dwell(t.clearForMs, '; clears after')}`);
  }
  const v = rule.variants[mode];
  const byTier = new Map<string, TierCondition[]>();
  for (const c of v.conditions) byTier.set(c.tier, [...(byTier.get(c.tier) ?? []), c]);
  return [...byTier.values()].map((cs) => {
    const parts = cs.map((c) => `${signalName(v.signal, c.component, rule.match.metric)} ${c.op === 'above' ? '≥' : '≤'} ${c.level.text}`);
    const c = cs[0]!;
    const clear = `clears ${c.op === 'above' ? 'below' : 'above'} the level ${c.op === 'above' ? '−' : '+'} ${c.hysteresis.text}${dwell(c.clearForMs, 'held for')}`;
    return `${tierLabel(c.tier)} when ${parts.length > 1 ? `any of: ${parts.join(', ')}` : parts[0]}${dwell(c.forMs)}; ${clear}`;
  });
}

function what(rule: Rule): string {
  switch (rule.kind) {
    case 'threshold':
      return `Compares each reading of ${watches(rule.match)} with per-station levels.`;
    case 'trend': {
      const s = rule.variants.normal.signal as { windowMs: number; minReadings: number };
      return `Fits a least-squares line to ${watches(rule.match)} over the last ${formatDuration(s.windowMs)} (at least ${s.minReadings} readings) and compares its slope, per hour.`;
    }
    case 'stat': {
      const s = rule.variants.normal.signal as { stat: string; windowMs: number };
      return `Compares the ${s.stat} of ${watches(rule.match)} over the last ${formatDuration(s.windowMs)}${s.stat === 'rate' ? ' (per hour)' : ''}.`;
    }
    case 'accumulation': {
      const s = rule.variants.normal.signal as { windowsMs: number[] };
      return `Sums ${watches(rule.match)} over rolling windows of ${s.windowsMs.map(formatDuration).join(', ')}; a tier is reached when any window reaches its level.`;
    }
    case 'stale':
      return `Watches ${watches(rule.match)} for silence, by the clock; stations that never reported count from when the engine started watching.`;
    case 'geofence': {
      const areas = describeZones(rule.zones);
      const order = rule.while ? ` Only while ${rule.while.rule} warns at ${tierLabel(rule.while.atLeast)} or above, from ${formatDuration(rule.while.deadlineMs)} after it first did.` : '';
      return `Follows each position of ${watches(rule.match)} against ${areas}.${order}`;
    }
    case 'compound':
      return `Combines other rules' warnings and latest readings ${rule.scope === 'region' ? `for every region (the first ${rule.regionDigits} digits of the GB/T 2260 code)` : 'for the same station'}.`;
  }
}

/** The areas a geofence rule watches, in words (also in its warnings: "outside every port / anchorage zone"). */
export function describeZones(z: ZoneSelection): string {
  if (z.hazard) return `every ${z.hazard.domain} ${z.hazard.metric} circle`;
  return [z.kinds && `every ${z.kinds.join(' / ')} zone`, z.ids && `zones ${[...z.ids].join(', ')}`].filter(Boolean).join(' and ');
}

export function describeRule(rule: Rule): string[] {
  const lines = [`${rule.title} — ${rule.id} (${rule.kind}, domain ${rule.domain}, hash ${rule.hash}, ${rule.source})`];
  if (rule.description) lines.push(rule.description);
  if ((rule.kind === 'threshold' || rule.kind === 'trend' || rule.kind === 'stat' || rule.kind === 'accumulation') && rule.derive) {
    const d = rule.derive;
    lines.push(`${rule.match.metric} is derived by ${d.function} from ${Object.entries(d.inputs).map(([k, v]) => `${k} = ${v}`).join(', ')}${Object.keys(d.params).length ? ` with ${Object.entries(d.params).map(([k, v]) => `${k} = ${v.text}`).join(', ')}` : ''}.`);
  }
  lines.push(what(rule), ...ladder(rule, 'normal').map((l) => `  ${l}`));
  const normal = JSON.stringify(ladder(rule, 'normal'));
  if (JSON.stringify(ladder(rule, 'emergency')) !== normal) lines.push('In emergency mode (战时):', ...ladder(rule, 'emergency').map((l) => `  ${l}`));
  const o = rule.options;
  const options = [
    o.holdMs && `a tier is held at least ${formatDuration(o.holdMs)} before it may go down`,
    o.renotifyMs && `renotified every ${formatDuration(o.renotifyMs)} while in force`,
    o.inhibits.length && `suppresses ${o.inhibits.join(', ')} for the same entity while at an equal or higher tier`,
    rule.kind !== 'compound' && rule.kind !== 'stale' && `readings up to ${formatDuration(o.latenessMs)} out of order still count; later ones go to the dead-letter subject`,
  ].filter(Boolean);
  if (options.length) lines.push(`Also: ${options.join('; ')}.`);
  return lines;
}

/** Station parameters a rule's levels read. */
export function paramsOf(rule: Rule): string[] {
  if (rule.kind === 'stale' || rule.kind === 'compound' || rule.kind === 'geofence') return [];
  return [...new Set(Object.values(rule.variants).flatMap((v) => v.conditions.flatMap((c) => [...c.level.params, ...c.hysteresis.params])))];
}

export const tiersOf = (rule: Rule): string[] => [...new Set(rule.kind === 'stale' || rule.kind === 'compound' || rule.kind === 'geofence' ? rule.variants.normal.tiers.map((t) => t.tier) : rule.variants.normal.conditions.map((c) => c.tier))];
