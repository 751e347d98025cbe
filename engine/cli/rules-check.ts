// `seed rules check <dir> [--stations <file>]`: validate a rule set before deploying it, and show
// which stations each rule will watch.
import { formatError } from '../yaml-file.ts';
import { loadRules } from '../../rules/loader.ts';
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
    let line = `ok  ${rule.id} (${rule.hash})  ${rule.domain}/${rule.match.metric}  tiers: ${rule.tiers.map((t) => t.tier).join(', ')}`;
    if (registry) {
      const candidates = [...registry.stations.values()].filter((s) => rule.domain === s.domain && appliesTo(rule, s));
      const lacking = candidates.flatMap((s) => {
        const missing = [...new Set(rule.tiers.flatMap((t) => [...t.level.params, ...t.hysteresis.params]))].filter((p) => s.params[p] === undefined);
        return missing.length ? [`${s.id} lacks ${missing.join(', ')}`] : [];
      });
      line += `  stations: ${candidates.length}${lacking.length ? ` (tiers skipped where ${lacking.join('; ')})` : ''}`;
    }
    out(line);
  }
  out(`${set.rules.length} rule${set.rules.length === 1 ? '' : 's'} valid.`);
  return 0;
}
