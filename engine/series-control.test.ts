// The store's history over the HTTP API: range, latest and buckets, with bad requests answered clearly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from './observation.ts';
import { seriesHandlers } from './series-control.ts';
import { openDuckDbStore } from './store/duckdb-store.ts';

const T0 = Date.parse('2026-08-01T00:00:00Z');
const reading = (minute: number, value: number): Observation => ({ domain: 'hydrology', station: 'H01', metric: 'stage', ts: T0 + minute * 60_000, value, unit: 'm', quality: 'reliable' });

test('range, latest and aggregate read the store; bad requests say what was expected', async () => {
  const store = await openDuckDbStore(':memory:');
  await store.commit({ observations: [reading(0, 1), reading(30, 3), reading(90, 8)], events: [], deadLetters: [] });
  const handle = new Map(seriesHandlers(store).map((h) => [h.route, h.handle]));
  const get = (route: string, body: unknown) => Promise.resolve(handle.get(route)!(body));

  assert.deepEqual(await get('GET /series/range', { series: 'hydrology.H01.stage', from: '2026-08-01T00:00:00Z', to: String(T0 + 3_600_000) }), {
    ok: true, series: 'hydrology.H01.stage', readings: [reading(0, 1), reading(30, 3)],
  });
  assert.deepEqual(await get('GET /series/latest', { series: 'hydrology.H01.stage,hydrology.H09.stage' }), { ok: true, latest: { 'hydrology.H01.stage': reading(90, 8) } });
  assert.deepEqual(await get('GET /series/aggregate', { series: 'hydrology.H01.stage', from: '2026-08-01T00:00:00Z', to: '2026-08-01T02:00:00Z', every: '1h' }), {
    ok: true, series: 'hydrology.H01.stage', every: 3_600_000,
    buckets: [{ start: T0, count: 2, min: 1, max: 3, mean: 2, sum: 4, last: 3 }, { start: T0 + 3_600_000, count: 1, min: 8, max: 8, mean: 8, sum: 8, last: 8 }],
  });

  const bad = await get('GET /series/aggregate', { series: 'H01', from: 'yesterday', to: T0, every: '1x' });
  assert.equal(bad.ok, false);
  assert.match(String((bad as { error: string }).error), /series: must be domain\.station\.metric; from: must be epoch ms or an ISO 8601 time; every: must be a duration/);
  const long = await get('GET /series/range', { series: 'hydrology.H01.stage', from: 0, to: T0 });
  assert.match(String((long as { error: string }).error), /at most 31 days of readings at once/);
  const huge = await get('GET /series/aggregate', { series: 'hydrology.H01.stage', from: 0, to: T0, every: '1s' });
  assert.match(String((huge as { error: string }).error), /buckets asked for; at most 100000/);
  await store.close();
});
