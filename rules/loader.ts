// Loads rule files (warning rules, quality gates, silences): every error is reported with
// file:line:column, and a set with any error is rejected whole, so the caller keeps the previous
// set running.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { byPosition, formatError, formatPosition, YamlFile, type LocatedError } from '../engine/yaml-file.ts';
import { compileGate, compileRule, compileSilence } from './compile.ts';
import type { QualityGate, Rule, Silence } from './rule.ts';
import { SCHEMAS, type Kind } from './schema.ts';

export interface RuleSet {
  rules: Rule[];
  gates: QualityGate[];
  silences: Silence[];
  errors: LocatedError[];
}

const empty = (): RuleSet => ({ rules: [], gates: [], silences: [], errors: [] });

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

const hashOf = (spec: unknown): string => createHash('sha256').update(canonical(spec)).digest('hex').slice(0, 12);

/** Where each id was first defined, and the references between rules still to be checked. */
interface Seen {
  ids: Map<string, string>;
  refs: { from: string; kind: 'compound' | 'inhibits'; id: string; at: LocatedError }[];
}

const kindOf = (item: unknown): unknown => (item !== null && typeof item === 'object' && 'kind' in item ? item.kind : 'threshold');

function parseItem(yaml: YamlFile, item: unknown, path: (string | number)[], set: RuleSet, seen: Seen): void {
  const kind = kindOf(item);
  if (typeof kind !== 'string' || !(kind in SCHEMAS)) {
    set.errors.push(yaml.error([...path, 'kind'], `unknown kind ${JSON.stringify(kind)}; one of ${Object.keys(SCHEMAS).join(', ')}`));
    return;
  }
  const parsed = SCHEMAS[kind as Kind].safeParse(item);
  if (!parsed.success) {
    set.errors.push(...yaml.issues(parsed.error, path));
    return;
  }
  const spec = parsed.data;
  const first = seen.ids.get(spec.id);
  if (first) {
    set.errors.push(yaml.error([...path, 'id'], `id "${spec.id}" is already defined at ${first}`));
    return;
  }
  const where = formatPosition(yaml.error(path, ''));
  if (spec.kind === 'quality') set.gates.push(compileGate(yaml, path, set.errors, spec));
  else if (spec.kind === 'silence') set.silences.push(compileSilence(yaml, path, set.errors, spec));
  else {
    const compiled = compileRule(yaml, path, set.errors, spec, hashOf(spec));
    if (!compiled) return;
    set.rules.push(compiled.rule);
    for (const r of compiled.refs) seen.refs.push({ from: spec.id, kind: r.kind, id: r.id, at: yaml.error(r.path, '') });
  }
  seen.ids.set(spec.id, where);
}

/** Rule references resolve, compound rules do not depend on themselves, no two rules inhibit each other. */
function link(set: RuleSet, seen: Seen): void {
  const byId = new Map(set.rules.map((r) => [r.id, r]));
  const deps = new Map<string, string[]>();
  for (const ref of seen.refs) {
    if (!byId.has(ref.id)) set.errors.push({ ...ref.at, message: `no rule with id "${ref.id}"` });
    else if (ref.kind === 'compound') deps.set(ref.from, [...(deps.get(ref.from) ?? []), ref.id]);
    else if (byId.get(ref.id)!.options.inhibits.includes(ref.from)) set.errors.push({ ...ref.at, message: `"${ref.from}" and "${ref.id}" inhibit each other` });
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, chain: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      const at = seen.refs.find((r) => r.from === chain[chain.length - 1] && r.id === id)!.at;
      set.errors.push({ ...at, message: `compound rules depend on themselves: ${[...chain.slice(chain.indexOf(id)), id].join(' → ')}` });
      return;
    }
    state.set(id, 'open');
    for (const d of deps.get(id) ?? []) visit(d, [...chain, id]);
    state.set(id, 'done');
  };
  for (const id of deps.keys()) visit(id, []);
}

/**
 * Parse one rule file's text. `file` is the name used in messages; `seen` carries ids and references
 * across the files of one set.
 */
function parseInto(file: string, text: string, set: RuleSet, seen: Seen): void {
  const yaml = new YamlFile(file, text);
  if (yaml.syntaxErrors.length) {
    set.errors.push(...yaml.syntaxErrors);
    return;
  }
  const root: unknown = yaml.doc.toJS();
  const many = root !== null && typeof root === 'object' && 'rules' in root && Array.isArray(root.rules);
  const items: unknown[] = many ? (root as { rules: unknown[] }).rules : [root];
  items.forEach((item, i) => parseItem(yaml, item, many ? ['rules', i] : [], set, seen));
}

const newSeen = (): Seen => ({ ids: new Map(), refs: [] });

function finish(set: RuleSet, seen: Seen): RuleSet {
  link(set, seen);
  // A field the emergency block does not replace is compiled for both modes: report it once.
  set.errors = [...new Map(set.errors.map((e) => [formatError(e), e])).values()].sort(byPosition);
  return set;
}

/** One rule file's text on its own (references must resolve within it). */
export function parseRuleFile(file: string, text: string): RuleSet {
  const set = empty();
  const seen = newSeen();
  parseInto(file, text, set, seen);
  return finish(set, seen);
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

/** Load every *.yaml / *.yml below `dir` (or one file) as one set. Duplicate ids across files are errors. */
export function loadRules(path: string): RuleSet {
  const files = statSync(path).isDirectory() ? ruleFiles(path) : [path];
  const set = empty();
  const seen = newSeen();
  for (const file of files) parseInto(relative(process.cwd(), file) || file, readFileSync(file, 'utf8'), set, seen);
  return finish(set, seen);
}
