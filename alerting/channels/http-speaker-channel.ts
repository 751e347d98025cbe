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
//
//   GET <statusUrl>/<taskId>   (statusUrl defaults to url)   what became of a queued task:
//   { "taskId": "...", "state": "queued" | "playing" | "played" | "failed", "error"?: "..." }
// A task left `sent` is polled until played or failed and reported as a receipt (speaker-task-status.ts).
// With `audio`, the command also carries the text as speech (speech-audio.ts).
import type { Channel, Message, Receipt, SendOutcome } from '../channel.ts';
import { httpOutcome, jsonObject, postJson } from './http-outcome.ts';
import { notASpeaker, type SpeakerCommand, type SpeakerOptions } from './speaker-command.ts';
import { TaskStatusPoller } from './speaker-task-status.ts';
import { Speech, speakerCommandWithSpeech, type SpeechOptions } from './speech-audio.ts';

export interface HttpSpeakerOptions extends SpeakerOptions {
  /** POST endpoint of the vendor's cloud broadcast API. */
  url: string;
  /** Sent as a Bearer token. */
  token?: string;
  /** Default 'speaker'. */
  name?: string;
  /** Default 10 s, for status requests too. */
  timeoutMs?: number;
  /** Where a queued task's status is asked: GET <statusUrl>/<taskId>. Default `url`. */
  statusUrl?: string;
  /** How often queued tasks are asked after (default 5 s). */
  statusPollMs?: number;
  /** A task with no final status this long after it was sent is failed (default 10 min). */
  statusWithinMs?: number;
  /** Send the text rendered as speech too; absent: text only. */
  audio?: SpeechOptions;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STATUS_POLL_MS = 5_000;
const DEFAULT_STATUS_WITHIN_MS = 600_000;

export class HttpSpeakerChannel implements Channel {
  readonly name: string;
  readonly reaches = 'speaker' as const;
  private readonly auth: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly status: TaskStatusPoller;
  private readonly speech?: Speech;

  constructor(private readonly opts: HttpSpeakerOptions) {
    this.name = opts.name ?? 'speaker';
    this.auth = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.status = new TaskStatusPoller({
      statusUrl: opts.statusUrl ?? opts.url,
      headers: this.auth,
      pollMs: opts.statusPollMs ?? DEFAULT_STATUS_POLL_MS,
      withinMs: opts.statusWithinMs ?? DEFAULT_STATUS_WITHIN_MS,
      timeoutMs: this.timeoutMs,
    });
    if (opts.audio) this.speech = new Speech(opts.audio);
  }

  async send(message: Message): Promise<SendOutcome> {
    if (message.recipient.kind !== 'speaker') return notASpeaker(message);
    const command = await speakerCommandWithSpeech(message, this.opts, this.speech);
    if ('state' in command) return command;
    const headers = { 'idempotency-key': command.id, ...this.auth };
    const reply = await postJson(this.opts.url, JSON.stringify(command), headers, this.timeoutMs);
    const outcome = httpOutcome(reply, (_status, body) => vendorVerdict(command, body));
    if (outcome.state === 'sent' && outcome.ref !== undefined) this.status.watch(outcome.ref);
    return outcome;
  }

  onReceipt(listener: (receipt: Receipt) => void | Promise<void>): void {
    this.status.onReceipt(listener);
  }

  /** Tasks a restart found still `sent`: asked after again, each with a fresh withinMs. */
  resumeReceipts(refs: readonly string[]): void {
    for (const ref of refs) this.status.watch(ref);
  }

  /** Stops asking after queued tasks: their deliveries stay `sent` until the next start resumes them. */
  close(): Promise<void> {
    return this.status.close();
  }
}

/** A 2xx body read by the contract above; a body that is not JSON still counts as queued. */
function vendorVerdict(command: SpeakerCommand, body: string): SendOutcome {
  const reply = jsonObject(body);
  const taskId = typeof reply.taskId === 'string' ? reply.taskId : undefined;
  const ref = taskId === undefined ? {} : { ref: taskId };
  if (reply.played === true) return { state: 'delivered', ...ref };
  if (reply.accepted === false) {
    const why = typeof reply.error === 'string' ? reply.error : 'no reason given';
    return { state: 'failed', reason: `speaker cloud refused command ${command.id}: ${why}`, retry: false };
  }
  return { state: 'sent', ...ref };
}
