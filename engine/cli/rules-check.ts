// `seed rules check <dir> [--stations <file>]`: validate a rule set before deploying it, and show
// which stations each rule will watch. `seed rules explain` says what one rule does in words.
import { formatError } from '../yaml-file.ts';
import { loadRules } from '../../rules/loader.ts';
import { describeRule, paramsOf, tiersOf } from '../../rules/describe.ts';
import { appliesTo } from '../../rules/rule.ts';
import { loadRegistry } from '../../stations/registry.ts';

export function rulesCheck(dir: string, stationsFile: string | undefined, out: (line: string) => void): number {
  const set = loadRules(dir);
  const registry = stationsFile ? loadRegistry(stationsFile) : undefined;
  const errors = [...set.errors, ...(registry?.errors ?? [])];
  for (const e of errors) out(formatError(e));
  if (errors.length) {
    out(`${errors.length} error${errors.length > 1 ? 's' : ''}; the rule set is rejected.`);
    return 1;
  }
  for (const rule of set.rules) {
    const watched = rule.kind === 'compound' ? `compound (${rule.scope})` : `${rule.domain}/${rule.match.metric}`;
    let line = `ok  ${rule.id} (${rule.hash})  ${rule.kind}  ${watched}  tiers: ${tiersOf(rule).join(', ')}`;
    if (registry && rule.kind !== 'compound') {
      const candidates = [...registry.stations.values()].filter((s) => rule.domain === s.domain && appliesTo(rule.match, s));
      const lacking = candidates.flatMap((s) => {
        const missing = paramsOf(rule).filter((p) => s.params[p] === undefined);
        return missing.length ? [`${s.id} lacks ${missing.join(', ')}`] : [];
      });
      line += `  stations: ${candidates.length}${lacking.length ? ` (tiers skipped where ${lacking.join('; ')})` : ''}`;
    }
    out(line);
  }
  for (const g of set.gates) out(`ok  quality gate ${g.id}  ${g.domain}/${g.match.metric}`);
  for (const s of set.silences) out(`ok  silence ${s.id} by ${s.author}, ${new Date(s.from).toISOString()} → ${new Date(s.until).toISOString()}: ${s.reason}`);
  out(`${set.rules.length} rule${set.rules.length === 1 ? '' : 's'} valid.`);
  return 0;
}

export function rulesExplain(dir: string, id: string, out: (line: string) => void): number {
  const set = loadRules(dir);
  for (const e of set.errors) out(formatError(e));
  const rule = set.rules.find((r) => r.id === id);
  if (!rule) {
    out(`no rule "${id}" in ${dir}; rules: ${set.rules.map((r) => r.id).join(', ')}`);
    return 1;
  }
  for (const line of describeRule(rule)) out(line);
  return set.errors.length ? 1 : 0;
}
