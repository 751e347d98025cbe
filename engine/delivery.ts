// A delivery: one warning event to one recipient over one channel, the unit the outbox keeps,
// retries and reports on. Declared here, beside the store port that keeps it, so every store
// adapter can hold deliveries without knowing the channels.
import type { Tier } from './tiers.ts';

/** Who a message is for, as the contacts registry knows them. */
export type Recipient =
  | { kind: 'person'; id: string; name: string; phone?: string }
  | { kind: 'speaker'; id: string; name: string; device: string; zone?: string }
  | { kind: 'endpoint'; id: string; name: string };

/**
 * - `awaiting-approval`: held until a forecaster approves (public channels at high tiers).
 * - `queued`: due at `nextAt`; `sending`: an attempt is under way (after a crash: in doubt).
 * - `sent`: the far side took it, a receipt may follow; `delivered`: confirmed at the far end.
 * - `acknowledged`: the person confirmed they read it. `failed`: given up. `cancelled`: no longer
 *   to be sent (lifted before approval, rejected, or sent to a fallback channel instead).
 */
export const DELIVERY_STATES = ['awaiting-approval', 'queued', 'sending', 'sent', 'delivered', 'acknowledged', 'failed', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** States a delivery does not leave on its own. */
export const FINAL_STATES: ReadonlySet<DeliveryState> = new Set(['delivered', 'acknowledged', 'failed', 'cancelled']);

export interface DeliveryStep {
  /** Clock time, epoch ms. */
  at: number;
  state: DeliveryState;
  detail?: string;
}

export interface Delivery {
  /** Idempotency key: the event, the recipient and the channel. */
  key: string;
  /** The warning event (its id) and its episode: rule, entity and when it was issued. */
  event: string;
  episode: string;
  rule: string;
  entity: string;
  domain: string;
  tier: Tier | null;
  channel: string;
  recipient: Recipient;
  lang: 'zh' | 'en';
  title: string;
  text: string;
  priority: number;
  state: DeliveryState;
  attempts: number;
  /** When it is next due (clock ms): the grouping wait, a backoff, a throttle hint. */
  nextAt: number;
  /** The far side's id for it (an SMSC message id, a broadcast task id). */
  ref?: string;
  /** The delivery this one stands in for, when it is a fallback. */
  fallbackOf?: string;
  history: DeliveryStep[];
}

export interface DeliveryQuery {
  /** A warning event id or an episode key. */
  warning?: string;
  keys?: readonly string[];
  states?: readonly DeliveryState[];
  channel?: string;
}

/** The episode key of a warning: one per (rule, entity) issue, shared by its updates and its lift. */
export const episodeKey = (e: { rule: { id: string }; entity: string; issuedAt: number }): string => `${e.rule.id}|${e.entity}|${e.issuedAt}`;
