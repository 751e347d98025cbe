// The FireIndex sampler on hand-made hourly readings: when a day's index comes out and with what
// time, which noon weather and rain it reads, how days without weather and restarts carry the
// codes, and what it ignores. Expected codes come from fwiDay (fwi.ts, checked against the cffdrs
// reference run in fwi.test.ts), so these tests are about the sampler's bookkeeping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation, Quality } from '../../engine/observation.ts';
import type { Station } from '../../engine/station.ts';
import { dangerLevel } from './danger-level.ts';
import { FireIndex } from './fire-index.ts';
import { fwiDay, STARTUP, type FwiCodes, type NoonWeather } from './fwi.ts';

const MINUTE = 60_000;
const LAT = 26.36;
const F1: Station = { id: 'F1', name: 'F1', domain: 'fire', lon: 119.4, lat: LAT, tags: ['fire-weather'], params: {} };
const H1: Station = { id: 'H1', name: 'H1', domain: 'hydrology', lon: 119.5, lat: 26.2, tags: ['rain'], params: {} };
const INDEX = ['ffmc', 'dmc', 'dc', 'isi', 'bui', 'fwi', 'dsr', 'danger_level'];

/** Epoch ms of a local (UTC+8) time, e.g. at('2025-12-02', 13) or at('2025-12-02', 12, 40). */
const at = (day: string, hour: number, minute = 0): number => Date.parse(`${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`);
const reading = (metric: string, ts: number, value: number, quality: Quality = 'reliable', station = 'F1', domain = 'fire'): Observation => ({ domain, station, metric, ts, value, quality });

/** One hourly report, its metrics in the order the simulator sends them. */
const report = (ts: number, w: NoonWeather): Observation[] => (['rain', 'rh', 'temp', 'wind'] as const).map((m) => reading(m, ts, w[m]));
/** Hourly reports of a local day from `from` to `to` o'clock. */
const day = (d: string, weather: (hour: number) => NoonWeather, from = 0, to = 23): Observation[] =>
  Array.from({ length: to - from + 1 }, (_, k) => report(at(d, from + k), weather(from + k))).flat();

const DRY: NoonWeather = { temp: 22, rh: 30, wind: 18, rain: 0 };
const steady = (): NoonWeather => DRY;

/** Every reading heard in turn; what came out, with the time of the reading that let it out. */
function feed(index: FireIndex, obs: readonly Observation[]): { heardAt: number; obs: Observation }[] {
  return obs.flatMap((o) => index.hear(o).map((d) => ({ heardAt: o.ts, obs: d })));
}
const valueOf = (out: readonly { obs: Observation }[], metric: string, ts: number): number | undefined => out.find((d) => d.obs.metric === metric && d.obs.ts === ts)?.obs.value;
const codesOf = (out: readonly { obs: Observation }[], ts: number): FwiCodes => ({ ffmc: valueOf(out, 'ffmc', ts)!, dmc: valueOf(out, 'dmc', ts)!, dc: valueOf(out, 'dc', ts)! });
const codes = ({ ffmc, dmc, dc }: FwiCodes): FwiCodes => ({ ffmc, dmc, dc });

test('one index a day, let out by the first reading at or after 13:00 local and stamped local noon', () => {
  for (const index of [new FireIndex([F1]), new FireIndex([F1], { utcOffsetMinutes: 480 })]) {
    // Reports every 20 minutes: 12:40 is the last before 13:00, so the 13:00 rain reading lets the day out.
    const obs = Array.from({ length: 72 }, (_, k) => report(at('2025-12-02', 0) + k * 20 * MINUTE, DRY)).flat();
    const out = feed(index, obs);
    assert.deepEqual(out.map((d) => d.obs.metric), INDEX);
    assert.ok(out.every((d) => d.heardAt === at('2025-12-02', 13) && d.obs.ts === at('2025-12-02', 12)), 'heard at 13:00, stamped 12:00');
    assert.ok(out.every((d) => d.obs.domain === 'fire' && d.obs.station === 'F1' && d.obs.quality === 'reliable' && d.obs.source?.startsWith('derived:fwi first day')));
    const want = fwiDay(STARTUP, DRY, 12, LAT);
    for (const k of ['ffmc', 'dmc', 'dc', 'isi', 'bui', 'fwi', 'dsr'] as const) assert.equal(valueOf(out, k, at('2025-12-02', 12)), want[k], k);
    const level = out.find((d) => d.obs.metric === 'danger_level')!.obs;
    assert.deepEqual([level.value, level.unit], [dangerLevel(want.fwi), 'level']);
  }
});

test('a report at 12:59 does not let the day out, and once out the afternoon adds nothing', () => {
  const index = new FireIndex([F1]);
  assert.deepEqual(feed(index, [...report(at('2025-12-02', 12), DRY), ...report(at('2025-12-02', 12, 59), DRY)]), []);
  assert.equal(feed(index, report(at('2025-12-02', 13), DRY)).length, 8);
  // Already out: the afternoon's reports give nothing more.
  assert.deepEqual(feed(index, day('2025-12-02', steady, 14, 23)), []);
});

test('noon weather is the reading nearest noon within an hour either side, each metric on its own', () => {
  const index = new FireIndex([F1]);
  const obs = [
    reading('temp', at('2025-12-02', 10, 50), 30), // 70 min early: too far
    reading('temp', at('2025-12-02', 11, 10), 25), // 50 min early
    reading('temp', at('2025-12-02', 12, 40), 21), // 40 min late: nearest
    reading('rh', at('2025-12-02', 11), 35), // exactly an hour early: still counts
    reading('wind', at('2025-12-02', 11, 30), 12),
    reading('wind', at('2025-12-02', 12, 5), 16), // nearest
    reading('wind', at('2025-12-02', 12, 50), 40),
    reading('temp', at('2025-12-02', 13), 18),
  ];
  const out = feed(index, obs);
  assert.deepEqual(codesOf(out, at('2025-12-02', 12)), codes(fwiDay(STARTUP, { temp: 21, rh: 35, wind: 16, rain: 0 }, 12, LAT)));
  assert.equal(valueOf(out, 'isi', at('2025-12-02', 12)), fwiDay(STARTUP, { temp: 21, rh: 35, wind: 16, rain: 0 }, 12, LAT).isi);

  // Humidity only 70 minutes from noon: no noon weather, no index.
  const short = new FireIndex([F1]);
  const gappy = [reading('temp', at('2025-12-02', 12), 21), reading('wind', at('2025-12-02', 12), 16), reading('rh', at('2025-12-02', 13, 10), 35), reading('temp', at('2025-12-02', 13, 10), 18)];
  assert.deepEqual(feed(short, gappy), []);
});

test('rain is the sum of the readings in the 24 hours ending at noon', () => {
  const index = new FireIndex([F1]);
  // Rain alone the day before gives that day no index; today is the first day, from start-up codes.
  const rain = [
    reading('rain', at('2025-12-01', 12), 10), // ends exactly 24 h before noon: the day before's
    reading('rain', at('2025-12-01', 13), 2),
    reading('rain', at('2025-12-02', 6), 3),
    reading('rain', at('2025-12-02', 12), 4), // the hour ending at noon counts
    reading('rain', at('2025-12-02', 12, 30), 50), // after noon: tomorrow's
  ];
  const out = feed(index, [...rain, ...report(at('2025-12-02', 12), { ...DRY, rain: 4 }).filter((o) => o.metric !== 'rain'), ...report(at('2025-12-02', 13), DRY)]);
  assert.deepEqual(codesOf(out, at('2025-12-02', 12)), codes(fwiDay(STARTUP, { ...DRY, rain: 9 }, 12, LAT)));
});

test('a day without noon weather gives nothing, and the next day carries on from the day before', () => {
  const index = new FireIndex([F1]);
  const wet = (hour: number): NoonWeather => ({ temp: 15, rh: 80, wind: 10, rain: hour === 20 ? 6 : 0 });
  const obs = [
    ...day('2025-12-01', steady),
    // Silent from 10:00 to 14:00 on the 2nd: no reading within an hour of noon. Rain in the evening.
    ...day('2025-12-02', wet, 0, 9),
    ...day('2025-12-02', wet, 15, 23),
    ...day('2025-12-03', steady, 0, 13),
  ];
  const out = feed(index, obs);
  assert.deepEqual([...new Set(out.map((d) => d.obs.ts))], [at('2025-12-01', 12), at('2025-12-03', 12)]);
  const first = codesOf(out, at('2025-12-01', 12));
  // The 2nd's evening rain is in the 24 h before the 3rd's noon.
  const third = fwiDay(first, { ...DRY, rain: 6 }, 12, LAT);
  assert.equal(valueOf(out, 'ffmc', at('2025-12-03', 12)), third.ffmc);
  assert.deepEqual(codesOf(out, at('2025-12-03', 12)), codes(third));
  assert.match(out.find((d) => d.obs.ts === at('2025-12-03', 12))!.obs.source!, /carried from 2025-12-01 across 1 day without weather/);
});

test('warm(): a restart that reads back the codes and the last day of weather carries on as if never stopped', () => {
  const weather = (d: number) => (hour: number): NoonWeather => ({ temp: 14 + d + hour / 3, rh: 70 - 5 * d, wind: 8 + d, rain: d === 1 && hour >= 18 && hour < 22 ? 3 : 0 });
  const days = ['2025-12-01', '2025-12-02', '2025-12-03', '2025-12-04'];
  const all = days.flatMap((d, i) => day(d, weather(i)));
  const whole = feed(new FireIndex([F1]), all);
  assert.equal(whole.length, 4 * 8);

  // Stopped at 09:00 on the 3rd (before its noon, with the evening rain of the 2nd to read back) and
  // at 15:00 (after): the store holds every reading and index so far.
  for (const restart of [at('2025-12-03', 9), at('2025-12-03', 15)]) {
    const before = all.filter((o) => o.ts < restart);
    const stored = [...before, ...feed(new FireIndex([F1]), before).map((d) => d.obs)];
    const index = new FireIndex([F1]);
    for (const h of index.history(restart)) {
      const series = stored.filter((o) => `${o.domain}.${o.station}.${o.metric}` === h.series && o.ts >= h.from && o.ts <= h.to).sort((a, b) => a.ts - b.ts);
      for (const o of series) index.warm(o);
    }
    const after = feed(index, all.filter((o) => o.ts >= restart));
    const expected = whole.filter((d) => d.heardAt >= restart);
    assert.ok(expected.length >= 8, 'at least the 4th is indexed after the restart');
    assert.deepEqual(after, expected, `restart at ${new Date(restart).toISOString()}`);
  }
});

test('unreliable readings are ignored: not as noon weather, not as rain, and they let no day out', () => {
  const index = new FireIndex([F1]);
  const obs = [
    reading('rain', at('2025-12-02', 8), 20, 'unreliable'),
    reading('rain', at('2025-12-02', 9), 1.5, 'doubtful'), // doubtful readings are usable
    reading('temp', at('2025-12-02', 11, 30), 19),
    reading('rh', at('2025-12-02', 11, 30), 45),
    reading('wind', at('2025-12-02', 11, 30), 14),
    reading('temp', at('2025-12-02', 12), 45, 'unreliable'),
    reading('rh', at('2025-12-02', 12), 3, 'unreliable'),
    reading('wind', at('2025-12-02', 12), 90, 'unreliable'),
    reading('temp', at('2025-12-02', 13), 19, 'unreliable'),
  ];
  assert.deepEqual(feed(index, obs), []);
  const out = feed(index, [reading('temp', at('2025-12-02', 13, 10), 19)]);
  assert.deepEqual(codesOf(out, at('2025-12-02', 12)), codes(fwiDay(STARTUP, { temp: 19, rh: 45, wind: 14, rain: 1.5 }, 12, LAT)));
});

test('stations outside the fire domain, and stations it was not given, are ignored', () => {
  const index = new FireIndex([F1, H1]);
  const elsewhere = day('2025-12-02', steady, 10, 14);
  const hydrology = elsewhere.map((o) => ({ ...o, domain: 'hydrology', station: 'H1' }));
  const h1AsFire = elsewhere.map((o) => ({ ...o, station: 'H1' }));
  const f1OutsideFire = elsewhere.map((o) => ({ ...o, domain: 'hydrology' }));
  const unknown = elsewhere.map((o) => ({ ...o, station: 'F9' }));
  assert.deepEqual(feed(index, [...hydrology, ...h1AsFire, ...f1OutsideFire, ...unknown]), []);
  assert.deepEqual(index.history(at('2025-12-02', 15)).map((h) => h.series.split('.')[1]), Array(7).fill('F1'));
  assert.equal(feed(index, elsewhere).length, 8);
});

// A day can be let out up to two days later (a station that falls silent just after its noon
// report), and its rain reaches back 24 h before that noon.
test(
  'a day let out late, by the first reading after a silence, still counts the rain before its noon',
  () => {
    const wet = (hour: number): NoonWeather => ({ ...DRY, rain: hour >= 1 && hour <= 6 ? 2 : 0 });
    const upToNoon = [...day('2025-12-01', steady), ...day('2025-12-02', wet, 0, 12)];
    const onTime = feed(new FireIndex([F1]), [...upToNoon, ...report(at('2025-12-02', 13), DRY)]);
    const late = feed(new FireIndex([F1]), [...upToNoon, ...day('2025-12-03', steady, 14, 16)]);
    assert.equal(valueOf(late, 'ffmc', at('2025-12-02', 12)), valueOf(onTime, 'ffmc', at('2025-12-02', 12)));
  },
);
