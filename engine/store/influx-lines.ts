// What Seed writes to InfluxDB, as line protocol: the frequent lines (readings, warnings, states)
// written here exactly as the client library's Point writes them; the rest by Point itself. The
// layout, chosen so Grafana queries read plainly:
//
//   observation,domain=hydrology,station=H01,metric=stage[,source=ais] value=4.2,quality="reliable",unit="m"[,lon=,lat=,speed=,course=] <event time>
//   warning,domain=,rule=,entity=,kind=issued[,tier=orange] id="",summary="",issued_at=<ms>,event="<JSON>" <event time>
//   dead_letter subject="",reason="",payload="",at=<ms> <clock time>
//   audit,action=mode value="",by="",reason="",at=<ms> <clock time>
//   delivery,channel=sms,state=delivered key="",event="",episode="",at=<ms>,delivery="<JSON>" <clock time of the step>
//   (warning, audit and delivery go to the records policy / bucket, kept forever, with these:
//    at time 0, so a key's newest row replaces the older one)
//   rule_state,key=<rule|entity> rule_hash="",state="<JSON>" 0
//   checkpoint,consumer=engine seq=42 0
//   episode,key=<rule|entity|issuedAt> state="<JSON>" 0
//
// Quality is a field, not a tag: it belongs to one reading, and a tag would split a series in four.
// Source is a tag: two readings of one series at one time from two sources (AIS and Beidou, two
// gauges' shares of a village's areal rain) are two points, as in the other stores, not one.
// Timestamps are nanoseconds from the millisecond times (kept to the microsecond). Log rows at the
// same microsecond are nudged apart by a nanosecond each, so they keep their order of arrival.
import { escape, Point } from '@influxdata/influxdb-client';
import type { Delivery } from '../delivery.ts';
import type { Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { json } from './rows.ts';
import type { AlertingBatch, AuditEntry, CommitBatch, DeadLetter } from './store.ts';

/** Epoch ms (fractions to the microsecond) → epoch ns as line protocol wants it. */
export const nanos = (ms: number): bigint => BigInt(Math.round(ms * 1000)) * 1000n;

/** Nanosecond stamps for log rows: the row's time plus how many rows this store already stamped at that microsecond. */
export class Stamps {
  private readonly taken = new Map<bigint, bigint>();

  next(ms: number): string {
    const base = nanos(ms);
    const n = this.taken.get(base) ?? 0n;
    // Forget old microseconds now and then; only rows written close together can collide.
    if (this.taken.size > 10_000) this.taken.clear();
    this.taken.set(base, n + 1n);
    return String(base + n);
  }
}

const line = (p: Point): string => p.toLineProtocol()!;

/** Escaped names, kept: a deployment has few, and escaping each reading's anew cost more than the rest of its line. */
class Escaped {
  private readonly done = new Map<string, string>();
  constructor(private readonly escape: (s: string) => string) {}

  of(s: string): string {
    let e = this.done.get(s);
    if (e === undefined) {
      if (this.done.size >= 10_000) this.done.clear(); // names without end (a source per message) must not grow it
      this.done.set(s, (e = this.escape(s)));
    }
    return e;
  }
}
/**
 * A string field as the client's escape.quoted writes it (`"` and `\` escaped), in one regular
 * expression: the client's loops over each character, which for a warning's or a state's JSON, long
 * and full of quotes, cost ~35 µs a line.
 */
const quotedText = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
const tags = new Escaped(escape.tag);
const quoted = new Escaped(quotedText);
/** A tag as Point writes it: left out when empty. */
const tag = (name: string, value: string | undefined): string => (value ? `,${name}=${tags.of(value)}` : '');

/**
 * A reading's line. The common one (a finite value, no position) is written here, as Point writes it
 * (tags and fields in name order, escaped as the client escapes them) at a fraction of its cost,
 * which was most of a commit's; any other goes through Point.
 */
export function observationLine(o: Observation): string {
  // Times from 1 ms after the epoch to InfluxDB's last (2262): there the microseconds print as digits.
  if (o.position !== undefined || o.value === undefined || !Number.isFinite(o.value) || !(o.ts >= 1 && o.ts < 9.2e12)) return pointLine(o);
  const unit = o.unit === undefined ? '' : `,unit=${quoted.of(o.unit)}`;
  const time = `${Math.round(o.ts * 1000)}000`; // nanos(o.ts) without a BigInt: microseconds are whole
  return `observation${tag('domain', o.domain)}${tag('metric', o.metric)}${tag('source', o.source)}${tag('station', o.station)} quality=${quoted.of(o.quality)}${unit},value=${String(o.value)} ${time}`;
}

function pointLine(o: Observation): string {
  const p = new Point('observation').tag('domain', o.domain).tag('station', o.station).tag('metric', o.metric).stringField('quality', o.quality);
  if (o.value !== undefined) p.floatField('value', o.value);
  if (o.position) {
    p.floatField('lon', o.position.lon).floatField('lat', o.position.lat);
    if (o.position.speed !== undefined) p.floatField('speed', o.position.speed);
    if (o.position.course !== undefined) p.floatField('course', o.position.course);
  }
  if (o.unit !== undefined) p.stringField('unit', o.unit);
  if (o.source !== undefined) p.tag('source', o.source);
  return line(p.timestamp(String(nanos(o.ts))));
}

/** A warning's line, as Point would write it (tags and fields in name order). */
function warningLine(e: WarningEvent, stamps: Stamps): string {
  if (!Number.isFinite(e.issuedAt)) throw new Error(`invalid float value for field 'issued_at': ${e.issuedAt}`);
  const tagged = `warning${tag('domain', e.domain)}${tag('entity', e.entity)}${tag('kind', e.kind)}${tag('rule', e.rule.id)}${tag('tier', e.tier ?? undefined)}`;
  return `${tagged} event=${quotedText(JSON.stringify(e))},id=${quotedText(e.id)},issued_at=${String(e.issuedAt)},summary=${quotedText(e.summary)} ${stamps.next(e.at)}`;
}

const deadLetterLine = (d: DeadLetter, stamps: Stamps): string =>
  line(new Point('dead_letter').stringField('subject', d.subject).stringField('reason', d.reason).stringField('payload', d.payload).floatField('at', d.at).timestamp(stamps.next(d.at)));

const auditLine = (a: AuditEntry, stamps: Stamps): string =>
  line(new Point('audit').tag('action', a.action).stringField('value', a.value).stringField('by', a.by).stringField('reason', a.reason).floatField('at', a.at).timestamp(stamps.next(a.at)));

function deliveryLine(d: Delivery, stamps: Stamps): string {
  // The step's clock time, so Grafana shows when a delivery reached each state.
  const at = d.history.at(-1)?.at ?? d.nextAt;
  const p = new Point('delivery').tag('channel', d.channel).tag('state', d.state);
  p.stringField('key', d.key).stringField('event', d.event).stringField('episode', d.episode).floatField('at', at).stringField('delivery', JSON.stringify(d));
  return line(p.timestamp(stamps.next(at)));
}

/** A keyed state's line at time 0, as Point would write it; `fields` are given in name order. */
const stateLine = (measurement: string, keyTag: string, key: string, fields: readonly [string, string][]): string =>
  `${measurement}${tag(keyTag, key)} ${fields.map(([name, value]) => `${name}=${quotedText(value)}`).join(',')} 0`;

/** Lines for the data (readings, dead letters) and the records (state, warnings, deliveries, audit) policies or buckets; all serialised before anything is sent. */
export interface Lines {
  data: string[];
  state: string[];
}

export function commitLines(batch: CommitBatch, stamps: Stamps): Lines {
  const data: string[] = new Array<string>(batch.observations.length);
  for (let i = 0; i < batch.observations.length; i++) data[i] = observationLine(batch.observations[i]!);
  for (const d of batch.deadLetters) data.push(deadLetterLine(d, stamps));
  // Records are kept as long as the state: a restart reads the mode back from the audit trail.
  const state = batch.events.map((e) => warningLine(e, stamps));
  for (const a of batch.audit ?? []) state.push(auditLine(a, stamps));
  const { checkpoint } = batch;
  if (checkpoint) {
    // Within one write the last line of a point wins, as the last state of a key must.
    for (const s of checkpoint.states) state.push(stateLine('rule_state', 'key', s.key, [['rule_hash', s.ruleHash], ['state', json(s.state)]]));
    state.push(line(new Point('checkpoint').tag('consumer', checkpoint.consumer).floatField('seq', checkpoint.seq).timestamp('0')));
  }
  return { data, state };
}

export function alertingLines(batch: AlertingBatch, stamps: Stamps): Lines {
  const state = batch.deliveries.map((d) => deliveryLine(d, stamps));
  for (const a of batch.audit ?? []) state.push(auditLine(a, stamps));
  for (const e of batch.episodes ?? []) state.push(stateLine('episode', 'key', e.key, [['state', json(e.state)]]));
  return { data: [], state };
}
