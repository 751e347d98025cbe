// The dispatcher decides who gets what, and when: warning events are routed to deliveries (event ×
// recipient × channel); public channels at high tiers wait for a forecaster's approval; people who
// do not acknowledge are followed by the next group of the escalation ladder. It holds one record
// per warning episode and does no I/O: the caller keeps the records and hands the deliveries to
// the outbox, so the same inputs always give the same deliveries (replays, restarts, tests).
import { episodeKey, type Delivery, type DeliveryState } from '../engine/delivery.ts';
import { tierRank, type Tier } from '../engine/tiers.ts';
import type { WarningEvent } from '../engine/warning.ts';
import type { Contact, Contacts } from './contacts.ts';
import { routeTargets, type Route, type Routing, type TagsOf } from './routing.ts';
import { render, type Templates } from './templates.ts';

export interface Episode {
  key: string;
  /** The latest event of the episode (escalation and approval messages are made from it). */
  last: WarningEvent;
  /** The first deciding value, to tell whether the warning is still rising. */
  firstValue?: number;
  lifted: boolean;
  /** Approval of the public channels, per tier: pending since when, or decided by whom. */
  approvals: Partial<Record<Tier, { route: string; requestedAt: number; decided?: { approved: boolean; by: string; reason: string; at: number } }>>;
  acknowledged?: { by: string; reason: string; at: number };
  escalation?: { route: string; step: number; nextAt: number };
  /** When each (channel, recipient) was last sent something of this episode: repeats and lifts go by it. */
  sent: Record<string, number>;
  /** (channel, recipient) held for approval, by the tier they wait at: sent once approved. */
  held: Record<string, Tier>;
  /** Lifted by a forecaster: the rule's later events of this episode are recorded, not sent. */
  closedBy?: { by: string; reason: string; at: number };
}

export interface DispatchResult {
  deliveries: Delivery[];
  episodes: Episode[];
  /** Deliveries held for approval that are now released (queued) or dropped (cancelled), by episode. */
  release: { episode: string; tier: Tier; state: Extract<DeliveryState, 'queued' | 'cancelled'>; detail: string }[];
}

export interface DispatcherOptions {
  routing: Routing;
  contacts: Contacts;
  templates: Templates;
  tagsOf: TagsOf;
  utcOffsetMinutes?: number;
}

const PRIORITY: Record<Tier, number> = { red: 1, orange: 2, yellow: 3, blue: 4 };
const sentKey = (channel: string, c: Contact): string => `${channel}|${c.recipient.id}`;
const lastValue = (e: WarningEvent): number | undefined => e.evidence.readings.at(-1)?.value;

/** Still rising: not lowered or lifted since, and the deciding value above where the episode began. */
export const rising = (ep: Episode): boolean =>
  !ep.lifted && ep.last.kind !== 'downgraded' && ep.firstValue !== undefined && (lastValue(ep.last) ?? -Infinity) > ep.firstValue;

/** A public channel at or above the route's approval tier, not yet approved at this tier in the episode. */
function needsApproval(ep: Episode, route: Route, channel: string, e: WarningEvent): boolean {
  const a = route.approval;
  if (!a || !a.channels.includes(channel) || e.tier === null || tierRank(e.tier) < tierRank(a.min_tier)) return false;
  return !ep.approvals[e.tier]?.decided?.approved;
}

export class Dispatcher {
  private readonly episodes = new Map<string, Episode>();
  private readonly routesByName = new Map<string, Route>();

  constructor(private readonly opts: DispatcherOptions) {
    const index = (rs: readonly Route[]): void =>
      rs.forEach((r) => {
        this.routesByName.set(r.name, r);
        index(r.routes);
      });
    index(opts.routing.routes);
  }

  /** Records kept from before a restart. */
  restore(episodes: readonly Episode[]): void {
    for (const e of episodes) if (!e.lifted || e.closedBy) this.episodes.set(e.key, e);
  }

  episode(key: string): Episode | undefined {
    return this.episodes.get(key);
  }

  /** Episodes not yet lifted, newest first. */
  open(): Episode[] {
    return [...this.episodes.values()].filter((e) => !e.lifted).sort((a, b) => b.last.issuedAt - a.last.issuedAt);
  }

  /** Route warning events (in event order) to deliveries, clock time `now`. */
  events(events: readonly WarningEvent[], now: number): DispatchResult {
    const out: DispatchResult = { deliveries: [], episodes: [], release: [] };
    for (const e of events) {
      // A Red is never muted: silences and inhibition hold back everything else.
      if (e.suppressed && e.tier !== 'red') continue;
      const key = episodeKey(e);
      if (this.episodes.get(key)?.closedBy) continue;
      const ep = this.episodes.get(key) ?? { key, last: e, lifted: false, approvals: {}, sent: {}, held: {}, ...(lastValue(e) !== undefined && { firstValue: lastValue(e)! }) };
      ep.last = e;
      ep.lifted = e.kind === 'lifted';
      if (ep.lifted && e.manual) ep.closedBy = { by: e.manual.by, reason: e.manual.reason, at: now };
      this.episodes.set(key, ep);
      this.route(ep, e, now, out);
      if (ep.lifted) {
        delete ep.escalation;
        for (const [tier, a] of Object.entries(ep.approvals)) {
          if (a.decided) continue;
          this.released(ep, tier as Tier, false, now);
          out.release.push({ episode: key, tier: tier as Tier, state: 'cancelled', detail: 'lifted before approval' });
        }
        // Over: kept in the store, not in memory (a new issue is a new episode). One a person closed stays, to hold back the rule's later events.
        if (!ep.closedBy) this.episodes.delete(key);
      }
      out.episodes.push(ep);
    }
    return out;
  }

  private route(ep: Episode, e: WarningEvent, now: number, out: DispatchResult): void {
    const tags = this.opts.tagsOf(e.station.id);
    const seen = new Set<string>();
    const previously = (channel: string, c: Contact): boolean => ep.sent[sentKey(channel, c)] !== undefined;
    const targets = routeTargets(this.opts.routing, e, tags, this.opts.contacts);
    for (const { route, channel, contacts } of targets) {
      for (const c of contacts) {
        const k = sentKey(channel, c);
        if (seen.has(k)) continue;
        seen.add(k);
        // A lift goes only to those who heard the warning; a repeat waits out the repeat interval.
        if (e.kind === 'lifted' && !previously(channel, c)) continue;
        if (e.kind === 'renotified' && now - (ep.sent[k] ?? -Infinity) < route.repeatMs) continue;
        const held = needsApproval(ep, route, channel, e);
        if (held) this.requestApproval(ep, route, e, now, out);
        this.deliver(ep, e, channel, c, route.groupWaitMs, now, out, held ? 'awaiting-approval' : 'queued');
      }
      if (route.escalation && !ep.escalation && !ep.acknowledged && tierRank(e.tier) >= tierRank(route.escalation.min_tier)) {
        ep.escalation = { route: route.name, step: 0, nextAt: now + route.escalation.ack_within };
      }
    }
    // Lowered or lifted: everyone who heard the higher tier hears that it changed, even when no route matches any more.
    if (e.kind === 'downgraded' || e.kind === 'lifted') {
      for (const k of Object.keys(ep.sent)) {
        if (seen.has(k)) continue;
        const [channel, id] = k.split('|') as [string, string];
        const c = this.contact(id);
        if (c) this.deliver(ep, e, channel, c, 0, now, out, 'queued');
      }
    }
  }

  private contact(id: string): Contact | undefined {
    const c = this.opts.contacts;
    return c.people.get(id) ?? c.speakers.get(id) ?? c.endpoints.get(id);
  }

  private requestApproval(ep: Episode, route: Route, e: WarningEvent, now: number, out: DispatchResult): void {
    const tier = e.tier!;
    if (ep.approvals[tier]) return;
    ep.approvals[tier] = { route: route.name, requestedAt: now };
    const a = route.approval!;
    for (const c of this.opts.contacts.groups.get(a.approvers) ?? []) {
      const text = render(e, c.lang, this.opts.templates, this.opts.utcOffsetMinutes);
      const ask = c.lang === 'zh' ? `【待审批】${text.text} 请批准后向公众发布：seed approve ${ep.key}` : `[Approval needed] ${text.text} Approve for the public: seed approve ${ep.key}`;
      out.deliveries.push(this.delivery(e, `${ep.key}|approval-${tier}`, a.notify, c, { ...text, text: ask }, now, now, 'queued'));
    }
  }

  private deliver(ep: Episode, e: WarningEvent, channel: string, c: Contact, waitMs: number, now: number, out: DispatchResult, state: DeliveryState): void {
    const text = render(e, c.lang, this.opts.templates, this.opts.utcOffsetMinutes);
    out.deliveries.push(this.delivery(e, e.id, channel, c, text, now, now + waitMs, state));
    if (state === 'awaiting-approval') ep.held[sentKey(channel, c)] = e.tier!;
    else ep.sent[sentKey(channel, c)] = now;
  }

  private delivery(e: WarningEvent, id: string, channel: string, c: Contact, text: { title: string; text: string }, now: number, due: number, state: DeliveryState): Delivery {
    const tier = e.tier ?? e.previousTier;
    return {
      key: `${id}|${channel}|${c.recipient.id}`,
      event: e.id,
      episode: episodeKey(e),
      rule: e.rule.id,
      entity: e.entity,
      domain: e.domain,
      tier: e.tier,
      channel,
      recipient: c.recipient,
      lang: c.lang,
      title: text.title,
      text: text.text,
      priority: e.kind === 'lifted' || tier === null ? 5 : PRIORITY[tier],
      state,
      attempts: 0,
      nextAt: due,
      history: [{ at: now, state }],
    };
  }

  /** A forecaster's decision on the public channels of an episode at its current tier. */
  decide(key: string, approved: boolean, by: string, reason: string, now: number): DispatchResult | { error: string } {
    const ep = this.episodes.get(key);
    if (!ep) return { error: `no warning episode "${key}"` };
    const pending = Object.entries(ep.approvals).filter(([, a]) => !a.decided);
    if (pending.length === 0) return { error: `episode "${key}" has nothing awaiting approval` };
    const out: DispatchResult = { deliveries: [], episodes: [ep], release: [] };
    for (const [tier, a] of pending) {
      a.decided = { approved, by, reason, at: now };
      this.released(ep, tier as Tier, approved, now);
      out.release.push({ episode: key, tier: tier as Tier, state: approved ? 'queued' : 'cancelled', detail: `${approved ? 'approved' : 'rejected'} by ${by}: ${reason}` });
    }
    return out;
  }

  /** Held recipients of a tier: heard it once approved, forgotten once not. */
  private released(ep: Episode, tier: Tier, approved: boolean, now: number): void {
    for (const [k, t] of Object.entries(ep.held)) {
      if (t !== tier) continue;
      delete ep.held[k];
      if (approved) ep.sent[k] = now;
    }
  }

  acknowledge(key: string, by: string, reason: string, now: number): DispatchResult | { error: string } {
    const ep = this.episodes.get(key);
    if (!ep) return { error: `no warning episode "${key}"` };
    ep.acknowledged ??= { by, reason, at: now };
    delete ep.escalation;
    return { deliveries: [], episodes: [ep], release: [] };
  }

  /** The clock: approvals that approve themselves, and escalations that are due. */
  tick(now: number): DispatchResult {
    const out: DispatchResult = { deliveries: [], episodes: [], release: [] };
    for (const ep of this.episodes.values()) {
      if (ep.lifted) continue;
      let changed = false;
      for (const [tier, a] of Object.entries(ep.approvals)) {
        const after = this.routesByName.get(a.route)?.approval?.auto_approve_after;
        if (a.decided || after === undefined || now < a.requestedAt + after || !rising(ep)) continue;
        a.decided = { approved: true, by: 'seed', reason: `auto-approved: no decision within ${after / 60_000} min and still rising`, at: now };
        this.released(ep, tier as Tier, true, now);
        out.release.push({ episode: ep.key, tier: tier as Tier, state: 'queued', detail: a.decided.reason });
        changed = true;
      }
      const esc = ep.escalation;
      const ladder = esc && this.routesByName.get(esc.route)?.escalation;
      if (esc && ladder && !ep.acknowledged && now >= esc.nextAt) {
        const group = ladder.ladder[esc.step]!;
        for (const c of this.opts.contacts.groups.get(group) ?? []) {
          const text = render(ep.last, c.lang, this.opts.templates, this.opts.utcOffsetMinutes);
          const note = c.lang === 'zh' ? `【未确认，逐级上报】${text.text}` : `[Not acknowledged, escalated] ${text.text}`;
          out.deliveries.push(this.delivery(ep.last, `${ep.key}|escalation-${esc.step}`, ladder.channel, c, { ...text, text: note }, now, now, 'queued'));
        }
        if (esc.step + 1 < ladder.ladder.length) ep.escalation = { ...esc, step: esc.step + 1, nextAt: esc.nextAt + ladder.ack_within };
        else delete ep.escalation;
        changed = true;
      }
      if (changed) out.episodes.push(ep);
    }
    return out;
  }
}
