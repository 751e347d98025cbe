// Fills QuestDB Senders (ILP over HTTP) with the rows of a commit or an alerting batch. Only fills:
// the caller flushes, so a batch that fails here (a state that cannot be serialised) sends nothing.
// The Senders are meant for protocol_version=1, text line protocol, which any InfluxDB
// line-protocol server reads too: no `t` timestamp fields, no binary doubles, and every line has at
// least one field.
import type { Sender } from '@questdb/nodejs-client';
import { isUsable, seriesKey } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import type { AlertingBatch, AuditEntry, CommitBatch } from './store.ts';
import { json, lastByKey } from './rows.ts';
import { toMicros, type Stamped, type TableNames } from './questdb-sql.ts';

/**
 * Hands out strictly increasing microsecond stamps: the time wanted, or 1 µs past the last stamp
 * given when that is not later. Rows of a log with the same `at` so keep their order of insertion
 * and never share a timestamp (which a dedup key, or an InfluxDB series, would fold into one).
 */
export function stamper(last = -Infinity): (wantUs: number) => number {
  return (wantUs) => (last = Math.max(Math.round(wantUs), last + 1));
}

export type Clocks = Record<Stamped, (wantUs: number) => number>;

/** Clocks for each stamped table, starting past the stamps a table already holds. */
export function clocks(last: Partial<Record<Stamped, number>> = {}): Clocks {
  return {
    deadLetters: stamper(last.deadLetters),
    audit: stamper(last.audit),
    ruleState: stamper(last.ruleState),
    checkpoints: stamper(last.checkpoints),
    deliveryLog: stamper(last.deliveryLog),
    episodes: stamper(last.episodes),
    warnings: stamper(last.warnings),
  };
}

/** Where a commit's rows go: the checkpoint (rule states and position) separately, flushed after the data it covers. */
export interface CommitSenders {
  data: Sender;
  checkpoint: Sender;
}

/** The tables each Sender was given rows for. */
export interface Written {
  data: string[];
  checkpoint: string[];
}

async function fillAudit(s: Sender, table: string, audit: readonly AuditEntry[], stamp: (us: number) => number): Promise<void> {
  for (const a of audit) {
    s.table(table).symbol('action', a.action).stringColumn('value', a.value).stringColumn('actor', a.by).stringColumn('reason', a.reason).floatColumn('at_ms', a.at);
    await s.at(stamp(toMicros(a.at)), 'us');
  }
}

/**
 * Fill the rows of a commit. Events already stored (`known`) or repeated in the batch keep their
 * first copy, as the DuckDB store's INSERT OR IGNORE does; of rule states the last of each key wins.
 * `now` (epoch ms) stamps the rule states and the checkpoint.
 */
export async function fillCommit(
  to: CommitSenders,
  t: TableNames,
  batch: CommitBatch,
  clock: Clocks,
  opts: { now: number; known?: ReadonlySet<string> },
): Promise<Written> {
  // Everything that can fail to serialise, before a single row is written.
  const seen = new Set(opts.known);
  const events: { e: WarningEvent; json: string }[] = [];
  for (const e of batch.events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    events.push({ e, json: JSON.stringify(e) });
  }
  const states = lastByKey(batch.checkpoint?.states ?? [], (s) => s.key).map((s) => ({ s, json: json(s.state) }));

  const written: Written = { data: [], checkpoint: [] };
  const d = to.data;
  if (batch.observations.length > 0) written.data.push(t.observations);
  for (const o of batch.observations) {
    d.table(t.observations).symbol('series', seriesKey(o)).symbol('domain', o.domain).symbol('station', o.station).symbol('metric', o.metric).symbol('quality', o.quality);
    // An empty tag value is not valid line protocol: an empty unit or source is left out.
    if (o.unit) d.symbol('unit', o.unit);
    if (o.source) d.symbol('source', o.source);
    if (o.value !== undefined) d.floatColumn('value', o.value);
    if (o.position) {
      d.floatColumn('lon', o.position.lon).floatColumn('lat', o.position.lat);
      if (o.position.speed !== undefined) d.floatColumn('speed', o.position.speed);
      if (o.position.course !== undefined) d.floatColumn('course', o.position.course);
    }
    d.booleanColumn('usable', isUsable(o));
    await d.at(toMicros(o.ts), 'us');
  }
  if (events.length > 0) written.data.push(t.warnings);
  for (const { e, json: event } of events) {
    d.table(t.warnings).symbol('id', e.id).symbol('kind', e.kind).symbol('rule_id', e.rule.id).symbol('domain', e.domain).symbol('entity', e.entity);
    if (e.tier !== null) d.symbol('tier', e.tier);
    d.stringColumn('summary', e.summary).stringColumn('event', event).intColumn('ins', clock.warnings(opts.now * 1000));
    await d.at(toMicros(e.at), 'us');
  }
  if (batch.deadLetters.length > 0) written.data.push(t.deadLetters);
  for (const l of batch.deadLetters) {
    d.table(t.deadLetters).symbol('subject', l.subject).stringColumn('reason', l.reason).stringColumn('payload', l.payload).floatColumn('at_ms', l.at);
    await d.at(clock.deadLetters(toMicros(l.at)), 'us');
  }
  if (batch.audit?.length) {
    written.data.push(t.audit);
    await fillAudit(d, t.audit, batch.audit, clock.audit);
  }

  const c = to.checkpoint;
  if (states.length > 0) written.checkpoint.push(t.ruleState);
  for (const { s, json: state } of states) {
    c.table(t.ruleState).symbol('key', s.key).symbol('rule_hash', s.ruleHash).stringColumn('state', state);
    await c.at(clock.ruleState(opts.now * 1000), 'us');
  }
  if (batch.checkpoint) {
    written.checkpoint.push(t.checkpoints);
    c.table(t.checkpoints).symbol('consumer', batch.checkpoint.consumer).intColumn('seq', batch.checkpoint.seq);
    await c.at(clock.checkpoints(opts.now * 1000), 'us');
  }
  return written;
}

/** Fill deliveries (every save appended: the newest row of a key is the delivery), episode records and audit entries. */
export async function fillAlerting(s: Sender, t: TableNames, batch: AlertingBatch, clock: Clocks, opts: { now: number }): Promise<string[]> {
  const deliveries = batch.deliveries.map((d) => ({ d, json: JSON.stringify(d) }));
  const episodes = lastByKey(batch.episodes ?? [], (e) => e.key).map((e) => ({ e, json: json(e.state) }));

  const written: string[] = [];
  if (deliveries.length > 0) written.push(t.deliveryLog);
  // In order: the last row of a key within the batch gets the latest stamp, so it is the newest.
  for (const { d, json: delivery } of deliveries) {
    s.table(t.deliveryLog).symbol('key', d.key).symbol('event', d.event).symbol('episode', d.episode).symbol('channel', d.channel).symbol('state', d.state).stringColumn('delivery', delivery);
    await s.at(clock.deliveryLog(opts.now * 1000), 'us');
  }
  if (episodes.length > 0) written.push(t.episodes);
  for (const { e, json: state } of episodes) {
    s.table(t.episodes).symbol('key', e.key).stringColumn('state', state);
    await s.at(clock.episodes(opts.now * 1000), 'us');
  }
  if (batch.audit?.length) {
    written.push(t.audit);
    await fillAudit(s, t.audit, batch.audit, clock.audit);
  }
  return written;
}
