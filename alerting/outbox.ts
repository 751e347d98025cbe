// The durable outbox: every delivery is stored before it is tried and after every attempt, so a
// restart never loses a queued message and never re-sends a delivered one. Due deliveries for the
// same recipient and channel go out as one message (the grouping wait); a failed attempt is tried
// again with exponential backoff (or after the far side's throttle hint), and after the last
// attempt the channel's fallback takes over. Channels run side by side: a slow or failing one
// never holds up the others.
import { createHash } from 'node:crypto';
import { DELIVERY_STATES, FINAL_STATES, type Delivery, type DeliveryState } from '../engine/delivery.ts';
import type { Store } from '../engine/store/store.ts';
import type { WarningEvent } from '../engine/warning.ts';
import type { Channel, Message, Receipt, SendOutcome } from './channel.ts';

export interface OutboxOptions {
  store: Store;
  channels: readonly Channel[];
  clock: () => number;
  /** Attempts per channel before a delivery fails (default 3). */
  maxAttempts?: number;
  /** channel → channel tried after it has failed. */
  fallback?: Readonly<Record<string, string>>;
  /** First retry wait, doubled each attempt up to `maxBackoffMs` (default 5 s, 5 min). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Messages in flight per channel at once (default 8). */
  concurrency?: number;
  /** Deliveries merged into one message at most, the most urgent first (default 5: an SMS stays a few parts long). */
  maxGroup?: number;
  /** The warning events behind deliveries, for channels that pass them on (webhook, NATS). */
  events?: (ids: readonly string[]) => Promise<WarningEvent[]>;
  /** Where a failure to save in the background (after a receipt) is reported; default the console. */
  onError?: (e: unknown) => void;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Promise.withResolvers, which Node 20 lacks. */
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers that do not wait for the write still must not leave a rejection unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const LIVE = DELIVERY_STATES.filter((s) => !FINAL_STATES.has(s));

const step = (d: Delivery, at: number, state: DeliveryState, detail?: string): void => {
  d.state = state;
  d.history.push(detail === undefined ? { at, state } : { at, state, detail });
};

/** One message for several deliveries to the same recipient: the texts in order, the most urgent priority. */
function merge(group: readonly Delivery[], events: readonly WarningEvent[]): Message {
  const first = group[0]!;
  const key = group.length === 1 ? first.key : `group:${createHash('sha256').update(group.map((d) => d.key).join('\n')).digest('hex').slice(0, 24)}`;
  const top = group.reduce((a, b) => (b.priority < a.priority ? b : a));
  return {
    key,
    recipient: first.recipient,
    lang: first.lang,
    title: top.title,
    text: group.map((d) => d.text).join('\n'),
    tier: top.tier,
    priority: top.priority,
    events,
  };
}

export class Outbox {
  /** Deliveries not yet final, by key. */
  private readonly live = new Map<string, Delivery>();
  /** Keys sent and waiting for a receipt, by the far side's ref. */
  private readonly byRef = new Map<string, string[]>();
  private readonly inFlight = new Map<string, number>();
  /** Attempts under way, with their channel. */
  private readonly running = new Map<Promise<void>, string>();
  private readonly channels: Map<string, Channel>;
  /** The last write (settled, never rejecting): idle() waits for it. */
  private saving: Promise<void> = Promise.resolve();
  /** Rows waiting for the next write, the newest state of each delivery; written in call order, so a state is never overwritten by an older one. */
  private readonly unsaved = new Map<string, Delivery>();
  private nextBatch?: Deferred;
  private writing = false;
  private pumpScheduled = false;
  readonly sentCount = { messages: 0, deliveries: 0 };
  private readonly reportError: (e: unknown) => void;

  constructor(private readonly opts: OutboxOptions) {
    this.channels = new Map(opts.channels.map((c) => [c.name, c]));
    this.reportError = opts.onError ?? ((e: unknown) => console.error('outbox: saving failed:', e));
    for (const c of opts.channels) c.onReceipt?.((r) => this.receipt(r));
  }

  /** Take back what was live before a restart. A delivery caught mid-attempt is in doubt: it is sent again (at least once beats never). */
  async start(): Promise<{ resumed: number; inDoubt: number }> {
    const now = this.opts.clock();
    let inDoubt = 0;
    const changed: Delivery[] = [];
    /** Refs still awaiting a receipt, by channel. */
    const refs = new Map<string, Set<string>>();
    for (const d of await this.opts.store.deliveries({ states: LIVE })) {
      if (d.state === 'sending') {
        step(d, now, 'queued', 'in doubt after a restart: the attempt may or may not have reached the far side; sending again');
        d.nextAt = now;
        changed.push(d);
        inDoubt++;
      }
      if (d.state === 'sent' && d.ref !== undefined) {
        this.byRef.set(d.ref, [...(this.byRef.get(d.ref) ?? []), d.key]);
        refs.set(d.channel, (refs.get(d.channel) ?? new Set()).add(d.ref));
      }
      this.live.set(d.key, d);
    }
    await this.save(changed);
    // Channels that poll for their receipts take up the refs still awaiting one.
    for (const [name, set] of refs) this.channels.get(name)?.resumeReceipts?.([...set]);
    return { resumed: this.live.size, inDoubt };
  }

  /** Add deliveries; a key already known (live or in the store) is left as it is, so replays add nothing. */
  async enqueue(deliveries: readonly Delivery[]): Promise<number> {
    const fresh = deliveries.filter((d) => !this.live.has(d.key));
    if (fresh.length === 0) return 0;
    const stored = new Set((await this.opts.store.deliveries({ keys: fresh.map((d) => d.key) })).map((d) => d.key));
    const added = [...new Map(fresh.filter((d) => !stored.has(d.key)).map((d) => [d.key, d])).values()];
    for (const d of added) this.live.set(d.key, d);
    await this.save(added);
    return added.length;
  }

  /** Held deliveries of an episode at a tier go out (approved) or are dropped (rejected, lifted). */
  async release(episode: string, tier: string, state: 'queued' | 'cancelled', detail: string): Promise<number> {
    const now = this.opts.clock();
    const changed = [...this.live.values()].filter((d) => d.episode === episode && d.tier === tier && d.state === 'awaiting-approval');
    for (const d of changed) {
      step(d, now, state, detail);
      d.nextAt = Math.max(d.nextAt, now);
      if (state === 'cancelled') this.live.delete(d.key);
    }
    await this.save(changed);
    return changed.length;
  }

  /** A person read it: their deliveries of the episode are acknowledged. */
  async acknowledge(episode: string, person: string, detail: string): Promise<Delivery[]> {
    const now = this.opts.clock();
    const rows = await this.opts.store.deliveries({ warning: episode, states: ['sent', 'delivered'] });
    const mine = rows.filter((d) => d.recipient.id === person).map((d) => this.live.get(d.key) ?? d);
    for (const d of mine) {
      step(d, now, 'acknowledged', detail);
      this.live.delete(d.key);
    }
    await this.save(mine);
    return mine;
  }

  /** Start every due message whose channel has room; returns without waiting for them. */
  pump(): void {
    const now = this.opts.clock();
    const groups = new Map<string, Delivery[]>();
    for (const d of this.live.values()) {
      if (d.state !== 'queued' || d.nextAt > now) continue;
      const k = `${d.channel}|${d.recipient.id}`;
      groups.set(k, [...(groups.get(k) ?? []), d]);
    }
    for (const due of groups.values()) {
      // The most urgent first; the rest wait for the next message to the same recipient.
      const group = due.sort((a, b) => a.priority - b.priority || a.nextAt - b.nextAt).slice(0, this.opts.maxGroup ?? 5);
      const name = group[0]!.channel;
      const channel = this.channels.get(name);
      if (!channel) {
        this.finish(group, { state: 'failed', reason: `no channel "${name}" is configured`, retry: false }).catch(this.reportError);
        continue;
      }
      if ((this.inFlight.get(name) ?? 0) >= (this.opts.concurrency ?? 8)) continue;
      this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
      const run = this.attempt(channel, group).catch(this.reportError).finally(() => {
        this.inFlight.set(name, this.inFlight.get(name)! - 1);
        this.running.delete(run);
      });
      this.running.set(run, name);
    }
  }

  /** Resolves when no attempt is under way (tests, shutdown), or none on the channels named. */
  async idle(channels?: readonly string[]): Promise<void> {
    const waiting = () => [...this.running].filter(([, ch]) => !channels || channels.includes(ch)).map(([run]) => run);
    for (let runs = waiting(); runs.length > 0 || this.pumpScheduled; runs = waiting()) {
      await (runs.length > 0 ? Promise.all(runs) : new Promise((r) => setImmediate(r)));
    }
    while (this.writing || this.unsaved.size > 0) await (this.nextBatch?.promise.catch(() => undefined) ?? this.saving);
  }

  private async attempt(channel: Channel, group: Delivery[]): Promise<void> {
    const now = this.opts.clock();
    for (const d of group) {
      d.attempts++;
      step(d, now, 'sending', `attempt ${d.attempts} on ${channel.name}`);
    }
    await this.save(group); // before the send: a crash now leaves it in doubt, never forgotten
    let outcome: SendOutcome;
    try {
      const events = (await this.opts.events?.([...new Set(group.map((d) => d.event))])) ?? [];
      outcome = await channel.send(merge(group, events));
    } catch (e) {
      outcome = { state: 'failed', reason: `channel threw: ${e instanceof Error ? e.message : String(e)}`, retry: true };
    }
    this.sentCount.messages++;
    this.sentCount.deliveries += group.length;
    await this.finish(group, outcome);
    this.pumpSoon(); // a fallback due now, or a message that waited for room on this channel
  }

  /** One pump for every attempt that ends in the same turn: a pump reads every live delivery. */
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private async finish(group: Delivery[], outcome: SendOutcome): Promise<void> {
    const now = this.opts.clock();
    const changed = [...group];
    for (const d of group) {
      if (outcome.state !== 'failed') {
        if (outcome.ref !== undefined) d.ref = outcome.ref;
        step(d, now, outcome.state, outcome.ref && `ref ${outcome.ref}`);
        if (outcome.state === 'delivered') this.live.delete(d.key);
        else if (outcome.ref !== undefined) this.byRef.set(outcome.ref, [...(this.byRef.get(outcome.ref) ?? []), d.key]);
        continue;
      }
      const fallback = this.fail(d, outcome, now);
      if (fallback) changed.push(fallback);
    }
    await this.save(changed);
  }

  /** A failed attempt: queue the next one, or give up and hand over to the fallback channel. */
  private fail(d: Delivery, outcome: Extract<SendOutcome, { state: 'failed' }>, now: number): Delivery | undefined {
    const max = this.opts.maxAttempts ?? 3;
    if (outcome.retry && d.attempts < max) {
      const backoff = Math.min((this.opts.backoffMs ?? 5000) * 2 ** (d.attempts - 1), this.opts.maxBackoffMs ?? 300_000);
      d.nextAt = now + Math.max(backoff, outcome.afterMs ?? 0);
      step(d, now, 'queued', `${outcome.reason}; next attempt in ${Math.round((d.nextAt - now) / 1000)} s`);
      return undefined;
    }
    this.live.delete(d.key);
    const to = this.opts.fallback?.[d.channel];
    const reach = to === undefined ? undefined : this.channels.get(to)?.reaches;
    if (to === undefined || reach !== d.recipient.kind || d.fallbackOf !== undefined) {
      step(d, now, 'failed', outcome.reason);
      return undefined;
    }
    step(d, now, 'failed', `${outcome.reason}; handed to ${to}`);
    const next: Delivery = { ...d, key: `${d.key}>${to}`, channel: to, state: 'queued', attempts: 0, nextAt: now, fallbackOf: d.key, history: [{ at: now, state: 'queued', detail: `fallback for ${d.channel}` }] };
    delete next.ref;
    this.live.set(next.key, next);
    return next;
  }

  /** A receipt, stored before the returned promise settles (the channel acknowledges it then). */
  private receipt(r: Receipt): Promise<void> {
    const keys = this.byRef.get(r.ref);
    if (!keys) return Promise.resolve();
    const now = this.opts.clock();
    this.byRef.delete(r.ref);
    const changed: Delivery[] = [];
    for (const key of keys) {
      const d = this.live.get(key);
      if (!d || d.state !== 'sent') continue;
      if (r.state === 'delivered') {
        step(d, now, 'delivered', `receipt ${r.detail}`);
        this.live.delete(key);
      } else {
        const fallback = this.fail(d, { state: 'failed', reason: `receipt ${r.detail}`, retry: r.retry ?? true }, now);
        if (fallback) changed.push(fallback);
      }
      changed.push(d);
    }
    return this.save(changed).catch(this.reportError);
  }

  /**
   * Store deliveries. Rows asked for while a write is under way go together in the next one, so
   * many attempts share a transaction; each caller's promise settles when its rows are written.
   */
  private save(changed: readonly Delivery[]): Promise<void> {
    if (changed.length === 0) return this.saving;
    for (const d of changed) this.unsaved.set(d.key, structuredClone(d));
    const batch = (this.nextBatch ??= deferred());
    if (!this.writing) void this.flush();
    return batch.promise;
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.unsaved.size > 0) {
      const rows = [...this.unsaved.values()];
      const batch = this.nextBatch!;
      this.unsaved.clear();
      this.nextBatch = undefined;
      // A failed write fails its own callers; later writes still run.
      const run = this.opts.store.saveAlerting({ deliveries: rows });
      this.saving = run.catch(() => undefined);
      await run.then(batch.resolve, batch.reject);
    }
    this.writing = false;
  }

  /** Deliveries not yet final (a delivery leaves `live` when it becomes final). */
  pending(): Delivery[] {
    return [...this.live.values()];
  }
}
