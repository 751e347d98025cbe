// Warnings POSTed as JSON to a partner's endpoint (a county platform, a chat bot, a dashboard),
// signed so the receiver can tell they are ours. The same payload goes out over NATS (nats-channel.ts).
//
//   POST <url>   Idempotency-Key: <message key>   X-Seed-Signature: sha256=<hex HMAC-SHA256 of the body>
//   body: { id, tier, priority, title, text, lang, events }
//   2xx → delivered; 408, 429 (Retry-After), 5xx, no answer → retry; other 4xx → no retry.
import { createHmac } from 'node:crypto';
import type { Channel, Message, SendOutcome } from '../channel.ts';
import type { Tier } from '../../engine/tiers.ts';
import type { WarningEvent } from '../../engine/warning.ts';
import { httpOutcome, postJson } from './http-outcome.ts';

export interface AlertPayload {
  /** The message's idempotency key, so a receiver can drop a repeat. */
  id: string;
  tier: Tier | null;
  priority: number;
  title: string;
  text: string;
  lang: string;
  events: readonly WarningEvent[];
}

export const alertPayload = (m: Message): AlertPayload => ({
  id: m.key,
  tier: m.tier,
  priority: m.priority,
  title: m.title,
  text: m.text,
  lang: m.lang,
  events: m.events,
});

/** The X-Seed-Signature value for a body: what a receiver recomputes with the shared secret. */
export const signature = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface WebhookOptions {
  url: string;
  /** Extra headers (an API key, say). */
  headers?: Record<string, string>;
  /** Shared secret for X-Seed-Signature; unsigned without it. */
  secret?: string;
  /** Default 'webhook'. */
  name?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class WebhookChannel implements Channel {
  readonly name: string;
  readonly reaches = 'endpoint' as const;

  constructor(private readonly opts: WebhookOptions) {
    this.name = opts.name ?? 'webhook';
  }

  async send(message: Message): Promise<SendOutcome> {
    const body = JSON.stringify(alertPayload(message));
    const headers: Record<string, string> = { ...this.opts.headers, 'idempotency-key': message.key };
    if (this.opts.secret !== undefined) headers['x-seed-signature'] = signature(this.opts.secret, body);
    const reply = await postJson(this.opts.url, body, headers, this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return httpOutcome(reply, () => ({ state: 'delivered' }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
