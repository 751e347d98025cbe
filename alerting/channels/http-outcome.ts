// One HTTP attempt and what it came to, shared by the HTTP channels (cloud speakers, webhooks) so
// every one of them reads status codes, Retry-After and timeouts the same way.
import type { SendOutcome } from '../channel.ts';

export type HttpReply = { status: number; body: string; headers: Headers } | { error: string };

/**
 * POST JSON text once. `json` is already serialised so a caller can sign exactly the bytes sent.
 * Never throws: a refused connection or a timeout is `{ error }`. The timeout covers the body too.
 */
export function postJson(url: string, json: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpReply> {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: json }, timeoutMs);
}

/** GET once, as postJson; `stop` aborts it early (a channel closing). */
export function getJson(url: string, headers: Record<string, string>, timeoutMs: number, stop?: AbortSignal): Promise<HttpReply> {
  return request(url, { method: 'GET', headers: { accept: 'application/json', ...headers } }, timeoutMs, stop);
}

async function request(url: string, init: RequestInit, timeoutMs: number, stop?: AbortSignal): Promise<HttpReply> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      ...init,
      // A redirected request is reported, not followed.
      redirect: 'manual',
      signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  } catch (err) {
    return { error: describeError(err, timeoutMs) };
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no response within ${timeoutMs / 1000}s`;
  // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, ...).
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err instanceof Error ? err.message : String(err)}${cause}`;
}

/** Retry-After in ms, as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const EXCERPT = 200;
const excerpt = (body: string): string => (body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body).replace(/\s+/g, ' ').trim();

/**
 * The outcome of a reply: 2xx is for the caller's `accepted` to judge; 408, 429 and 5xx, a lost
 * connection or a timeout are worth another try (with the far side's Retry-After); any other status
 * (4xx, a redirect) means the request itself is wrong and a repeat cannot help.
 */
export function httpOutcome(reply: HttpReply, accepted: (status: number, body: string) => SendOutcome): SendOutcome {
  if ('error' in reply) return { state: 'failed', reason: reply.error, retry: true };
  const { status, body } = reply;
  if (status >= 200 && status < 300) return accepted(status, body);
  const reason = `HTTP ${status}${body ? `: ${excerpt(body)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const afterMs = retryAfterMs(reply.headers.get('retry-after'));
    return { state: 'failed', reason, retry: true, ...(afterMs === undefined ? {} : { afterMs }) };
  }
  return { state: 'failed', reason, retry: false };
}

/** A JSON body's top-level object; anything else (not JSON, an array, a string) reads as empty. */
export function jsonObject(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
