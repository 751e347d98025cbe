import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Point } from '@influxdata/influxdb-client';
import type { Observation } from '../observation.ts';
import { nanos, observationLine } from './influx-lines.ts';

/** The documented layout, written by the client's Point: what every observation line must equal. */
function reference(o: Observation): string {
  const p = new Point('observation').tag('domain', o.domain).tag('station', o.station).tag('metric', o.metric).stringField('quality', o.quality);
  if (o.value !== undefined) p.floatField('value', o.value);
  if (o.unit !== undefined) p.stringField('unit', o.unit);
  if (o.source !== undefined) p.tag('source', o.source);
  return p.timestamp(String(nanos(o.ts))).toLineProtocol()!;
}

void describe('observation lines', () => {
  const base: Observation = { domain: 'hydrology', station: 'H01', metric: 'stage', ts: Date.parse('2026-07-01T08:00:00Z'), value: 4.2, quality: 'reliable' };

  void it('are what the client Point writes, names escaped, fields and tags in name order', () => {
    const cases: Observation[] = [
      base,
      { ...base, unit: 'm', source: 'gauge-1' },
      { ...base, ts: base.ts + 0.123, value: -0.5, quality: 'doubtful' },
      { ...base, value: 1e21, unit: '' },
      { ...base, source: '' },
      { ...base, station: 'Dam, upper gate=1', metric: 'stage m', unit: 'm "gauge" \\ zero', source: 'a b,c' },
      { ...base, domain: 'line\nbreak', station: 'tab\there' },
      { ...base, domain: '' },
      // Times Point writes from a BigInt: just after the epoch, and past InfluxDB's last (2262).
      { ...base, ts: 0.4 },
      { ...base, ts: 4e13 + 0.125 },
    ];
    for (const o of cases) assert.equal(observationLine(o), reference(o), JSON.stringify(o));
  });

  void it('stay right once the kept escapes are dropped (more than 10,000 names)', () => {
    for (let i = 0; i <= 10_001; i++) observationLine({ ...base, station: `S ${i}` });
    const o = { ...base, station: 'S 1', source: 'a b' };
    assert.equal(observationLine(o), reference(o));
  });

  void it('with a position, or a value that is not finite, are Point’s own', () => {
    const vessel: Observation = { domain: 'marine', station: '412345678', metric: 'position', ts: base.ts, position: { lon: 120.5, lat: 27.1, speed: 8.2, course: 95 }, quality: 'reliable' };
    assert.equal(observationLine(vessel), `observation,domain=marine,metric=position,station=412345678 course=95,lat=27.1,lon=120.5,quality="reliable",speed=8.2 ${nanos(base.ts)}`);
    assert.throws(() => observationLine({ ...base, value: Number.NaN }), /invalid float value for field 'value'/);
  });
});
