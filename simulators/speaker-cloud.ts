// A speaker vendor's cloud broadcast API on loopback (node:http), speaking the contract of
// alerting/channels/http-speaker-channel.ts:
//
//   POST /v1/broadcast   Authorization: Bearer <token>   Idempotency-Key: <command id>
//   body: { id, devices, text, volume, repeat, priority, tier, lang, zone? }
//   202 { accepted: true, taskId }           queued (default), or with answer 'played':
//   200 { played: true, taskId }             the speakers confirmed playing before the answer
//   401 bad or missing token, 400 a body or key that is wrong or an unknown device,
//   429 (Retry-After) every Nth broadcast when throttling.
//   GET /v1/broadcast/<taskId>   (same token)
//   200 { taskId, state: 'queued' }           for queuedMs after the broadcast, then
//   200 { taskId, state: 'played' }           or, for a device listed as failing:
//   200 { taskId, state: 'failed', error }    404 for a task it never made.
// One task per Idempotency-Key: a repeat is answered as the first time and not played again.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SpeakerCloudOptions {
  token: string;
  /** 0 (default): a free port. */
  port?: number;
  /** Answer every Nth authorised broadcast with 429; 0 or absent: never. */
  throttleEvery?: number;
  /** The Retry-After of a 429, seconds (default 1). */
  retryAfterS?: number;
  /** 'accepted' (default): 202 queued; 'played': 200 played, as a vendor that waits for its speakers. */
  answer?: 'accepted' | 'played';
  /** The devices the vendor knows; absent: any. */
  devices?: string[];
  /** How long a task's status stays queued before it is played or failed (default 1000 ms). */
  queuedMs?: number;
  /** Devices whose tasks' status ends failed ("speaker did not answer") after queuedMs, and are not in played(); a broadcast's own answer ignores it (answer 'played' still says played). */
  failing?: string[];
}

export interface CloudPlay {
  device: string;
  id: string;
  taskId: string;
  text: string;
  at: number;
}

export interface SpeakerCloud {
  /** The broadcast endpoint: http://127.0.0.1:<port>/v1/broadcast */
  url: string;
  port: number;
  /** Played once per (task, device), in order. */
  played(): CloudPlay[];
  /** Requests with an Idempotency-Key seen before: answered, not played. */
  repeats(): { id: string; taskId: string; at: number }[];
  /** Every request, whatever came of it. */
  requests(): number;
  stop(): Promise<void>;
}

const PATH = '/v1/broadcast';
/** Room for a command with speech audio (about 1.3 MB of WAV, in base64, for 30 s). */
const MAX_BODY = 8 * 1024 * 1024;

interface Command {
  id: string;
  devices: string[];
  text: string;
}

function parseCommand(raw: string): Command | string {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return 'body is not JSON';
  }
  if (typeof v !== 'object' || v === null) return 'body must be an object';
  const c = v as Record<string, unknown>;
  if (typeof c.id !== 'string' || c.id === '') return 'id is required';
  if (!Array.isArray(c.devices) || c.devices.length === 0 || !c.devices.every((d) => typeof d === 'string' && d !== '')) return 'devices must be a non-empty list of device ids';
  if (typeof c.text !== 'string' || c.text === '') return 'text is required';
  return { id: c.id, devices: c.devices as string[], text: c.text };
}

/** A task id from the path; one that is not valid percent-encoding is kept as sent, and so names no task (404). */
function decodeTaskId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

interface Task {
  taskId: string;
  devices: string[];
  at: number;
}

export async function startSpeakerCloud(opts: SpeakerCloudOptions): Promise<SpeakerCloud> {
  /** By Idempotency-Key, and by task id. */
  const tasks = new Map<string, Task>();
  const byTaskId = new Map<string, Task>();
  const played: CloudPlay[] = [];
  const repeats: { id: string; taskId: string; at: number }[] = [];
  const known = opts.devices && new Set(opts.devices);
  const failing = new Set(opts.failing);
  let requests = 0;
  let authorised = 0;

  const reply = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const status = (res: ServerResponse, taskId: string): void => {
    const task = byTaskId.get(taskId);
    if (!task) return reply(res, 404, { error: `no task ${taskId}` });
    if (Date.now() - task.at < (opts.queuedMs ?? 1000)) return reply(res, 200, { taskId, state: 'queued' });
    const down = task.devices.find((d) => failing.has(d));
    if (down === undefined) return reply(res, 200, { taskId, state: 'played' });
    reply(res, 200, { taskId, state: 'failed', error: `speaker ${down} did not answer` });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const taskId = path.startsWith(`${PATH}/`) ? decodeTaskId(path.slice(PATH.length + 1)) : undefined;
    if (path !== PATH && taskId === undefined) return reply(res, 404, { error: `no endpoint ${path}` });
    const method = taskId === undefined ? 'POST' : 'GET';
    if (req.method !== method) return reply(res, 405, { error: `use ${method}` }, { allow: method });
    if (req.headers.authorization !== `Bearer ${opts.token}`) return reply(res, 401, { error: 'invalid token' });
    if (taskId !== undefined) return status(res, taskId);
    authorised++;
    if (opts.throttleEvery && authorised % opts.throttleEvery === 0) return reply(res, 429, { error: 'rate limited' }, { 'retry-after': String(opts.retryAfterS ?? 1) });
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return reply(res, 400, { error: 'Idempotency-Key is required' });
    const command = parseCommand(raw);
    if (typeof command === 'string') return reply(res, 400, { error: command });
    const unknown = known && command.devices.find((d) => !known.has(d));
    if (unknown !== undefined) return reply(res, 400, { error: `unknown device ${unknown}` });
    const at = Date.now();
    let task = tasks.get(key);
    if (task === undefined) {
      task = { taskId: `task-${tasks.size + 1}`, devices: command.devices, at };
      tasks.set(key, task);
      byTaskId.set(task.taskId, task);
      for (const device of command.devices) if (!failing.has(device)) played.push({ device, id: command.id, taskId: task.taskId, text: command.text, at });
    } else repeats.push({ id: key, taskId: task.taskId, at });
    if (opts.answer === 'played') return reply(res, 200, { played: true, taskId: task.taskId });
    reply(res, 202, { accepted: true, taskId: task.taskId });
  };

  const server = createServer((req, res) => {
    requests++;
    let raw = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      size += Buffer.byteLength(chunk);
      if (size <= MAX_BODY) raw += chunk;
    });
    req.on('end', () => (size > MAX_BODY ? reply(res, 413, { error: 'body too large' }) : handle(req, res, raw)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    port,
    played: () => played.map((p) => ({ ...p })),
    repeats: () => repeats.map((r) => ({ ...r })),
    requests: () => requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
