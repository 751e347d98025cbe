import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBeidou, type BeidouResult, type TerminalFix } from './beidou.ts';
import { withChecksum } from './test-support.ts';

function fix(r: BeidouResult): TerminalFix {
  if (!r.ok) assert.fail(r.reason);
  return r.fix;
}

function reason(r: BeidouResult): string {
  assert.equal(r.ok, false, JSON.stringify(r));
  return r.ok ? '' : r.reason;
}

function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
}

const BDRMC = withChecksum('$', 'BDRMC,080000.00,A,2936.1234,N,12218.5678,E,5.2,87.5,100926,,,A');

test('JSON fix with an ISO time and offset', () => {
  const f = fix(parseBeidou('{"terminal":"BD0012345","ts":"2026-09-10T08:00:00+08:00","lon":122.3,"lat":29.6,"speed":5.2,"course":87.5}'));
  assert.deepEqual(f, { terminal: 'BD0012345', ts: Date.UTC(2026, 8, 10, 0, 0, 0), lon: 122.3, lat: 29.6, speed: 5.2, course: 87.5 });
});

test('JSON fix with epoch ms, terminal from the caller, no speed or course, extra keys ignored', () => {
  const f = fix(parseBeidou('{"ts":1788998400000,"lon":-70.5,"lat":-33.75,"battery":88}', 'BD0012345'));
  assert.deepEqual(f, { terminal: 'BD0012345', ts: 1788998400000, lon: -70.5, lat: -33.75 });
});

test('JSON fix failures: reasons name the field', () => {
  assert.match(reason(parseBeidou('{"terminal":"BD1","ts":1788998400,"lon":1,"lat":1}')), /^ts: .*looks like seconds/);
  assert.match(reason(parseBeidou('{"terminal":"BD1","ts":"2026-09-10T08:00:00","lon":1,"lat":1}')), /ts: .*with an offset/);
  assert.match(reason(parseBeidou('{"terminal":"BD1","ts":1788998400000,"lon":1,"lat":95}')), /^lat: /);
  assert.match(reason(parseBeidou('{"terminal":"BD1","ts":1788998400000,"lat":1}')), /^lon: /);
  assert.match(reason(parseBeidou('{"terminal":"BD 1","ts":1788998400000,"lon":1,"lat":1}')), /terminal: terminal id must be letters, digits/);
  assert.match(reason(parseBeidou('{"ts":1788998400000,"lon":1,"lat":1}')), /no terminal id/);
  assert.match(reason(parseBeidou('{"terminal":"BD1","ts":1788998400000,"lon":1,"lat":1}', 'BD2')), /"BD1" in the report contradicts "BD2"/);
  assert.match(reason(parseBeidou('{"terminal":')), /not valid JSON/);
  assert.match(reason(parseBeidou('[1,2]')), /neither a JSON object nor an RMC sentence/);
  assert.match(reason(parseBeidou('null')), /neither/);
});

test('JSON envelope around a $BDRMC sentence', () => {
  const f = fix(parseBeidou(JSON.stringify({ terminal: 'BD0012345', nmea: BDRMC })));
  assert.equal(f.terminal, 'BD0012345');
  assert.equal(f.ts, Date.UTC(2026, 8, 10, 8, 0, 0));
  near(f.lat, 29 + 36.1234 / 60);
  near(f.lon, 122 + 18.5678 / 60);
  assert.equal(f.speed, 5.2);
  assert.equal(f.course, 87.5);
});

test('envelope failures: the sentence reason comes through', () => {
  const voidRmc = withChecksum('$', 'BDRMC,080000.00,V,,,,,,,100926,,,N');
  assert.equal(reason(parseBeidou(JSON.stringify({ terminal: 'BD1', nmea: voidRmc }))), 'RMC status V (void): the receiver has no valid fix');
  assert.match(reason(parseBeidou(JSON.stringify({ terminal: 'BD1', nmea: 42 }))), /^nmea: /);
  assert.match(reason(parseBeidou(JSON.stringify({ nmea: BDRMC }))), /no terminal id/);
});

test('bare $BDRMC with the terminal id from the caller', () => {
  const f = fix(parseBeidou(`${BDRMC}\r\n`, 'BD0012345'));
  assert.equal(f.terminal, 'BD0012345');
  assert.equal(f.ts, Date.UTC(2026, 8, 10, 8, 0, 0));
  assert.equal(reason(parseBeidou(BDRMC)), 'an RMC sentence needs the terminal id from the caller');
  assert.match(reason(parseBeidou(BDRMC, 'bd/1')), /terminal id "bd\/1" must be letters/);
});

test('$GNRMC (NMEA 4.1, 13 fields) south and west, no course, fractional seconds', () => {
  const f = fix(parseBeidou(withChecksum('$', 'GNRMC,235959.50,A,3345.0000,S,07030.0000,W,0.0,,311226,,,A,V'), 'T-1'));
  assert.deepEqual(f, { terminal: 'T-1', ts: Date.UTC(2026, 11, 31, 23, 59, 59, 500), lon: -70.5, lat: -33.75, speed: 0 });
});

test('$GPRMC, the textbook NMEA example (11 fields, 1994)', () => {
  const f = fix(parseBeidou('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A', 'T1'));
  assert.equal(f.ts, Date.UTC(1994, 2, 23, 12, 35, 19));
  near(f.lat, 48 + 7.038 / 60);
  near(f.lon, 11 + 31 / 60);
  assert.equal(f.speed, 22.4);
  assert.equal(f.course, 84.4);
});

test('RMC failures: void, bad checksum, not RMC, malformed fields', () => {
  const bad = (body: string): string => reason(parseBeidou(withChecksum('$', body), 'T1'));
  assert.equal(bad('BDRMC,080000.00,V,2936.1234,N,12218.5678,E,5.2,87.5,100926,,'), 'RMC status V (void): the receiver has no valid fix');
  assert.equal(bad('BDRMC,080000.00,A,2936.1234,N,12218.5678,E,5.2,87.5,100926,,,N'), 'RMC mode N: data not valid');
  assert.match(reason(parseBeidou(BDRMC.replace(/\*..$/, '*00'), 'T1')), /^checksum 0x[0-9A-F]{2} expected, sentence says 0x00$/);
  assert.match(bad('BDGGA,080000.00,2936.1234,N,12218.5678,E,1,08,0.9,5.0,M,0,M,,'), /\$BDGGA is not an RMC sentence/);
  assert.match(reason(parseBeidou(withChecksum('!', 'BDRMC,080000.00,A,2936.1234,N,12218.5678,E,5.2,87.5,100926,,'), 'T1')), /neither a JSON object nor an RMC/);
  assert.match(bad('BDRMC,080000.00,A,2936.1234,N,12218.5678,E,5.2,87.5,100926'), /RMC has 9 fields, expected 11 to 13/);
  assert.match(bad('BDRMC,080000.00,A,2960.0000,N,12218.5678,E,5.2,87.5,100926,,'), /latitude "2960.0000" has 60 minutes/);
  assert.match(bad('BDRMC,080000.00,A,9100.0000,N,12218.5678,E,5.2,87.5,100926,,'), /latitude "9100.0000" is beyond 90°/);
  assert.match(bad('BDRMC,080000.00,A,2936.1234,X,12218.5678,E,5.2,87.5,100926,,'), /latitude hemisphere "X" is not N or S/);
  assert.match(bad('BDRMC,080000.00,A,2936.1234,N,2218.5678,E,5.2,87.5,100926,,'), /longitude "2218.5678" is not dddmm.mmmm/);
  assert.match(bad('BDRMC,080000.00,A,,N,12218.5678,E,5.2,87.5,100926,,'), /latitude "" is not ddmm.mmmm/);
  assert.match(bad('BDRMC,080000.00,A,2936.1234,N,12218.5678,E,fast,87.5,100926,,'), /speed "fast"/);
  assert.match(bad('BDRMC,080000.00,A,2936.1234,N,12218.5678,E,5.2,400,100926,,'), /course "400"/);
  assert.match(bad('BDRMC,080000.00,A,2936.1234,N,12218.5678,E,5.2,87.5,310226,,'), /date "310226" is not a calendar date/);
  assert.match(bad('BDRMC,246000.00,A,2936.1234,N,12218.5678,E,5.2,87.5,100926,,'), /time "246000.00" is not a time of day/);
  assert.match(bad('BDRMC,0800,A,2936.1234,N,12218.5678,E,5.2,87.5,100926,,'), /time "0800" is not hhmmss/);
  assert.match(bad('BDRMC,080000.00,X,2936.1234,N,12218.5678,E,5.2,87.5,100926,,'), /status "X" is neither/);
});

test('garbage of any kind is a failure, never a throw', () => {
  for (const junk of ['', '   ', 'hello', '{}', '{"nmea":null}', '$', '$*00', '\u0000{', '{"ts":{},"lon":"1","lat":[]}']) {
    assert.equal(parseBeidou(junk, 'T1').ok, false, junk);
  }
});
