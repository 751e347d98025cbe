// The closing summary of a demo run: what came in, what was rejected and why, and every warning
// episode with its highest tier, when it was issued and lifted, and why it reached that tier;
// warnings per domain and tier with lead times, and the deliveries by channel.
import type { Delivery } from '../engine/delivery.ts';
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

/** Hours and minutes: "6h00". */
const hm = (ms: number): string => `${Math.floor(ms / 3_600_000)}h${String(Math.round((ms % 3_600_000) / 60_000)).padStart(2, '0')}`;

/** Per domain: episodes by highest tier, the first issue, when the highest tier was first reached, the lead time between them, lifts. */
function domains(eps: readonly Episode[]): string[][] {
  const rows = [['domain', 'episodes', ...TIERS.map((t) => tierLabel(t)), 'first issued', 'highest reached', 'lead time', 'lifted']];
  for (const domain of [...new Set(eps.map((e) => e.highestEvent.domain))]) {
    const mine = eps.filter((e) => e.highestEvent.domain === domain);
    const first = Math.min(...mine.map((e) => e.issued));
    const top = Math.max(...mine.map((e) => tierRank(e.highest)));
    const reached = Math.min(...mine.filter((e) => tierRank(e.highest) === top).map((e) => e.highestEvent.at));
    rows.push([domain, String(mine.length), ...TIERS.map((t) => String(mine.filter((e) => e.highest === t).length)), formatShort(first), `${tierLabel(TIERS[top - 1]!)} ${formatShort(reached)}`, hm(reached - first), `${mine.filter((e) => e.lifted).length}/${mine.length}`]);
  }
  return rows;
}

/** Deliveries per channel by state. */
function channels(deliveries: readonly Delivery[]): string[][] {
  const states = ['delivered', 'acknowledged', 'sent', 'queued', 'awaiting-approval', 'failed', 'cancelled'] as const;
  const rows = [['channel', 'deliveries', ...states]];
  for (const ch of [...new Set(deliveries.map((d) => d.channel))].sort()) {
    const mine = deliveries.filter((d) => d.channel === ch);
    rows.push([ch, String(mine.length), ...states.map((st) => String(mine.filter((d) => d.state === st).length))]);
  }
  return rows;
}

export interface Dissemination {
  deliveries: readonly Delivery[];
  /** What the far ends counted, e.g. "SMS centre: 120 messages". */
  farEnds: string[];
  cap: number;
}

export function summary(
  batches: readonly BatchReport[],
  events: readonly WarningEvent[],
  deadLetters: readonly DeadLetter[],
  active: readonly ActiveWarning[],
  stations: ReadonlyMap<string, Station>,
  dissemination?: Dissemination,
): string[] {
  const sum = (f: (b: BatchReport) => number) => batches.reduce((n, b) => n + f(b), 0);
  const lines = [
    `Messages: ${sum((b) => b.received)} received, ${sum((b) => b.stored)} stored, ${deadLetters.length} dead-lettered, ${sum((b) => b.late)} late, ${sum((b) => b.unusable)} unusable (flagged unreliable/missing) — in ${batches.length} committed batches`,
  ];
  for (const d of deadLetters) lines.push(`  dlq.obs  ${d.subject}: ${d.reason}`);
  const eps = episodes(events);
  lines.push('', `Warnings: ${eps.length} episodes, ${events.length} events, by domain (highest tier per episode; lead time: first issue to the highest tier)`, '', ...table(domains(eps)));
  // Stations one by one; vessels (hundreds of them) by rule.
  const own = eps.filter((e) => e.highestEvent.domain !== 'vessel');
  lines.push(
    '',
    ...table([
      ['rule', 'station', 'highest', 'issued', 'highest at', 'lifted', 'events'],
      ...own.map((e) => [e.rule, `${e.entity} ${stations.get(e.entity)?.name ?? ''}`.trim(), tierLabel(e.highest), formatShort(e.issued), formatShort(e.highestEvent.at), e.lifted ? formatShort(e.lifted) : 'ACTIVE', String(e.events)]),
    ]),
  );
  const vessels = eps.filter((e) => e.highestEvent.domain === 'vessel');
  if (vessels.length > 0) {
    const rules = [...new Set(vessels.map((e) => e.rule))];
    lines.push(
      '',
      ...table([
        ['vessel rule', 'vessels', ...TIERS.map((t) => tierLabel(t)), 'first issued', 'still active'],
        ...rules.map((r) => {
          const mine = vessels.filter((e) => e.rule === r);
          return [r, String(new Set(mine.map((e) => e.entity)).size), ...TIERS.map((t) => String(mine.filter((e) => e.highest === t).length)), formatShort(Math.min(...mine.map((e) => e.issued))), String(mine.filter((e) => !e.lifted).length)];
        }),
      ]),
    );
  }
  if (dissemination) {
    lines.push('', `Deliveries by channel (each warning event × recipient × channel; ${dissemination.cap} CAP 1.2 messages in the feed)`, '', ...table(channels(dissemination.deliveries)));
    lines.push(...dissemination.farEnds.map((f) => `  ${f}`));
  }
  const top = [...eps].sort((a, b) => tierRank(b.highest) - tierRank(a.highest) || a.issued - b.issued)[0];
  if (top) lines.push('', `Why the highest warning: ${top.highestEvent.summary}`, `  rule ${top.highestEvent.rule.id} version ${top.highestEvent.rule.hash}; thresholds at this station: ${JSON.stringify(top.highestEvent.evidence.thresholds)}`);
  lines.push('', active.length ? `Still active at the end: ${active.map((a) => `${a.tier} ${a.rule}@${a.entity}`).join(', ')}` : 'Every warning was lifted by the end.');
  return lines;
}
