// Warnings published on NATS for automated consumers (a cloud broadcast trigger, another platform's
// bridge): the webhook's JSON on a subject built from the warning, keyed by the message's idempotency
// key (Nats-Msg-Id where the publisher carries it, and `id` in the JSON either way).
import type { Publisher } from '../../engine/bus.ts';
import type { Channel, Message, SendOutcome } from '../channel.ts';
import { alertPayload } from './webhook-channel.ts';

export interface NatsChannelOptions {
  publisher: Publisher;
  /**
   * Subject template filled from the message's first event: {domain}, {tier} (the message's, 'none'
   * for a lift), {rule}, {entity}. Default 'alert.{domain}.{tier}'.
   */
  subject?: string;
  /** Default 'nats'. */
  name?: string;
}

const FIELDS = ['domain', 'tier', 'rule', 'entity'] as const;
type Field = (typeof FIELDS)[number];

const encoder = new TextEncoder();

/** One subject token: NATS splits on '.', and whitespace or wildcards would break the subject. */
const token = (value: string | undefined): string => (value ? value.replace(/[\s.*>]/g, '_') : 'none');

export class NatsChannel implements Channel {
  readonly name: string;
  readonly reaches = 'endpoint' as const;
  private readonly template: string;

  constructor(private readonly opts: NatsChannelOptions) {
    this.name = opts.name ?? 'nats';
    this.template = opts.subject ?? 'alert.{domain}.{tier}';
    // A typo in the template is a configuration error: say so at start-up, not on the first warning.
    for (const [, field] of this.template.matchAll(/\{([^}]*)\}/g)) {
      if (!FIELDS.includes(field as Field)) throw new Error(`nats channel subject ${this.template}: unknown field {${field}} (known: ${FIELDS.join(', ')})`);
    }
  }

  /** The subject a message goes out on. */
  subject(message: Message): string {
    const event = message.events[0];
    const values: Record<Field, string | undefined> = { domain: event?.domain, tier: message.tier ?? undefined, rule: event?.rule.id, entity: event?.entity };
    return this.template.replace(/\{([^}]*)\}/g, (_, field: Field) => token(values[field]));
  }

  async send(message: Message): Promise<SendOutcome> {
    try {
      const data = encoder.encode(JSON.stringify(alertPayload(message)));
      await this.opts.publisher.publish(this.subject(message), data, { msgId: message.key });
      return { state: 'delivered' };
    } catch (err) {
      return { state: 'failed', reason: `publish failed: ${err instanceof Error ? err.message : String(err)}`, retry: true };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
