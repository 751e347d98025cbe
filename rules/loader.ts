// Loads rule files: every error is reported with file:line:column, and a rule set with any error
// is rejected whole, so the caller keeps the previous set running.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDuration } from '../engine/duration.ts';
import { TIERS } from '../engine/tiers.ts';
import { byPosition, formatPosition, YamlFile, type LocatedError } from '../engine/yaml-file.ts';
import { ExpressionError, parseExpression, type Expression } from './expression.ts';
import type { Rule, TierCondition } from './rule.ts';
import { thresholdRule, type RuleSpec } from './schema.ts';

export interface RuleSet {
  rules: Rule[];
  errors: LocatedError[];
}

const ms = (d: string | 0 | undefined): number => (d === undefined ? 0 : parseDuration(String(d))!);

/** Canonical JSON (sorted keys), so the hash does not depend on field order or formatting. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function compile(spec: RuleSpec, yaml: YamlFile, path: (string | number)[], errors: LocatedError[]): Rule | undefined {
  const before = errors.length;
  const expr = (value: string | number, at: (string | number)[]): Expression => {
    try {
      return parseExpression(value);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      errors.push(yaml.error([...path, ...at], e.message, { offset: e.offset }));
      return parseExpression(0);
    }
  };
  const tiers: TierCondition[] = [];
  for (const tier of TIERS) {
    const t = spec.tiers[tier];
    if (!t) continue;
    const op = t.above !== undefined ? 'above' : 'below';
    const clear = { ...spec.clear, ...t.clear };
    tiers.push({
      tier,
      op,
      level: expr((t.above ?? t.below)!, ['tiers', tier, op]),
      forMs: ms(t.for),
      hysteresis: expr(clear.hysteresis ?? 0, t.clear?.hysteresis !== undefined ? ['tiers', tier, 'clear', 'hysteresis'] : ['clear', 'hysteresis']),
      clearForMs: ms(clear.for),
    });
  }
  if (errors.length > before) return undefined;
  const rule: Rule = {
    id: spec.id,
    title: spec.title,
    kind: spec.kind,
    domain: spec.domain,
    match: {
      metric: spec.match.metric,
      ...(spec.match.stations && { stations: new Set(spec.match.stations) }),
      ...(spec.match.tags && { tags: spec.match.tags }),
    },
    tiers,
    hash: createHash('sha256').update(canonical(spec)).digest('hex').slice(0, 12),
    source: formatPosition(yaml.error(path, '')),
  };
  if (spec.description !== undefined) rule.description = spec.description;
  return rule;
}

/**
 * Parse one rule file's text. `file` is the name used in messages; `seen` maps rule ids already
 * defined (in this or earlier files) to where, so duplicates are reported.
 */
export function parseRuleFile(file: string, text: string, seen = new Map<string, string>()): RuleSet {
  const yaml = new YamlFile(file, text);
  if (yaml.syntaxErrors.length) return { rules: [], errors: yaml.syntaxErrors };
  const root: unknown = yaml.doc.toJS();
  const many = root !== null && typeof root === 'object' && 'rules' in root && Array.isArray(root.rules);
  const items: unknown[] = many ? (root as { rules: unknown[] }).rules : [root];
  const rules: Rule[] = [];
  const errors: LocatedError[] = [];
  items.forEach((item, i) => {
    const path = many ? ['rules', i] : [];
    const parsed = thresholdRule.safeParse(item);
    if (!parsed.success) {
      errors.push(...yaml.issues(parsed.error, path));
      return;
    }
    const rule = compile(parsed.data, yaml, path, errors);
    if (!rule) return;
    const first = seen.get(rule.id);
    if (first) errors.push(yaml.error([...path, 'id'], `rule id "${rule.id}" is already defined at ${first}`));
    else {
      seen.set(rule.id, rule.source);
      rules.push(rule);
    }
  });
  return { rules, errors: errors.sort(byPosition) };
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

/** Load every *.yaml / *.yml below `dir` (or one file). Duplicate ids across files are errors. */
export function loadRules(path: string): RuleSet {
  const files = statSync(path).isDirectory() ? ruleFiles(path) : [path];
  const all: RuleSet = { rules: [], errors: [] };
  const seen = new Map<string, string>();
  for (const file of files) {
    const set = parseRuleFile(relative(process.cwd(), file) || file, readFileSync(file, 'utf8'), seen);
    all.rules.push(...set.rules);
    all.errors.push(...set.errors);
  }
  return all;
}
