// Against a real HTTP server on loopback: the payload, the signature (checked independently), and
// which failures are worth another try.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../channel.ts';
import { warning } from '../test-fixtures.ts';
import { WebhookChannel, alertPayload } from './webhook-channel.ts';

const SECRET = 'shared-secret';

const event = warning({ tier: 'orange', rule: 'stage-high', entity: 'S1' });

const message = (key = 'w-1|county|webhook'): Message => ({
  key,
  recipient: { kind: 'endpoint', id: 'county', name: 'County platform' },
  lang: 'en',
  title: 'Orange flood warning: Xiaohe bridge',
  text: 'River stage 3.40 m at Xiaohe bridge, above the 3.2 m orange line.',
  tier: 'orange',
  priority: 2,
  events: [event],
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The receiver: verifies the signature itself; the path picks the answer. */
function receiver(): { server: Server; got: Received[]; hung: ServerResponse[] } {
  const got: Received[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-seed-signature'] ?? ''));
      const signed = given.length === expected.length && timingSafeEqual(given, expected);
      const answer = (status: number, headers: Record<string, string> = {}, text = ''): void => void res.writeHead(status, headers).end(text);
      switch (req.url) {
        case '/hook':
          return signed ? answer(204) : answer(403, {}, 'bad signature');
        case '/busy':
          return answer(429, { 'retry-after': '7' });
        case '/down':
          return answer(503, {}, 'maintenance');
        case '/gone':
          return answer(404, {}, 'no such hook');
        case '/moved':
          return answer(301, { location: 'http://127.0.0.1:1/elsewhere' });
        case '/slow':
          return void hung.push(res);
      }
    });
  });
  return { server, got, hung };
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('WebhookChannel', () => {
  const rx = receiver();
  let base = '';
  const hook = (path: string, extra: Partial<ConstructorParameters<typeof WebhookChannel>[0]> = {}): WebhookChannel =>
    new WebhookChannel({ url: `${base}${path}`, secret: SECRET, ...extra });

  before(async () => {
    base = `http://127.0.0.1:${await listen(rx.server)}`;
  });

  after(async () => {
    for (const res of rx.hung) res.destroy();
    rx.server.closeAllConnections();
    await new Promise((r) => rx.server.close(r));
  });

  it('is named webhook and reaches endpoints', () => {
    const ch = hook('/hook');
    assert.equal(ch.name, 'webhook');
    assert.equal(ch.reaches, 'endpoint');
  });

  it('POSTs the signed payload with the idempotency key and extra headers; a 2xx is delivered', async () => {
    const outcome = await hook('/hook', { headers: { 'x-api-key': 'k1' } }).send(message());
    assert.deepEqual(outcome, { state: 'delivered' });
    const req = rx.got.at(-1)!;
    assert.equal(req.headers['idempotency-key'], 'w-1|county|webhook');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-api-key'], 'k1');
    assert.deepEqual(JSON.parse(req.body), {
      id: 'w-1|county|webhook',
      tier: 'orange',
      priority: 2,
      title: 'Orange flood warning: Xiaohe bridge',
      text: 'River stage 3.40 m at Xiaohe bridge, above the 3.2 m orange line.',
      lang: 'en',
      events: [event],
    });
    assert.deepEqual(JSON.parse(req.body), JSON.parse(JSON.stringify(alertPayload(message()))));
  });

  it('a wrong secret fails the receiver check and is not retried', async () => {
    const outcome = await hook('/hook', { secret: 'other' }).send(message());
    assert.deepEqual(outcome, { state: 'failed', reason: 'HTTP 403: bad signature', retry: false });
  });

  it('without a secret no signature header is sent', async () => {
    await hook('/hook', { secret: undefined }).send(message());
    assert.equal(rx.got.at(-1)!.headers['x-seed-signature'], undefined);
  });

  it('429 and 5xx are retried (with Retry-After); 404 and a redirect are not', async () => {
    assert.deepEqual(await hook('/busy').send(message()), { state: 'failed', reason: 'HTTP 429', retry: true, afterMs: 7_000 });
    assert.deepEqual(await hook('/down').send(message()), { state: 'failed', reason: 'HTTP 503: maintenance', retry: true });
    assert.deepEqual(await hook('/gone').send(message()), { state: 'failed', reason: 'HTTP 404: no such hook', retry: false });
    assert.deepEqual(await hook('/moved').send(message()), { state: 'failed', reason: 'HTTP 301', retry: false });
  });

  it('a timeout and a refused connection are retried', async () => {
    assert.deepEqual(await hook('/slow', { timeoutMs: 100 }).send(message()), { state: 'failed', reason: 'no response within 0.1s', retry: true });
    const gone = createServer();
    const port = await listen(gone);
    await new Promise((r) => gone.close(r));
    const outcome = await new WebhookChannel({ url: `http://127.0.0.1:${port}/hook` }).send(message());
    assert.ok(outcome.state === 'failed' && outcome.retry && /ECONNREFUSED/.test(outcome.reason), JSON.stringify(outcome));
  });
});
