// The HTTP SMS channel against a real node:http server on 127.0.0.1: the filled-in template (Chinese,
// quotes, newlines), the idempotency header, the provider's own verdict in a 2xx, throttling,
// permanent refusals and a provider that never answers.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import type { Message } from '../channel.ts';
import { HttpSmsChannel, type HttpSmsOptions } from './http-sms-channel.ts';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A provider that answers each request with the next reply; past the last it answers as the last did. */
async function startProvider(...replies: ((res: ServerResponse) => void)[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      replies[Math.min(seen.length, replies.length) - 1]!(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`, seen };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

const TEMPLATE = '{"PhoneNumbers":"{{phone}}","SignName":"防汛","Text":"{{text}}","Tier":"{{tier}}","Title":"{{title}}","OutId":"{{key}}"}';
const TEXT = '【红色预警】他说"快跑"\n河水已漫过C:\\堤坝\t请撤离';

const message = (over: Partial<Message> = {}): Message => ({
  key: 'ev-1:p1:sms',
  recipient: { kind: 'person', id: 'p1', name: '李四', phone: '+8613800000001' },
  lang: 'zh',
  title: '洪水 "红色" 预警',
  text: TEXT,
  tier: 'red',
  priority: 1,
  events: [],
  ...over,
});

const channel = (url: string, over: Partial<HttpSmsOptions> = {}): HttpSmsChannel =>
  new HttpSmsChannel({ url, body: TEMPLATE, headers: { Authorization: 'APPCODE abc' }, okPath: 'Code', okValue: 'OK', refPath: 'BizId', ...over });

test('the template is filled with JSON-escaped values and posted with the idempotency key', async () => {
  const p = await startProvider(json(200, { Code: 'OK', BizId: 'biz-42' }));
  const out = await channel(p.url).send(message());
  assert.deepEqual(out, { state: 'sent', ref: 'biz-42' });
  const [req] = p.seen;
  assert.ok(req);
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['idempotency-key'], 'ev-1:p1:sms');
  assert.equal(req.headers.authorization, 'APPCODE abc');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(req.body), {
    PhoneNumbers: '+8613800000001',
    SignName: '防汛',
    Text: TEXT,
    Tier: 'red',
    Title: '洪水 "红色" 预警',
    OutId: 'ev-1:p1:sms',
  });
  // Chinese goes as UTF-8 characters, not \u escapes; only what JSON requires is escaped.
  assert.ok(req.body.includes('"Text":"【红色预警】他说\\"快跑\\"\\n河水已漫过C:\\\\堤坝\\t请撤离"'));
});

test('a configured Content-Type replaces the default; no tier fills in empty', async () => {
  const p = await startProvider(json(200, { Code: 'OK' }));
  const out = await channel(p.url, { headers: { 'Content-Type': 'application/json; charset=utf-8' } }).send(message({ tier: null }));
  assert.deepEqual(out, { state: 'sent' });
  assert.equal(p.seen[0]!.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal((JSON.parse(p.seen[0]!.body) as { Tier: string }).Tier, '');
});

test('a 2xx whose okPath is not okValue is the provider refusing, for good', async () => {
  const p = await startProvider(json(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' }));
  const out = await channel(p.url).send(message());
  assert.ok(out.state === 'failed' && !out.retry);
  assert.match(out.reason, /^SMS provider refused \(HTTP 200, Code=isv\.MOBILE_NUMBER_ILLEGAL\): .*非法手机号/);
});

test('nested paths with array indexes read the verdict and the ref', async () => {
  const p = await startProvider(json(200, { Response: { SendStatusSet: [{ SerialNo: 'sn-7', Code: 'Ok' }] } }));
  const out = await channel(p.url, { okPath: 'Response.SendStatusSet.0.Code', okValue: 'Ok', refPath: 'Response.SendStatusSet.0.SerialNo' }).send(message());
  assert.deepEqual(out, { state: 'sent', ref: 'sn-7' });
});

test('429 fails with a retry after Retry-After, and the repeat is accepted', async () => {
  const p = await startProvider(json(429, { Code: 'Throttling' }, { 'retry-after': '2' }), json(200, { Code: 'OK', BizId: 'b2' }));
  const ch = channel(p.url);
  const first = await ch.send(message());
  assert.ok(first.state === 'failed');
  assert.equal(first.retry, true);
  assert.equal(first.afterMs, 2000);
  assert.match(first.reason, /^HTTP 429/);
  assert.deepEqual(await ch.send(message()), { state: 'sent', ref: 'b2' });
  assert.equal(p.seen[1]!.headers['idempotency-key'], 'ev-1:p1:sms');
});

test('400 is permanent, with the status and the body in the reason', async () => {
  const p = await startProvider(json(400, { Code: 'InvalidParameter', Message: 'SignName not approved' }));
  const out = await channel(p.url).send(message());
  assert.ok(out.state === 'failed');
  assert.equal(out.retry, false);
  assert.match(out.reason, /^HTTP 400: .*SignName not approved/);
});

test('503 is worth another try', async () => {
  const p = await startProvider(json(503, { Code: 'ServiceUnavailable' }));
  const out = await channel(p.url).send(message());
  assert.ok(out.state === 'failed' && out.retry);
});

test('a provider that never answers times out, to be retried', { timeout: 2000 }, async () => {
  const p = await startProvider(() => undefined);
  const t0 = Date.now();
  const out = await channel(p.url, { timeoutMs: 200 }).send(message());
  assert.deepEqual(out, { state: 'failed', reason: 'no response within 0.2s', retry: true });
  assert.ok(Date.now() - t0 >= 190, 'waited for the timeout');
});

test('no phone fails for good without a request', async () => {
  const p = await startProvider(json(200, { Code: 'OK' }));
  const out = await channel(p.url).send(message({ recipient: { kind: 'person', id: 'p2', name: '王五' } }));
  assert.deepEqual(out, { state: 'failed', reason: 'recipient p2 has no phone number', retry: false });
  assert.equal(p.seen.length, 0);
});

test('a template mistake is found when the channel is made', () => {
  const url = 'http://127.0.0.1:9/';
  assert.throws(() => new HttpSmsChannel({ url, body: '{"to":"{{mobile}}"}' }), /unknown placeholder \{\{mobile\}\}/);
  assert.throws(() => new HttpSmsChannel({ url, body: '{"to":{{phone}}}' }), /not JSON once filled in/);
  assert.throws(() => new HttpSmsChannel({ url, body: '{}', okPath: 'Code' }), /okPath and okValue go together/);
});
