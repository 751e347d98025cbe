// Cloud loudspeakers driven over MQTT, each speaker acknowledging what it did. Contract:
//
//   command  → speakers/{device}/command   the SpeakerCommand as JSON (speaker-command.ts), QoS 1
//   ack      ← speakers/{device}/ack       { "id": <command id>, "device": "...", "status": "played" | "busy" | "error", "detail"?: "..." }
//
//   played → delivered (ref = command id)
//   busy   → failed, retry (it is playing something else)
//   error  → failed, retry unless the detail says "unsupported" (a fault may clear; a missing feature will not)
//   no ack within ackTimeoutMs → failed, retry
// Any other status (an interim "received", say) is ignored and the wait goes on; an ack for an id
// nobody waits for, or from another device, is ignored. A speaker should not replay an id it has played.
// With `audio`, the command also carries the text as speech (speech-audio.ts).
import { connect, type MqttClient } from 'mqtt';
import type { Channel, Message, SendOutcome } from '../channel.ts';
import { notASpeaker, type SpeakerCommand, type SpeakerOptions } from './speaker-command.ts';
import { Speech, speakerCommandWithSpeech, type SpeechOptions } from './speech-audio.ts';

export interface MqttSpeakerOptions extends SpeakerOptions {
  /** mqtt://host:port (or mqtts://, ws://). */
  url: string;
  username?: string;
  password?: string;
  /** Default 'speakers/{device}/command'. */
  commandTopic?: string;
  /** Default 'speakers/{device}/ack'; subscribed with {device} as '+'. */
  ackTopic?: string;
  /** Default 30 s. */
  ackTimeoutMs?: number;
  /** Default 1. */
  qos?: 0 | 1 | 2;
  /** Default 'speaker-mqtt'. */
  name?: string;
  /** Send the text rendered as speech too; absent: text only. */
  audio?: SpeechOptions;
}

interface Ack {
  id: string;
  device?: string;
  status: string;
  detail?: string;
}

interface Waiting {
  device: string;
  settle(outcome: SendOutcome): void;
}

const DEFAULT_ACK_TIMEOUT_MS = 30_000;

export class MqttSpeakerChannel implements Channel {
  readonly name: string;
  readonly reaches = 'speaker' as const;
  private readonly commandTopic: string;
  private readonly ackTopic: string;
  private readonly ackTimeoutMs: number;
  private readonly qos: 0 | 1 | 2;
  private readonly speech?: Speech;
  private client?: MqttClient;
  /** Resolves once the ack subscription is in place: a command sent before it could lose its ack. */
  private subscribed?: Promise<void>;
  private lastError?: string;
  private closed = false;
  /** Commands awaiting an ack, by command id. */
  private readonly waiting = new Map<string, Waiting>();
  /** The outcome of each command in flight, so a repeat of one still waiting shares it rather than playing twice. */
  private readonly inFlight = new Map<string, Promise<SendOutcome>>();

  constructor(private readonly opts: MqttSpeakerOptions) {
    this.name = opts.name ?? 'speaker-mqtt';
    this.commandTopic = opts.commandTopic ?? 'speakers/{device}/command';
    this.ackTopic = (opts.ackTopic ?? 'speakers/{device}/ack').replace('{device}', '+');
    this.ackTimeoutMs = opts.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.qos = opts.qos ?? 1;
    if (opts.audio) this.speech = new Speech(opts.audio);
  }

  send(message: Message): Promise<SendOutcome> {
    if (message.recipient.kind !== 'speaker') return Promise.resolve(notASpeaker(message));
    if (this.closed) return Promise.resolve(this.closedOutcome());
    const device = message.recipient.device;
    // A device id becomes a topic level: a '/' or a wildcard would send the command elsewhere.
    if (device === '' || /[/+#]/.test(device)) return Promise.resolve({ state: 'failed', reason: `device id "${device}" cannot be an MQTT topic level`, retry: false });
    // The message's key is the command's id: a repeat still in flight shares its outcome.
    const running = this.inFlight.get(message.key);
    if (running) return running;
    const outcome = this.speak(message, device).finally(() => this.inFlight.delete(message.key));
    this.inFlight.set(message.key, outcome);
    return outcome;
  }

  private async speak(message: Message, device: string): Promise<SendOutcome> {
    const command = await speakerCommandWithSpeech(message, this.opts, this.speech);
    if ('state' in command) return command;
    // Closed while the speech was rendered: connecting now would outlive close().
    if (this.closed) return this.closedOutcome();
    return this.command(command, device);
  }

  private closedOutcome(): SendOutcome {
    return { state: 'failed', reason: `${this.name} is closed`, retry: true };
  }

  /** Publish and wait for the ack; the timer starts first, so a broker that is down is bounded by it too. */
  private command(command: SpeakerCommand, device: string): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ state: 'failed', reason: this.timeoutReason(), retry: true }), this.ackTimeoutMs);
      const settle = (outcome: SendOutcome): void => {
        clearTimeout(timer);
        if (this.waiting.get(command.id)?.settle === settle) this.waiting.delete(command.id);
        resolve(outcome);
      };
      this.waiting.set(command.id, { device, settle });
      const stillWaiting = (): boolean => this.waiting.get(command.id)?.settle === settle;
      this.publish(command, device, stillWaiting).catch((err: unknown) => {
        // mqtt.js drops a queued subscribe when a connection attempt fails: say why it failed.
        const reason = this.client?.connected === false ? this.offline() : `publish failed: ${errorText(err)}`;
        settle({ state: 'failed', reason, retry: true });
      });
    });
  }

  private async publish(command: SpeakerCommand, device: string, stillWaiting: () => boolean): Promise<void> {
    const client = this.connection();
    await (this.subscribed ??= this.subscribe(client));
    // Given up on meanwhile (timeout, close): a command sent now would play after the outbox has moved on.
    if (!stillWaiting()) return;
    // Offline, mqtt.js would queue the command and play a stale warning whenever the broker returns.
    if (!client.connected) throw new Error(this.offline());
    await client.publishAsync(this.commandTopic.replace('{device}', device), JSON.stringify(command), { qos: this.qos });
  }

  /** The client, created on first use; mqtt.js reconnects and resubscribes on its own after that. */
  private connection(): MqttClient {
    if (this.client) return this.client;
    const client = connect(this.opts.url, {
      ...(this.opts.username === undefined ? {} : { username: this.opts.username }),
      ...(this.opts.password === undefined ? {} : { password: this.opts.password }),
    });
    client.on('message', (_topic, payload) => this.onAck(payload));
    // Without a listener an 'error' (a refused login, say) would throw; it is kept for the timeout's reason.
    client.on('error', (err) => (this.lastError = err.message));
    client.on('connect', () => (this.lastError = undefined));
    this.client = client;
    return client;
  }

  private async subscribe(client: MqttClient): Promise<void> {
    try {
      const [grant] = await client.subscribeAsync(this.ackTopic, { qos: this.qos });
      if (!grant || grant.qos === 128) throw new Error(`broker refused the subscription to ${this.ackTopic}`);
    } catch (err) {
      this.subscribed = undefined; // let the next command try again
      throw err;
    }
  }

  private onAck(payload: Buffer): void {
    const ack = parseAck(payload);
    if (!ack) return;
    const waiting = this.waiting.get(ack.id);
    if (!waiting || (ack.device !== undefined && ack.device !== waiting.device)) return;
    const from = `speaker ${waiting.device}`;
    const detail = ack.detail ? `: ${ack.detail}` : '';
    if (ack.status === 'played') waiting.settle({ state: 'delivered', ref: ack.id });
    else if (ack.status === 'busy') waiting.settle({ state: 'failed', reason: `${from} busy${detail}`, retry: true });
    else if (ack.status === 'error') waiting.settle({ state: 'failed', reason: `${from} error${detail}`, retry: !/unsupported/i.test(ack.detail ?? '') });
  }

  private timeoutReason(): string {
    const reason = `no acknowledgement within ${this.ackTimeoutMs / 1000}s`;
    return this.client?.connected ? reason : `${reason} (${this.offline()})`;
  }

  private offline(): string {
    return `not connected to the broker${this.lastError ? `: ${this.lastError}` : ''}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.waiting.values()]) w.settle({ state: 'failed', reason: `${this.name} closed before an acknowledgement`, retry: true });
    const client = this.client;
    this.client = undefined;
    // Not connected: nothing to flush, and a graceful end would wait for a connection that may never come.
    if (client) await client.endAsync(!client.connected);
  }
}

function parseAck(payload: Buffer): Ack | undefined {
  try {
    const v = JSON.parse(payload.toString('utf8')) as Partial<Record<keyof Ack, unknown>> | null;
    if (typeof v?.id !== 'string' || typeof v.status !== 'string') return undefined;
    return {
      id: v.id,
      status: v.status,
      ...(typeof v.device === 'string' ? { device: v.device } : {}),
      ...(typeof v.detail === 'string' ? { detail: v.detail } : {}),
    };
  } catch {
    return undefined;
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
