// Validated rule documents → compiled rules. Expressions are parsed here and every error is located
// at the field it comes from (inside the emergency block when the field was given there).
import { derivedFunction, derivedNames } from '../engine/derived.ts';
import { parseDistance } from '../engine/distance.ts';
import { parseDuration } from '../engine/duration.ts';
import { TIERS, type Tier } from '../engine/tiers.ts';
import { formatPosition, type LocatedError, type YamlFile } from '../engine/yaml-file.ts';
import { ExpressionError, parseExpression, type Expression } from './expression.ts';
import type {
  CompoundVariant, Condition, Derivation, GeofenceVariant, Match, Mode, QualityGate, Rule, RuleOptions, SeriesVariant, Silence, StaleVariant, TierCondition,
} from './rule.ts';
import type { ConditionSpec, Spec, WarningKindSpec } from './schema.ts';

type Path = (string | number)[];

export const ms = (d: string | 0 | undefined): number => (d === undefined ? 0 : parseDuration(String(d))!);

/** Reports located errors for one document; `at` maps a top-level field to its path (mode-aware). */
class Context {
  constructor(
    readonly yaml: YamlFile,
    readonly path: Path,
    readonly errors: LocatedError[],
    readonly at: (field: string) => Path = (field) => [...path, field],
  ) {}

  error(path: Path, message: string, offset?: number): void {
    this.errors.push(this.yaml.error(path, message, offset === undefined ? {} : { offset }));
  }

  expr(value: string | number, path: Path): Expression {
    try {
      return parseExpression(value);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      this.error(path, e.message, e.offset);
      return parseExpression(0);
    }
  }

  /** A copy whose `at` points into the emergency block for the fields given there. */
  forMode(overrides: object | undefined): Context {
    if (!overrides) return this;
    return new Context(this.yaml, this.path, this.errors, (field) =>
      field in overrides ? [...this.path, 'modes', 'emergency', field] : [...this.path, field],
    );
  }
}

type Clear = { hysteresis?: number | string; for?: string | 0 } | undefined;
type LevelTier = { above?: number | string; below?: number | string; for?: string | 0; clear?: Clear };

/** Where a tier's hysteresis was written: in the tier's own clear block, else the rule's. */
const hysteresisPath = (ctx: Context, tier: Tier, own: Clear): Path =>
  own?.hysteresis !== undefined ? [...ctx.at('tiers'), tier, 'clear', 'hysteresis'] : [...ctx.at('clear'), 'hysteresis'];

function levelConditions(ctx: Context, tiers: Partial<Record<Tier, LevelTier>>, clear: Clear): TierCondition[] {
  const out: TierCondition[] = [];
  for (const tier of TIERS) {
    const t = tiers[tier];
    if (!t) continue;
    const op = t.above !== undefined ? 'above' : 'below';
    const c = { ...clear, ...t.clear };
    out.push({
      tier,
      op,
      level: ctx.expr((t.above ?? t.below)!, [...ctx.at('tiers'), tier, op]),
      forMs: ms(t.for),
      hysteresis: ctx.expr(c.hysteresis ?? 0, hysteresisPath(ctx, tier, t.clear)),
      clearForMs: ms(c.for),
      component: 0,
    });
  }
  return out;
}

function accumulationConditions(ctx: Context, s: Spec<'accumulation'>): TierCondition[] {
  const windows = s.windows.map(ms);
  const out: TierCondition[] = [];
  for (const tier of TIERS) {
    const t = s.tiers[tier];
    if (!t) continue;
    const c = { ...s.clear, ...t.clear };
    for (const [key, value] of Object.entries(t.above)) {
      const component = windows.indexOf(parseDuration(key) ?? NaN);
      const path = [...ctx.at('tiers'), tier, 'above', key];
      if (component < 0) {
        ctx.error(path, `"${key}" is not one of the rule's windows (${s.windows.join(', ')})`);
        continue;
      }
      out.push({ tier, op: 'above', level: ctx.expr(value, path), forMs: ms(t.for), hysteresis: ctx.expr(c.hysteresis ?? 0, hysteresisPath(ctx, tier, t.clear)), clearForMs: ms(c.for), component });
    }
  }
  return out;
}

function seriesVariant(ctx: Context, s: Spec<'threshold' | 'trend' | 'stat' | 'accumulation'>): SeriesVariant {
  switch (s.kind) {
    case 'trend':
      return { signal: { kind: 'trend', windowMs: ms(s.window), minReadings: s.min_readings ?? 3 }, conditions: levelConditions(ctx, s.tiers, s.clear) };
    case 'stat':
      return { signal: { kind: 'stat', stat: s.stat, windowMs: ms(s.window) }, conditions: levelConditions(ctx, s.tiers, s.clear) };
    case 'accumulation':
      return { signal: { kind: 'accumulation', windowsMs: s.windows.map(ms) }, conditions: accumulationConditions(ctx, s) };
    default:
      return { signal: { kind: 'value' }, conditions: levelConditions(ctx, s.tiers, s.clear) };
  }
}

function staleVariant(ctx: Context, s: Spec<'stale'>): StaleVariant {
  const tiers = TIERS.flatMap((tier) => {
    const t = s.tiers[tier];
    return t ? [{ tier, ...(t.after !== undefined && { afterMs: ms(t.after) }), ...(t.missed !== undefined && { missed: t.missed }) }] : [];
  });
  if (tiers.some((t) => t.missed !== undefined) && s.interval === undefined) {
    ctx.error(ctx.at('tiers'), '"missed" counts reporting intervals: give "interval", the one assumed until it is learned from the data');
  }
  return { tiers, ...(s.interval !== undefined && { intervalMs: ms(s.interval) }) };
}

function geofenceVariant(ctx: Context, s: Spec<'geofence'>): GeofenceVariant {
  if (s.speed?.above !== undefined && s.speed.below !== undefined && s.speed.above >= s.speed.below) ctx.error([...ctx.at('speed'), 'above'], '"above" must be below "below": the band would be empty');
  return {
    condition: s.condition,
    bufferM: typeof s.buffer === 'string' ? parseDistance(s.buffer)! : (s.buffer ?? 0),
    ...(s.speed && { speed: s.speed }),
    tiers: TIERS.flatMap((tier) => (s.tiers[tier] ? [{ tier, forMs: ms(s.tiers[tier].for) }] : [])),
    clearForMs: ms(s.clear?.for),
  };
}

function conditionOf(ctx: Context, c: ConditionSpec, path: Path, domain: string, refs: Ref[]): Condition {
  if (c.all) return { all: c.all.map((x, i) => conditionOf(ctx, x, [...path, 'all', i], domain, refs)) };
  if (c.any) return { any: c.any.map((x, i) => conditionOf(ctx, x, [...path, 'any', i], domain, refs)) };
  if (c.not) return { not: conditionOf(ctx, c.not, [...path, 'not'], domain, refs) };
  if (c.rule !== undefined) {
    refs.push({ id: c.rule, kind: 'compound', path: [...path, 'rule'] });
    return { rule: c.rule, atLeast: c.at_least ?? 'blue' };
  }
  const op = c.above !== undefined ? 'above' : 'below';
  return { metric: c.metric!, domain: c.domain ?? domain, ...(c.tags && { tags: c.tags }), op, level: ctx.expr((c.above ?? c.below)!, [...path, op]) };
}

function compoundVariant(ctx: Context, s: Spec<'compound'>, refs: Ref[]): CompoundVariant {
  if (s.when) {
    const when = conditionOf(ctx, s.when, ctx.at('when'), s.domain, refs);
    const forMs = ms(s.for);
    const clearForMs = ms(s.clear?.for);
    return { by: s.tier ?? 'max', tiers: TIERS.map((tier) => ({ tier, when, forMs, clearForMs })) };
  }
  return {
    tiers: TIERS.flatMap((tier) => {
      const t = s.tiers![tier];
      if (!t) return [];
      return [{ tier, when: conditionOf(ctx, t.when, [...ctx.at('tiers'), tier, 'when'], s.domain, refs), forMs: ms(t.for ?? s.for), clearForMs: ms(t.clear?.for ?? s.clear?.for) }];
    }),
  };
}

const matchOf = (m: { metric: string; stations?: string[] | undefined; tags?: string[] | undefined; any_tags?: string[] | undefined }): Match => ({
  metric: m.metric,
  ...(m.stations && { stations: new Set(m.stations) }),
  ...(m.tags && { tags: m.tags }),
  ...(m.any_tags && { anyTags: m.any_tags }),
});

function derivation(ctx: Context, d: NonNullable<Spec<'threshold'>['match']['derive']>, kind: string): Derivation | undefined {
  const path = [...ctx.path, 'match', 'derive'];
  const fn = derivedFunction(d.function);
  if (!fn) {
    ctx.error([...path, 'function'], `unknown function "${d.function}"; known: ${derivedNames().join(', ')}`);
    return undefined;
  }
  // A linked function's readings are weighted parts of a whole: only their sums mean something.
  if (fn.linked && kind !== 'accumulation') ctx.error([...path, 'function'], `${d.function} gives weighted parts whose sums are the areal value; use it in an accumulation rule`);
  const roles = Object.keys(d.inputs);
  const missing = fn.inputs.filter((r) => !roles.includes(r));
  const extra = roles.filter((r) => !fn.inputs.includes(r));
  if (missing.length || extra.length) {
    ctx.error([...path, 'inputs'], `${d.function} takes inputs ${fn.inputs.join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}`);
  }
  const given = d.params ?? {};
  const absent = fn.params.filter((p) => given[p] === undefined && fn.defaults?.[p] === undefined);
  if (absent.length) ctx.error(path, `${d.function} needs params ${absent.join(', ')}`);
  for (const k of Object.keys(given)) {
    if (!fn.params.includes(k)) ctx.error([...path, 'params', k], `${d.function} has no param "${k}"; it takes ${fn.params.join(', ') || 'none'}`);
  }
  const params: Record<string, Expression> = {};
  for (const [k, v] of Object.entries(fn.defaults ?? {})) params[k] = parseExpression(v);
  for (const [k, v] of Object.entries(given)) params[k] = ctx.expr(v, [...path, 'params', k]);
  return { function: d.function, inputs: d.inputs, params };
}

/** A reference to another rule, checked once every file is loaded. */
export interface Ref {
  id: string;
  /** A rule a compound condition reads, or one this rule inhibits. */
  kind: 'compound' | 'inhibits';
  path: Path;
}

export interface Compiled {
  rule: Rule;
  refs: Ref[];
}

/** Compile a warning rule of any kind; undefined when it has errors (they are in ctx.errors). */
export function compileRule(yaml: YamlFile, path: Path, errors: LocatedError[], spec: Spec<WarningKindSpec>, hash: string): Compiled | undefined {
  const before = errors.length;
  const ctx = new Context(yaml, path, errors);
  const refs: Ref[] = (spec.inhibits ?? []).map((id, i) => ({ id, kind: 'inhibits' as const, path: [...path, 'inhibits', i] }));
  const options: RuleOptions = { holdMs: ms(spec.hold), renotifyMs: ms(spec.renotify), inhibits: spec.inhibits ?? [], latenessMs: spec.lateness === undefined ? 600_000 : ms(spec.lateness) };
  const emergency = spec.modes?.emergency;
  const both = <S, V>(compile: (c: Context, s: S) => V, s: S): Record<Mode, V> => {
    const normal = compile(ctx, s);
    return { normal, emergency: emergency ? compile(ctx.forMode(emergency), { ...s, ...emergency }) : normal };
  };
  const base = { id: spec.id, title: spec.title, domain: spec.domain, options, hash, source: formatPosition(yaml.error(path, '')), ...(spec.description !== undefined && { description: spec.description }) };
  let rule: Rule;
  if (spec.kind === 'stale') rule = { ...base, kind: 'stale', match: matchOf(spec.match), variants: both(staleVariant, spec) };
  else if (spec.kind === 'geofence') {
    if (spec.while) refs.push({ id: spec.while.rule, kind: 'compound', path: [...path, 'while', 'rule'] });
    rule = {
      ...base,
      kind: 'geofence',
      match: matchOf(spec.match),
      zones: { ...(spec.zones.kinds && { kinds: spec.zones.kinds }), ...(spec.zones.ids && { ids: new Set(spec.zones.ids) }), ...(spec.zones.hazard && { hazard: spec.zones.hazard }) },
      ...(spec.except && { except: { ...(spec.except.kinds && { kinds: spec.except.kinds }), ...(spec.except.ids && { ids: new Set(spec.except.ids) }) } }),
      ...(spec.while && { while: { rule: spec.while.rule, atLeast: spec.while.at_least ?? 'blue', deadlineMs: ms(spec.while.deadline) } }),
      variants: both(geofenceVariant, spec),
    };
  }
  else if (spec.kind === 'compound') {
    rule = { ...base, kind: 'compound', scope: spec.scope, regionDigits: spec.region_digits ?? 6, variants: both((c, s: Spec<'compound'>) => compoundVariant(c, s, refs), spec) };
  } else {
    const derive = spec.match.derive && derivation(ctx, spec.match.derive, spec.kind ?? 'threshold');
    rule = { ...base, kind: spec.kind ?? 'threshold', match: matchOf(spec.match), ...(derive && { derive }), variants: both(seriesVariant, spec) };
  }
  return errors.length > before ? undefined : { rule, refs };
}

export function compileGate(yaml: YamlFile, path: Path, errors: LocatedError[], s: Spec<'quality'>): QualityGate {
  const ctx = new Context(yaml, path, errors);
  const bound = (b: { min?: number | string; max?: number | string } | undefined, field: string) => ({
    ...(b?.min !== undefined && { min: ctx.expr(b.min, [...path, field, 'min']) }),
    ...(b?.max !== undefined && { max: ctx.expr(b.max, [...path, field, 'max']) }),
  });
  return {
    id: s.id,
    domain: s.domain,
    match: matchOf(s.match),
    hard: bound(s.hard, 'hard'),
    soft: bound(s.soft, 'soft'),
    rate: {
      ...(s.rate?.rise !== undefined && { rise: ctx.expr(s.rate.rise, [...path, 'rate', 'rise']) }),
      ...(s.rate?.fall !== undefined && { fall: ctx.expr(s.rate.fall, [...path, 'rate', 'fall']) }),
    },
    ...(s.flatline && { flatline: { forMs: ms(s.flatline.for), tolerance: s.flatline.tolerance ?? 0, flag: s.flatline.flag ?? 'doubtful' } }),
    source: formatPosition(yaml.error(path, '')),
  };
}

export function compileSilence(yaml: YamlFile, path: Path, errors: LocatedError[], s: Spec<'silence'>): Silence {
  const from = Date.parse(s.from);
  const until = Date.parse(s.until);
  if (until <= from) errors.push(yaml.error([...path, 'until'], 'must be after "from"'));
  const match = Object.fromEntries(Object.entries(s.match).filter(([, v]) => v !== undefined));
  return { id: s.id, match, from, until, author: s.author, reason: s.reason, source: `${yaml.file}:${yaml.error(path, '').line}` };
}
