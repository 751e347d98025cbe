// The closing summary of a demo run: what came in, what was rejected and why, and every warning
// episode with its highest tier, when it was issued and lifted, and why it reached that tier.
import type { ActiveWarning } from '../engine/evaluator.ts';
import type { BatchReport } from '../engine/pipeline.ts';
import type { Station } from '../engine/station.ts';
import type { DeadLetter } from '../engine/store/store.ts';
import { TIERS, tierLabel, tierRank, type Tier } from '../engine/tiers.ts';
import { formatShort } from '../engine/time.ts';
import type { WarningEvent } from '../engine/warning.ts';

interface Episode {
  rule: string;
  entity: string;
  issued: number;
  highest: Tier;
  highestEvent: WarningEvent;
  lifted?: number;
  events: number;
}

function episodes(events: readonly WarningEvent[]): Episode[] {
  const open = new Map<string, Episode>();
  const all: Episode[] = [];
  for (const e of events) {
    const key = `${e.rule.id}|${e.entity}`;
    let ep = open.get(key);
    if (e.kind === 'issued' || !ep) {
      ep = { rule: e.rule.id, entity: e.entity, issued: e.at, highest: e.tier!, highestEvent: e, events: 0 };
      open.set(key, ep);
      all.push(ep);
    }
    ep.events++;
    if (e.tier && tierRank(e.tier) > tierRank(ep.highest)) {
      ep.highest = e.tier;
      ep.highestEvent = e;
    }
    if (e.kind === 'lifted') {
      ep.lifted = e.at;
      open.delete(key);
    }
  }
  return all;
}

/** Columns on a terminal: CJK characters take two cells. */
const width = (s: string): number => [...s].reduce((n, c) => n + (c.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);

const table = (rows: string[][]): string[] => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  return rows.map((r, k) => {
    const line = r.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd();
    return k === 0 ? `${line}\n${widths.map((w) => '─'.repeat(w)).join('  ')}` : line;
  });
};

export function summary(
  batches: readonly BatchReport[],
  events: readonly WarningEvent[],
  deadLetters: readonly DeadLetter[],
  active: readonly ActiveWarning[],
  stations: ReadonlyMap<string, Station>,
): string[] {
  const sum = (f: (b: BatchReport) => number) => batches.reduce((n, b) => n + f(b), 0);
  const lines = [
    `Messages: ${sum((b) => b.received)} received, ${sum((b) => b.stored)} stored, ${deadLetters.length} dead-lettered, ${sum((b) => b.late)} late, ${sum((b) => b.unusable)} unusable (flagged unreliable/missing) — in ${batches.length} committed batches`,
  ];
  for (const d of deadLetters) lines.push(`  dlq.obs  ${d.subject}: ${d.reason}`);
  const eps = episodes(events);
  const byTier = TIERS.map((t) => `${tierLabel(t)}: ${eps.filter((e) => e.highest === t).length}`).join(', ');
  lines.push('', `Warnings: ${eps.length} episodes, ${events.length} events (highest tier per episode — ${byTier})`, '');
  lines.push(
    ...table([
      ['rule', 'station', 'highest', 'issued', 'highest at', 'lifted', 'events'],
      ...eps.map((e) => [e.rule, `${e.entity} ${stations.get(e.entity)?.name ?? ''}`.trim(), tierLabel(e.highest), formatShort(e.issued), formatShort(e.highestEvent.at), e.lifted ? formatShort(e.lifted) : 'ACTIVE', String(e.events)]),
    ]),
  );
  const top = [...eps].sort((a, b) => tierRank(b.highest) - tierRank(a.highest) || a.issued - b.issued)[0];
  if (top) lines.push('', `Why the highest warning: ${top.highestEvent.summary}`, `  rule ${top.highestEvent.rule.id} version ${top.highestEvent.rule.hash}; thresholds at this station: ${JSON.stringify(top.highestEvent.evidence.thresholds)}`);
  lines.push('', active.length ? `Still active at the end: ${active.map((a) => `${a.tier} ${a.rule}@${a.entity}`).join(', ')}` : 'Every warning was lifted by the end of the storm.');
  return lines;
}
