// History from the store for operators and dashboards, the same over HTTP and NATS request/reply:
// a series' readings in a time range, the newest reading of several series, and time buckets.
// Times are epoch ms or ISO 8601; a bad request gets a clear error.
import { z } from 'zod';
import { badRequest, type ControlReply, type Handler } from './control.ts';
import { parseDuration } from './duration.ts';
import type { Store } from './store/store.ts';

export const SERIES_SUBJECTS = {
  range: 'seed.series.range',
  latest: 'seed.series.latest',
  aggregate: 'seed.series.aggregate',
} as const;

/** Query strings give text: a number is epoch ms, anything else must parse as an ISO 8601 time. */
const time = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' || /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'must be epoch ms or an ISO 8601 time' });
  return ms;
});
const series = z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be domain.station.metric');
/** At most this span of raw readings per request: a dashboard must not pull a whole series into the engine. */
const MAX_RANGE_MS = 31 * 86_400_000;
/** At most this many buckets per request, so a typo in `every` cannot ask for millions. */
const MAX_BUCKETS = 100_000;

const rangeRequest = z.strictObject({ series, from: time, to: time });
const latestRequest = z.strictObject({ series: z.union([z.array(series), z.string().transform((s) => s.split(','))]).pipe(z.array(series).min(1).max(1000)) });
const aggregateRequest = rangeRequest.extend({
  every: z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms < 1000) ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1s, e.g. "1h"' });
    return ms ?? 0;
  }),
});

async function range(store: Store, body: unknown): Promise<ControlReply> {
  const parsed = rangeRequest.safeParse(body);
  if (!parsed.success) return badRequest('{"series": "domain.station.metric", "from": <time>, "to": <time>}', parsed.error);
  const { series: s, from, to } = parsed.data;
  if (to - from > MAX_RANGE_MS) return { ok: false, error: `at most ${MAX_RANGE_MS / 86_400_000} days of readings at once; ask for buckets (/series/aggregate) over longer spans` };
  return { ok: true, series: s, readings: await store.range(s, from, to) };
}

async function latest(store: Store, body: unknown): Promise<ControlReply> {
  const parsed = latestRequest.safeParse(body);
  if (!parsed.success) return badRequest('{"series": "a.b.c,d.e.f" or ["a.b.c", ...]}', parsed.error);
  return { ok: true, latest: Object.fromEntries(await store.latest(parsed.data.series)) };
}

async function aggregate(store: Store, body: unknown): Promise<ControlReply> {
  const parsed = aggregateRequest.safeParse(body);
  if (!parsed.success) return badRequest('{"series": "domain.station.metric", "from": <time>, "to": <time>, "every": "1h"}', parsed.error);
  const { series: s, from, to, every } = parsed.data;
  if ((to - from) / every > MAX_BUCKETS) return { ok: false, error: `${Math.ceil((to - from) / every)} buckets asked for; at most ${MAX_BUCKETS}` };
  return { ok: true, series: s, every, buckets: await store.aggregate(s, from, to, every) };
}

export const seriesHandlers = (store: Store): Handler[] => [
  { subject: SERIES_SUBJECTS.range, route: 'GET /series/range', handle: (body) => range(store, body) },
  { subject: SERIES_SUBJECTS.latest, route: 'GET /series/latest', handle: (body) => latest(store, body) },
  { subject: SERIES_SUBJECTS.aggregate, route: 'GET /series/aggregate', handle: (body) => aggregate(store, body) },
];
