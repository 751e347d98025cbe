// Cloud loudspeakers driven through their vendor's HTTP broadcast API. Vendors differ; this speaks
// one small contract, and a vendor that differs gets a thin proxy or its own channel:
//
//   POST <url>   Authorization: Bearer <token>   Idempotency-Key: <command id>
//   body: the SpeakerCommand as JSON (speaker-command.ts)
//   200/201/202 { "accepted": true, "taskId": "..." }   queued for the speakers          → sent, ref taskId
//   200/201/202 { "played": true, "taskId"?: "..." }    the speakers confirmed playing    → delivered
//   200/201/202 { "accepted": false, "error": "..." }   refused despite the status        → failed, no retry
//   429 (Retry-After), 408, 5xx, no answer              try again                         → failed, retry
//   other 4xx (401 bad token, 400 bad device, ...)      the request is wrong              → failed, no retry
// A repeat with the same Idempotency-Key must not play again (the vendor answers as it did the first time).
import type { Channel, Message, SendOutcome } from '../channel.ts';
import { httpOutcome, postJson } from './http-outcome.ts';
import { notASpeaker, speakerCommand, type SpeakerCommand, type SpeakerOptions } from './speaker-command.ts';

export interface HttpSpeakerOptions extends SpeakerOptions {
  /** POST endpoint of the vendor's cloud broadcast API. */
  url: string;
  /** Sent as a Bearer token. */
  token?: string;
  /** Default 'speaker'. */
  name?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class HttpSpeakerChannel implements Channel {
  readonly name: string;
  readonly reaches = 'speaker' as const;

  constructor(private readonly opts: HttpSpeakerOptions) {
    this.name = opts.name ?? 'speaker';
  }

  async send(message: Message): Promise<SendOutcome> {
    if (message.recipient.kind !== 'speaker') return notASpeaker(message);
    const command = speakerCommand(message, this.opts);
    const headers: Record<string, string> = { 'idempotency-key': command.id };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const reply = await postJson(this.opts.url, JSON.stringify(command), headers, this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return httpOutcome(reply, (_status, body) => vendorVerdict(command, body));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A 2xx body read by the contract above; a body that is not JSON still counts as queued. */
function vendorVerdict(command: SpeakerCommand, body: string): SendOutcome {
  const reply = parseObject(body);
  const taskId = typeof reply.taskId === 'string' ? reply.taskId : undefined;
  const ref = taskId === undefined ? {} : { ref: taskId };
  if (reply.played === true) return { state: 'delivered', ...ref };
  if (reply.accepted === false) {
    const why = typeof reply.error === 'string' ? reply.error : 'no reason given';
    return { state: 'failed', reason: `speaker cloud refused command ${command.id}: ${why}`, retry: false };
  }
  return { state: 'sent', ...ref };
}

function parseObject(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
