// What became of broadcasts the speaker cloud only queued (http-speaker-channel.ts's contract):
//
//   GET <statusUrl>/<taskId>   Authorization: Bearer <token>
//   2xx { "taskId": "...", "state": "queued" | "playing" | "played" | "failed", "error"?: "..." }
//
// Every task is asked after each pollMs until it is played (a delivered receipt), failed (a failed
// receipt with the vendor's error) or withinMs have passed since it was sent (a failed receipt).
// Anything else (queued, playing, an error status, no answer) is asked again at the next poll. A
// receipt's ref is the task id, which is the delivery's ref, so the outbox settles the delivery.
// One poll at a time: the next is set once the last has finished.
import type { Receipt } from '../channel.ts';
import { getJson, jsonObject, type HttpReply } from './http-outcome.ts';

export interface TaskStatusOptions {
  statusUrl: string;
  /** The bearer token. */
  headers: Record<string, string>;
  pollMs: number;
  withinMs: number;
  /** Per request. */
  timeoutMs: number;
}

type Status = { final: true; state: Receipt['state']; detail: string } | { final: false; detail: string };

/** Requests at once: a long list of tasks must not flood the vendor. */
const PARALLEL = 4;

export class TaskStatusPoller {
  /** Tasks asked after, with when they were first watched. */
  private readonly tasks = new Map<string, number>();
  private readonly listeners: ((receipt: Receipt) => void | Promise<void>)[] = [];
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;

  constructor(private readonly opts: TaskStatusOptions) {}

  onReceipt(listener: (receipt: Receipt) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Ask after a task until it is final or given up on; one already watched keeps its start. */
  watch(taskId: string): void {
    if (this.stop.signal.aborted) return;
    if (!this.tasks.has(taskId)) this.tasks.set(taskId, Date.now());
    this.schedule();
  }

  /** Stops polling; resolves once a poll under way has ended (its requests are cut short). */
  async close(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  private schedule(): void {
    if (this.timer || this.polling || this.tasks.size === 0 || this.stop.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        this.schedule();
      });
    }, this.opts.pollMs);
    // Waiting for the next poll alone does not keep a process up (a channel left open, say).
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const queue = [...this.tasks.keys()];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined && !this.stop.signal.aborted; id = queue.shift()) await this.check(id);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

  private async check(taskId: string): Promise<void> {
    const since = this.tasks.get(taskId);
    if (since === undefined) return;
    const url = `${this.opts.statusUrl.replace(/\/+$/, '')}/${encodeURIComponent(taskId)}`;
    const status = readStatus(await getJson(url, this.opts.headers, this.opts.timeoutMs, this.stop.signal));
    if (this.stop.signal.aborted) return;
    if (status.final) return this.settle(taskId, status.state, status.detail);
    if (Date.now() - since >= this.opts.withinMs) await this.settle(taskId, 'failed', `no final status within ${this.opts.withinMs / 1000}s (last: ${status.detail})`);
  }

  private async settle(taskId: string, state: Receipt['state'], detail: string): Promise<void> {
    this.tasks.delete(taskId);
    // A repeat carries the same Idempotency-Key, so the vendor would answer with this same task: no retry.
    const receipt: Receipt = { ref: taskId, state, detail, at: Date.now(), ...(state === 'failed' && { retry: false }) };
    // A listener that fails (the outbox could not store it) reports that itself.
    await Promise.allSettled(this.listeners.map(async (listener) => listener(receipt)));
  }
}

function readStatus(reply: HttpReply): Status {
  if ('error' in reply) return { final: false, detail: reply.error };
  if (reply.status < 200 || reply.status >= 300) return { final: false, detail: `HTTP ${reply.status}` };
  const { state, error } = jsonObject(reply.body);
  if (state === 'played') return { final: true, state: 'delivered', detail: 'played' };
  if (state === 'failed') return { final: true, state: 'failed', detail: `failed: ${typeof error === 'string' ? error : 'no reason given'}` };
  return { final: false, detail: typeof state === 'string' ? state : 'no state in the answer' };
}
