// `seed backtest --config <seed.yaml> [--rules <dir>] --from <t> --to <t> [--reference <f>]`:
// what a rule set would have done over the store's history, before it is deployed.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { loadRules } from '../../rules/loader.ts';
import { loadRegistry } from '../../stations/registry.ts';
import { backtest, type BacktestResult, type ReferenceEvent } from '../backtest.ts';
import { formatTable } from '../bench/table.ts';
import { loadConfig } from '../config.ts';
import { formatDuration } from '../duration.ts';
import { openStore } from '../store/open-store.ts';
import { TIERS } from '../tiers.ts';
import { formatShort } from '../time.ts';
import { formatError, YamlFile, type LocatedError } from '../yaml-file.ts';

const reference = z.strictObject({
  at: z.iso.datetime({ offset: true }),
  entity: z.string().optional(),
  rule: z.string().optional(),
  tier: z.enum(TIERS).optional(),
  label: z.string().min(1),
});

/** Reference events from YAML (a list of {at, entity, rule, tier, label}) or CSV with that header. */
export function loadReferences(path: string): { references: ReferenceEvent[]; errors: LocatedError[] } {
  const file = relative(process.cwd(), path) || path;
  let text = readFileSync(path, 'utf8');
  if (path.endsWith('.csv')) {
    // A CSV is read as the equivalent YAML list, so both get the same checks and located errors.
    const [header, ...lines] = text.trim().split('\n');
    const names = header!.split(',').map((h) => h.trim());
    text = lines
      .map((line) => {
        const cells = line.split(',');
        const fields = names.map((n, i) => [n, (i === names.length - 1 ? cells.slice(i).join(',') : cells[i] ?? '').trim()] as const).filter(([, v]) => v !== '');
        return `- {${fields.map(([n, v]) => `${n}: ${JSON.stringify(v)}`).join(', ')}}`;
      })
      .join('\n');
  }
  const { value, errors } = new YamlFile(file, text).validate(z.array(reference));
  const references = (value ?? []).map((r) => ({ ...r, at: Date.parse(r.at) }));
  return { references, errors };
}

export function formatBacktest(r: BacktestResult, elapsedMs: number): string[] {
  const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;
  const rows: (string | number)[][] = [['rule', 'entities', ...TIERS.map((t) => `${t} ×`), ...TIERS.map((t) => `${t} h`), 'flaps', 'first crossings']];
  for (const x of r.rules) {
    const first = TIERS.flatMap((t) => (x.first[t] ? [`${t} ${formatShort(x.first[t].at)} ${x.first[t].entity}`] : [])).join('; ');
    rows.push([x.rule, x.entities, ...TIERS.map((t) => x.entered[t]), ...TIERS.map((t) => hours(x.timeIn[t])), x.flaps, first || '-']);
  }
  const out = [`backtest: ${r.observations.toLocaleString('en')} observations, ${r.events.length} events, in ${(elapsedMs / 1000).toFixed(2)} s`, formatTable(rows)];
  if (r.leadTimes.length) {
    const lead: (string | number)[][] = [['reference', 'at', 'warned by', 'lead']];
    for (const l of r.leadTimes) {
      lead.push([l.reference.label, formatShort(l.reference.at), l.warning ? `${l.warning.rule} ${l.warning.tier} at ${l.warning.entity}` : 'missed', l.leadMs === undefined ? '-' : formatDuration(l.leadMs)]);
    }
    out.push('', formatTable(lead));
  }
  return out;
}

export async function backtestCommand(args: { config: string; rules?: string; from: string; to: string; reference?: string; mode?: string }, out: (line: string) => void): Promise<number> {
  const { config, errors } = loadConfig(args.config);
  const from = Date.parse(args.from);
  const to = Date.parse(args.to);
  const rules = config && loadRules(args.rules ?? config.rules);
  const registry = config && loadRegistry(config.stations);
  const refs = args.reference ? loadReferences(args.reference) : { references: [], errors: [] };
  const all = [...errors, ...(rules?.errors ?? []), ...(registry?.errors ?? []), ...refs.errors];
  for (const e of all) out(formatError(e));
  if (!config || !rules || !registry || all.length) return 1;
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
    out('--from and --to must be ISO 8601 times, --from before --to');
    return 2;
  }
  if (args.mode !== undefined && args.mode !== 'normal' && args.mode !== 'emergency') {
    out('--mode must be normal or emergency');
    return 2;
  }
  const store = await openStore(config.store);
  try {
    const started = performance.now();
    const result = await backtest(store, rules, registry.stations, { from, to, references: refs.references, ...(args.mode && { mode: args.mode }) });
    for (const line of formatBacktest(result, performance.now() - started)) out(line);
    return 0;
  } finally {
    await store.close();
  }
}
