// One interface for every way a warning leaves the engine: SMS (SMPP, HTTP), broadcast speakers
// (HTTP cloud, MQTT), webhooks, NATS. The outbox owns retries, backoff, fallback and state; a
// channel only tries once and says plainly what happened.
import type { Recipient } from '../engine/delivery.ts';
import type { Tier } from '../engine/tiers.ts';
import type { WarningEvent } from '../engine/warning.ts';

export type { Recipient };

export type Lang = 'zh' | 'en';

export interface Message {
  /** The delivery's idempotency key (warning event × recipient × channel). Channels that can carry it do, so a far side can drop a repeat. */
  key: string;
  recipient: Recipient;
  lang: Lang;
  /** A short headline (SMS: unused; CAP/webhook: the headline). */
  title: string;
  /** The words a villager reads or hears. */
  text: string;
  tier: Tier | null;
  /** 1 (Red, most urgent) to 4 (Blue); 5 for a lift or a notice. */
  priority: number;
  /** The warning events the message is about (one, or several grouped for one recipient). */
  events: readonly WarningEvent[];
}

/**
 * What one attempt came to.
 * - `sent`: the far side accepted it; a receipt (by `ref`) may follow later.
 * - `delivered`: confirmed at the far end (a speaker's acknowledgement, a webhook's 2xx).
 * - `failed`: not accepted. `retry` false means trying again cannot help (a bad number);
 *   `afterMs` is the far side's hint to wait (throttling).
 */
export type SendOutcome =
  | { state: 'sent'; ref?: string }
  | { state: 'delivered'; ref?: string }
  | { state: 'failed'; reason: string; retry: boolean; afterMs?: number };

/** A receipt that arrives after the send (SMPP deliver_sm), matched to the delivery by `ref`. */
export interface Receipt {
  ref: string;
  state: 'delivered' | 'failed';
  /** The far side's own word for it (DELIVRD, UNDELIV, EXPIRED, ...). */
  detail: string;
  /** Clock time it arrived, epoch ms. */
  at: number;
  /** False when sending again through the channel cannot help (the far side would repeat this answer); default true. */
  retry?: boolean;
}

export interface Channel {
  /** The name routing policies use (`sms`, `speaker`, `webhook`, ...). */
  readonly name: string;
  /** Which recipients it can reach. */
  readonly reaches: Recipient['kind'];
  /** Try once. Never throws: a failure is an outcome. */
  send(message: Message): Promise<SendOutcome>;
  /**
   * Receipts that arrive later, if the channel has them. The listener's promise settles once the
   * receipt is stored; a channel that can (SMPP) acknowledges the receipt to the far side only then.
   */
  onReceipt?(listener: (receipt: Receipt) => void | Promise<void>): void;
  /** The refs of its deliveries a restart found still `sent`, for a channel that asks after receipts itself (polling) rather than being told. */
  resumeReceipts?(refs: readonly string[]): void;
  close(): Promise<void>;
}
