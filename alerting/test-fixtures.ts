// Shared fixtures for the alerting tests: a small county's contacts and routes, warning events,
// and a channel that records what it was asked to send and answers as the test tells it.
import type { Tier } from '../engine/tiers.ts';
import type { WarningEvent, WarningKind } from '../engine/warning.ts';
import type { Channel, Message, Receipt, Recipient, SendOutcome } from './channel.ts';
import { parseContacts, type Contacts } from './contacts.ts';
import { parseRouting, type Routing } from './routing.ts';

export const CONTACTS_YAML = `
people:
  - { id: zhang, name: 张伟, phone: "+8613800000001", role: duty forecaster, regions: ["350122"] }
  - { id: li, name: 李娜, phone: "+8613800000002", role: duty forecaster, regions: ["350122"] }
  - { id: wang, name: Wang Fang, phone: "+8613800000003", role: section chief, regions: ["3501"], lang: en }
  - { id: chen, name: 陈刚, phone: "+8613800000004", role: director, regions: ["35"] }
  - { id: lin, name: 林村长, phone: "+8613800000005", role: village head, regions: ["350181"] }
groups:
  - { id: duty, members: [zhang, li] }
  - { id: chiefs, members: [wang] }
  - { id: director, members: [chen] }
speakers:
  - { id: SPK-P01, name: 黄岐港广播, device: HQ-001, port: P01, region: "350122" }
  - { id: SPK-P02, name: 筱埕港广播, device: XC-001, port: P02, region: "350122" }
  - { id: SPK-X, name: 福清广播, device: FQ-001, region: "350181" }
endpoints:
  - { id: county-platform, name: 县应急广播平台 }
`;

export const ROUTES_YAML = `
group_wait: 30s
repeat_interval: 2h
max_attempts: 3
fallback: { speaker-mqtt: speaker }
routes:
  - name: duty
    to: [{ channel: sms, group: duty }]
    escalation: { ack_within: 10m, ladder: [chiefs, director], channel: sms }
    continue: true
  - name: vessels
    match: { domains: vessel }
    to: [{ channel: speaker-mqtt, speakers: port }]
    approval: { channels: [speaker-mqtt], min_tier: orange, approvers: duty, notify: sms }
    continue: true
  - name: public
    match: { domains: [hydrology, tides], min_tier: yellow, regions: "3501" }
    to:
      - { channel: speaker, speakers: region }
      - { channel: sms, people: region }
    approval: { channels: [speaker], min_tier: orange, approvers: duty, notify: sms, auto_approve_after: 15m }
    routes:
      - match: { tags: [coastal] }
        to: [{ channel: webhook, endpoint: county-platform }, { channel: speaker, speakers: region }]
        approval: { channels: [speaker], min_tier: orange, approvers: duty, notify: sms, auto_approve_after: 15m }
`;

export const CHANNEL_NAMES = ['sms', 'speaker', 'speaker-mqtt', 'webhook'];

export function fixtures(): { contacts: Contacts; routing: Routing } {
  const { contacts, errors } = parseContacts('contacts.yaml', CONTACTS_YAML);
  if (!contacts) throw new Error(errors.map((e) => e.message).join('\n'));
  const r = parseRouting('routes.yaml', ROUTES_YAML, contacts, CHANNEL_NAMES);
  if (!r.routing) throw new Error(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return { contacts, routing: r.routing };
}

export const T0 = Date.parse('2026-07-28T06:00:00Z');

export function warning(over: {
  kind?: WarningKind;
  tier: Tier | null;
  previousTier?: Tier | null;
  rule?: string;
  entity?: string;
  domain?: string;
  region?: string;
  at?: number;
  issuedAt?: number;
  values?: number[];
  suppressed?: boolean;
  zone?: { id: string; name: string; kind: string };
}): WarningEvent {
  const at = over.at ?? T0;
  const kind = over.kind ?? 'issued';
  const rule = over.rule ?? 'river-stage';
  const entity = over.entity ?? 'H01';
  const values = over.values ?? [5.6];
  return {
    id: `${rule}|${entity}|${kind}|${at}`,
    kind,
    rule: { id: rule, title: '河道水位超警 River flood stage', hash: 'abc123' },
    domain: over.domain ?? 'hydrology',
    entity,
    station: { id: entity, name: '潘渡水文站', region: over.region ?? '350122', lon: 119.45, lat: 26.25 },
    tier: over.tier,
    previousTier: over.previousTier ?? null,
    at,
    issuedAt: over.issuedAt ?? at,
    evidence: {
      metric: 'stage',
      unit: 'm',
      condition: 'stage ≥ 5.5 m (yellow: station.warning_stage)',
      threshold: 5.5,
      readings: values.map((value, i) => ({ ts: at - (values.length - 1 - i) * 300_000, value })),
      ...(over.zone && { zone: over.zone }),
    },
    summary: `${over.tier ?? 'lifted'} ${rule} at ${entity}`,
    ...(over.suppressed && { suppressed: { by: 'silence', id: 's1', reason: 'maintenance' } }),
  };
}

/** A channel that records every message and answers with the next scripted outcome (default: delivered). */
export class TestChannel implements Channel {
  readonly sent: Message[] = [];
  private readonly script: (SendOutcome | 'hang')[] = [];
  private listener?: (r: Receipt) => void;

  constructor(
    readonly name: string,
    readonly reaches: Recipient['kind'],
  ) {}

  answer(...outcomes: (SendOutcome | 'hang')[]): this {
    this.script.push(...outcomes);
    return this;
  }

  send(message: Message): Promise<SendOutcome> {
    this.sent.push(message);
    const next = this.script.shift() ?? { state: 'delivered' };
    return next === 'hang' ? new Promise(() => undefined) : Promise.resolve(next);
  }

  onReceipt(listener: (r: Receipt) => void): void {
    this.listener = listener;
  }

  receipt(r: Receipt): void {
    this.listener?.(r);
  }

  to(id: string): Message[] {
    return this.sent.filter((m) => m.recipient.id === id);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
