import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCodes, type DatedCodes } from './fire-days.ts';
import { CFFDRS_TEST_FWI } from './fwi-reference.ts';
import type { FwiDay, NoonWeather } from './fwi.ts';

// The first days of the cffdrs test run (lat 40, April): a carried day reproduces the published
// next row, a restarted day reproduces the published first row.
const row = (i: number) => CFFDRS_TEST_FWI[i]!;
const weatherOf = (i: number): NoonWeather => ({ temp: row(i).temp, rh: row(i).rh, wind: row(i).wind, rain: row(i).rain });
const matchesRow = (codes: FwiDay | undefined, i: number): boolean =>
  codes !== undefined && (['ffmc', 'dmc', 'dc', 'fwi'] as const).every((k) => Math.abs(codes[k] - Number(row(i).printed[k])) < 0.0005);

test('seven days with weather around a 1-day gap (carried) and a 5-day gap (restarted)', () => {
  // [date, weather row or undefined, published row expected, note starts with]
  const days: [string, number | undefined, number | undefined, string][] = [
    ['2026-04-13', 0, 0, 'first day: started from the start-up codes'],
    ['2026-04-14', 1, 1, 'carried from 2026-04-13'],
    ['2026-04-15', undefined, undefined, 'no weather for 2026-04-15: no index; codes kept from 2026-04-14'],
    ['2026-04-16', 2, 2, 'carried from 2026-04-14 across 1 day without weather'],
    ['2026-04-17', 3, 3, 'carried from 2026-04-16'],
    ['2026-04-18', undefined, undefined, 'no weather for 2026-04-18: no index; codes kept from 2026-04-17'],
    ['2026-04-19', undefined, undefined, 'no weather for 2026-04-19'],
    ['2026-04-20', undefined, undefined, 'no weather for 2026-04-20'],
    ['2026-04-21', undefined, undefined, 'no weather for 2026-04-21: no index; codes kept from 2026-04-17; 4 days without weather, so they restart'],
    ['2026-04-22', undefined, undefined, 'no weather for 2026-04-22'],
    ['2026-04-23', 0, 0, 'restarted from the start-up codes: 5 days without weather since 2026-04-17 (more than 3)'],
    ['2026-04-24', 1, 1, 'carried from 2026-04-23'],
    ['2026-04-25', 2, 2, 'carried from 2026-04-24'],
  ];
  let prev: DatedCodes | undefined;
  for (const [day, w, expected, note] of days) {
    const next = nextCodes(prev, day, w === undefined ? undefined : weatherOf(w), 4, 40);
    assert.ok(next.note.startsWith(note), `${day}: ${next.note}`);
    if (expected === undefined) assert.equal(next.codes, undefined, day);
    else assert.ok(matchesRow(next.codes, expected), `${day} should equal published row ${expected}: ${JSON.stringify(next.codes)}`);
    if (next.codes) prev = { codes: next.codes, day };
  }
  assert.equal(prev?.day, '2026-04-25');
});

test('the gap limit is an option: 3 missed days are carried, 4 restart; 0 restarts after any gap', () => {
  const start = nextCodes(undefined, '2026-04-13', weatherOf(0), 4, 40);
  const prev = { codes: start.codes!, day: '2026-04-13' };
  assert.ok(matchesRow(nextCodes(prev, '2026-04-17', weatherOf(1), 4, 40).codes, 1));
  assert.ok(matchesRow(nextCodes(prev, '2026-04-18', weatherOf(0), 4, 40).codes, 0));
  assert.match(nextCodes(prev, '2026-04-15', weatherOf(0), 4, 40, { maxGapDays: 0 }).note, /^restarted .*: 1 day without weather/);
});

test('a first day without weather has no index, and dates must be valid and move forward', () => {
  assert.deepEqual(nextCodes(undefined, '2026-04-13', undefined, 4, 40), { codes: undefined, note: 'no weather for 2026-04-13: no index yet' });
  const prev = { codes: { ffmc: 85, dmc: 6, dc: 15 }, day: '2026-04-13' };
  assert.throws(() => nextCodes(prev, '2026-04-13', weatherOf(0), 4, 40), /does not follow/);
  assert.throws(() => nextCodes(prev, '2026-04-31', weatherOf(0), 4, 40), /not a YYYY-MM-DD date/);
  assert.throws(() => nextCodes(prev, '14/04/2026', weatherOf(0), 4, 40), /not a YYYY-MM-DD date/);
});
