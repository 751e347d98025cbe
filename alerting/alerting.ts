// Dissemination as one service: a warning sink that routes events to deliveries (the dispatcher),
// keeps them in the durable outbox and sends them through the channels; forecasters approve,
// reject and acknowledge through it, and every such action is recorded with who and why.
import type { Delivery, DeliveryQuery } from '../engine/delivery.ts';
import type { WarningSink } from '../engine/sinks/sink.ts';
import type { AuditEntry, Store } from '../engine/store/store.ts';
import type { Station } from '../engine/station.ts';
import { tierRank, type Tier } from '../engine/tiers.ts';
import type { WarningEvent } from '../engine/warning.ts';
import type { Channel } from './channel.ts';
import type { Contacts } from './contacts.ts';
import { Dispatcher, type DispatchResult, type Episode } from './dispatcher.ts';
import { Outbox } from './outbox.ts';
import type { Routing, TagsOf } from './routing.ts';
import type { Templates } from './templates.ts';

export interface AlertingOptions {
  store: Store;
  channels: readonly Channel[];
  routing: Routing;
  contacts: Contacts;
  templates: Templates;
  /** A station's tags (routes match on them; vessels carry their home port). */
  tagsOf: TagsOf;
  /** The engine's clock (simulated in the demo). */
  clock: () => number;
  utcOffsetMinutes?: number;
  /** Called with every event handed over, after its deliveries are stored (the CAP feed). */
  onEvents?: (events: readonly WarningEvent[]) => void | Promise<void>;
  /** Stations a forecaster may issue a warning for by hand. */
  stationOf?: (id: string) => Station | undefined;
  backoffMs?: number;
  onError?: (e: unknown) => void;
}

/** A forecaster's own action on a warning: issue one the rules did not, re-tier one, or lift one. */
export type ManualAction =
  | { action: 'issue'; station: string; tier: Tier; title?: string; by: string; reason: string }
  | { action: 'override'; episode: string; tier: Tier; by: string; reason: string }
  | { action: 'lift'; episode: string; by: string; reason: string };

export class Alerting implements WarningSink {
  private readonly dispatcher: Dispatcher;
  readonly outbox: Outbox;
  /** Events behind live deliveries, for channels that pass them on. */
  private readonly recent = new Map<string, WarningEvent>();
  private timer?: ReturnType<typeof setInterval>;

  private constructor(private readonly opts: AlertingOptions) {
    this.dispatcher = new Dispatcher({ routing: opts.routing, contacts: opts.contacts, templates: opts.templates, tagsOf: opts.tagsOf, ...(opts.utcOffsetMinutes !== undefined && { utcOffsetMinutes: opts.utcOffsetMinutes }) });
    this.outbox = new Outbox({
      store: opts.store,
      channels: opts.channels,
      clock: opts.clock,
      maxAttempts: opts.routing.maxAttempts,
      fallback: opts.routing.fallback,
      events: (ids) => this.eventsOf(ids),
      ...(opts.backoffMs !== undefined && { backoffMs: opts.backoffMs }),
      ...(opts.onError && { onError: opts.onError }),
    });
  }

  /** Open with the episodes and live deliveries of before a restart. */
  static async open(opts: AlertingOptions): Promise<{ alerting: Alerting; resumed: number; inDoubt: number }> {
    const a = new Alerting(opts);
    a.dispatcher.restore((await opts.store.episodes()).map((r) => r.state as Episode));
    const { resumed, inDoubt } = await a.outbox.start();
    return { alerting: a, resumed, inDoubt };
  }

  /** The warning sink: called with each batch's events before the engine commits it. */
  async write(events: readonly WarningEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) this.remember(e);
    await this.apply(this.dispatcher.events(events, this.opts.clock()));
    await this.opts.onEvents?.(events);
    this.outbox.pump();
  }

  /** Read the clock: auto-approvals, escalations, due and retried deliveries. */
  async tick(): Promise<void> {
    await this.apply(this.dispatcher.tick(this.opts.clock()));
    this.outbox.pump();
  }

  /** Tick on a wall-clock interval until stopped. */
  start(everyMs = 1000): void {
    this.timer = setInterval(() => void this.tick().catch(this.opts.onError ?? ((e: unknown) => console.error('alerting:', e))), everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.outbox.idle();
    await Promise.all(this.opts.channels.map((c) => c.close()));
  }

  async approve(episode: string, approved: boolean, by: string, reason: string): Promise<{ released: number } | { error: string }> {
    const result = this.dispatcher.decide(episode, approved, by, reason, this.opts.clock());
    if ('error' in result) return result;
    const released = await this.apply(result, { at: this.opts.clock(), action: approved ? 'approve' : 'reject', value: episode, by, reason });
    this.outbox.pump();
    return { released };
  }

  async acknowledge(episode: string, by: string, reason: string): Promise<{ acknowledged: number } | { error: string }> {
    const result = this.dispatcher.acknowledge(episode, by, reason, this.opts.clock());
    if ('error' in result) return result;
    await this.apply(result, { at: this.opts.clock(), action: 'acknowledge', value: episode, by, reason });
    return { acknowledged: (await this.outbox.acknowledge(episode, by, `acknowledged by ${by}: ${reason}`)).length };
  }

  /**
   * Issue, re-tier or lift by hand. The event is stored with the warnings and disseminated like a
   * rule's; an override re-tiers what was sent (the rule's next change goes out as usual); a lift
   * closes the episode, so the rule's later events of it are recorded but not sent.
   */
  async manual(m: ManualAction): Promise<{ event: WarningEvent } | { error: string }> {
    const now = this.opts.clock();
    const made = this.manualEvent(m, now);
    if ('error' in made) return made;
    const e = { ...made, manual: { by: m.by, reason: m.reason } };
    await this.opts.store.commit({ observations: [], events: [e], deadLetters: [], audit: [{ at: now, action: `manual-${m.action}`, value: e.id, by: m.by, reason: m.reason }] });
    await this.write([e]);
    return { event: e };
  }

  private manualEvent(m: ManualAction, now: number): Omit<WarningEvent, 'manual'> | { error: string } {
    const condition = `${m.action === 'issue' ? 'issued' : m.action === 'lift' ? 'lifted' : `set to ${m.tier}`} by ${m.by}: ${m.reason}`;
    const evidence = { metric: 'manual', condition, readings: [] };
    if (m.action === 'issue') {
      const s = this.opts.stationOf?.(m.station);
      if (!s) return { error: `no station "${m.station}"` };
      const title = m.title ?? '人工预警 Manual warning';
      const station = { id: s.id, name: s.name, lon: s.lon, lat: s.lat, ...(s.region && { region: s.region }) };
      return { id: `manual|${s.id}|issued|${now}`, kind: 'issued', rule: { id: 'manual', title, hash: 'manual' }, domain: s.domain, entity: s.id, station, tier: m.tier, previousTier: null, at: now, issuedAt: now, evidence, summary: `${m.tier} ${title} at ${s.name}: ${condition}` };
    }
    const ep = this.dispatcher.episode(m.episode);
    if (!ep || ep.lifted) return { error: `no warning in force with episode "${m.episode}"` };
    // A forecaster's decision is never held back by a silence or an inhibition.
    const { suppressed: _suppressed, ...last } = ep.last;
    const tier = m.action === 'lift' ? null : m.tier;
    if (tier === last.tier) return { error: `the warning is already ${tier}` };
    const kind = tier === null ? 'lifted' : tierRank(tier) > tierRank(last.tier) ? 'upgraded' : 'downgraded';
    return { ...last, id: `manual|${m.episode}|${kind}|${now}`, kind, tier, previousTier: last.tier, at: now, evidence: { ...last.evidence, condition }, summary: `${last.rule.title} at ${last.station.name}: ${condition}` };
  }

  /** Open episodes with what they wait for: approval, acknowledgement, the next escalation. */
  episodes(): Episode[] {
    return this.dispatcher.open();
  }

  deliveries(query?: DeliveryQuery): Promise<Delivery[]> {
    return this.opts.store.deliveries(query);
  }

  /** Store the dispatcher's decisions: deliveries to the outbox, episode records and the audit. */
  private async apply(r: DispatchResult, audit?: AuditEntry): Promise<number> {
    await this.outbox.enqueue(r.deliveries);
    await this.opts.store.saveAlerting({ deliveries: [], episodes: r.episodes.map((e) => ({ key: e.key, state: e })), ...(audit && { audit: [audit] }) });
    let released = 0;
    for (const x of r.release) released += await this.outbox.release(x.episode, x.tier, x.state, x.detail);
    return released;
  }

  /** Keep the latest events (bounded: older ones are read back from the store when needed). */
  private remember(e: WarningEvent): void {
    this.recent.set(e.id, e);
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!);
  }

  private async eventsOf(ids: readonly string[]): Promise<WarningEvent[]> {
    const missing = ids.filter((id) => !this.recent.has(id));
    if (missing.length > 0) for (const e of await this.opts.store.warnings({ ids: missing })) this.remember(e);
    return ids.flatMap((id) => this.recent.get(id) ?? []);
  }
}
