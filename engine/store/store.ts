// The store port: what the engine, the backtest, dissemination and the HTTP API read and write.
// Adapters: embedded DuckDB (the default), InfluxDB, QuestDB; all pass store-conformance.ts.
import type { Delivery, DeliveryQuery } from '../delivery.ts';
import type { Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';

export interface DeadLetter {
  subject: string;
  reason: string;
  /** The message as received (UTF-8, or base64 prefixed "base64:" when it is not text). */
  payload: string;
  /** Wall-clock time it was rejected, epoch ms. */
  at: number;
}

/** Rule and lifecycle state of one (rule, entity), tagged with the rule hash it was built under. */
export interface StateRow {
  key: string;
  ruleHash: string;
  state: unknown;
}

/**
 * What the engine has processed up to a source position. Committed together with the batch's
 * observations and events, so a restart resumes exactly after it: nothing lost, nothing doubled.
 */
export interface Checkpoint {
  consumer: string;
  seq: number;
  states: StateRow[];
}

/** A checkpoint as loaded at start, with where evaluation of each series had got to. */
export interface Restored extends Checkpoint {
  /** Event time of the last usable (reliable or doubtful) reading stored, per series key. */
  lastTimes: Map<string, number>;
}

/** An operator's action, with who and why: a mode switch, a rule set swap. */
export interface AuditEntry {
  /** Clock time, epoch ms. */
  at: number;
  action: string;
  value: string;
  by: string;
  reason: string;
}

export interface CommitBatch {
  observations: Observation[];
  /**
   * Each observation's series key (seriesKey), in the same order, when the caller has them (the
   * engine keeps one string per series): the embedded store numbers series by it, building none.
   */
  keys?: string[];
  events: WarningEvent[];
  deadLetters: DeadLetter[];
  audit?: AuditEntry[];
  checkpoint?: Checkpoint;
}

export interface WarningQuery {
  from?: number;
  to?: number;
  rule?: string;
  entity?: string;
  /** Only these event ids. */
  ids?: readonly string[];
}

/** A record of one warning episode kept by dissemination (its approval, acknowledgement, escalation). */
export interface EpisodeRow {
  key: string;
  state: unknown;
}

/** Dissemination's durable state: deliveries (upserted by key) and per-episode records (approval, escalation). */
export interface AlertingBatch {
  deliveries: Delivery[];
  episodes?: EpisodeRow[];
  audit?: AuditEntry[];
}

/** Usable readings (reliable or doubtful, with a value) of one series in one time bucket. */
export interface Bucket {
  /** Bucket start, epoch ms: a whole multiple of the bucket width since the epoch. */
  start: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  sum: number;
  /** The value of the bucket's newest reading. */
  last: number;
}

export interface Store {
  /** Write one batch atomically where the store can (observations, events, dead letters, checkpoint). */
  commit(batch: CommitBatch): Promise<void>;
  /** Observations of one series (seriesKey) with from <= ts < to, in time order. */
  range(series: string, from: number, to: number): Promise<Observation[]>;
  /**
   * Measured usable readings (reliable or doubtful, with a value; derived series left out) with
   * from <= ts < to, across all series in time order (ties in arrival order), in chunks: what a
   * backtest replays.
   */
  scan(from: number, to: number): AsyncIterable<Observation[]>;
  /** The newest reading (by event time, any quality) of each series asked for that has one. */
  latest(series: readonly string[]): Promise<Map<string, Observation>>;
  /** Buckets of `everyMs` over one series' usable readings with from <= ts < to; empty buckets left out. */
  aggregate(series: string, from: number, to: number, everyMs: number): Promise<Bucket[]>;
  warnings(query?: WarningQuery): Promise<WarningEvent[]>;
  deadLetters(): Promise<DeadLetter[]>;
  /** The audit trail, oldest first, optionally of one action. */
  audit(action?: string): Promise<AuditEntry[]>;
  /** Write deliveries and episode records in one transaction; a delivery or episode with a known key is replaced. */
  saveAlerting(batch: AlertingBatch): Promise<void>;
  /** Deliveries, oldest first, by warning event or episode, state and channel. */
  deliveries(query?: DeliveryQuery): Promise<Delivery[]>;
  /** Every saved episode record. */
  episodes(): Promise<EpisodeRow[]>;
  /** The last committed checkpoint of a consumer, or undefined on first start. */
  loadCheckpoint(consumer: string): Promise<Restored | undefined>;
  close(): Promise<void>;
}
