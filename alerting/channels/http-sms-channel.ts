// SMS through a cloud provider's HTTP API (Aliyun, Tencent Cloud, an aggregator). Providers differ in
// shape more than in meaning, so the request body is a JSON template from configuration:
//
//   POST <url>   Idempotency-Key: <message key>   body: the template, {{phone}} {{text}} {{key}} {{tier}} {{title}} filled in
//   2xx, and okPath equals okValue when set            → sent, ref read at refPath
//   2xx with okPath not okValue (e.g. Code: isv.…)     → failed, no retry: the provider refused it
//   429 (Retry-After), 408, 5xx, no answer             → failed, retry
//   other 4xx                                          → failed, no retry
import type { Channel, Message, SendOutcome } from '../channel.ts';
import { httpOutcome, postJson } from './http-outcome.ts';

export interface HttpSmsOptions {
  url: string;
  headers?: Record<string, string>;
  /** A JSON template; each placeholder sits inside a JSON string, e.g. `{"to":"{{phone}}","msg":"{{text}}"}`. */
  body: string;
  /** Default 'sms'. */
  name?: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Dotted path in the JSON reply (array indexes as numbers: `Response.SendStatusSet.0.Code`) that must equal okValue. */
  okPath?: string;
  okValue?: string;
  /** Dotted path in the JSON reply to the provider's id for the message. */
  refPath?: string;
}

const FIELDS = ['phone', 'text', 'key', 'tier', 'title'] as const;
type Fields = Record<(typeof FIELDS)[number], string>;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const DEFAULT_TIMEOUT_MS = 10_000;

/** The template with each placeholder replaced by its value escaped for a JSON string, so quotes and newlines in a text cannot break the body. */
export function fillTemplate(template: string, values: Fields): string {
  return template.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(values[name as keyof Fields]).slice(1, -1));
}

/** The value at a dotted path, or undefined where the path leads nowhere. */
function valueAt(json: unknown, path: string): unknown {
  let v = json;
  for (const step of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export class HttpSmsChannel implements Channel {
  readonly name: string;
  readonly reaches = 'person' as const;
  readonly #opts: HttpSmsOptions;
  readonly #headers: Record<string, string>;

  /** Throws on a template that would not make JSON or names an unknown placeholder: a configuration mistake, found at start. */
  constructor(opts: HttpSmsOptions) {
    for (const [, name] of opts.body.matchAll(PLACEHOLDER)) {
      if (!(FIELDS as readonly string[]).includes(name!)) throw new Error(`SMS body template: unknown placeholder {{${name}}} (known: ${FIELDS.join(', ')})`);
    }
    try {
      JSON.parse(fillTemplate(opts.body, { phone: '', text: '', key: '', tier: '', title: '' }));
    } catch (err) {
      throw new Error(`SMS body template is not JSON once filled in: ${(err as Error).message}`, { cause: err });
    }
    if ((opts.okPath === undefined) !== (opts.okValue === undefined)) throw new Error('SMS channel: okPath and okValue go together');
    this.#opts = opts;
    this.name = opts.name ?? 'sms';
    // Lower-cased so a configured Content-Type replaces the default instead of joining it.
    this.#headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  }

  async send(message: Message): Promise<SendOutcome> {
    const r = message.recipient;
    const phone = r.kind === 'person' ? r.phone : undefined;
    if (!phone) return { state: 'failed', reason: `recipient ${r.id} has no phone number`, retry: false };
    const body = fillTemplate(this.#opts.body, { phone, text: message.text, key: message.key, tier: message.tier ?? '', title: message.title });
    const headers = { ...this.#headers, 'idempotency-key': message.key };
    const reply = await postJson(this.#opts.url, body, headers, this.#opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return httpOutcome(reply, (status, text) => this.#accepted(status, text));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #accepted(status: number, body: string): SendOutcome {
    const { okPath, okValue, refPath } = this.#opts;
    const json = parseJson(body);
    if (okPath !== undefined) {
      const got = scalar(valueAt(json, okPath));
      if (got !== okValue) {
        const excerpt = body.length > 200 ? `${body.slice(0, 200)}…` : body;
        return { state: 'failed', reason: `SMS provider refused (HTTP ${status}, ${okPath}=${got ?? 'absent'}): ${excerpt}`, retry: false };
      }
    }
    const ref = refPath === undefined ? undefined : scalar(valueAt(json, refPath));
    return { state: 'sent', ...(ref === undefined ? {} : { ref }) };
  }
}
