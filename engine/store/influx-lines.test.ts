import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Point } from '@influxdata/influxdb-client';
import type { Observation } from '../observation.ts';
import type { WarningEvent } from '../warning.ts';
import { alertingLines, commitLines, nanos, observationLine, Stamps } from './influx-lines.ts';
import { json } from './rows.ts';

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

void describe('warning and state lines', () => {
  const at = Date.parse('2026-07-01T08:00:00.123Z');
  const issued: WarningEvent = {
    id: 'flood|Dam, upper|1', kind: 'issued', rule: { id: 'flood "main"', title: 'Flood', hash: 'h1' }, domain: 'hydrology', entity: 'Dam, upper gate=1',
    station: { id: 'Dam, upper gate=1', name: '上坝 "A"', lon: 120.1, lat: 30.2 }, tier: 'orange', previousTier: 'yellow', at, issuedAt: at - 60_000.5,
    summary: 'stage 5.2 m ≥ "5" \\ warning\nline two',
    evidence: { metric: 'stage', unit: 'm', condition: 'stage >= 5', threshold: 5, thresholds: { orange: 5 }, readings: [{ ts: at, value: 5.2 }] },
  };
  const lifted: WarningEvent = { ...issued, id: 'x', kind: 'lifted', tier: null, previousTier: 'orange', summary: '' };

  /** The layout as the client's Point writes it. */
  const warning = (e: WarningEvent, stamps: Stamps): string => {
    const p = new Point('warning').tag('domain', e.domain).tag('rule', e.rule.id).tag('entity', e.entity).tag('kind', e.kind);
    if (e.tier) p.tag('tier', e.tier);
    p.stringField('id', e.id).stringField('summary', e.summary).floatField('issued_at', e.issuedAt).stringField('event', JSON.stringify(e));
    return p.timestamp(stamps.next(e.at)).toLineProtocol()!;
  };
  const state = (measurement: string, key: string, fields: Record<string, string>): string => {
    const p = new Point(measurement).tag('key', key);
    for (const [name, value] of Object.entries(fields)) p.stringField(name, value);
    return p.timestamp('0').toLineProtocol()!;
  };

  void it('are what the client Point writes: quotes and backslashes in the JSON escaped, tags in name order', () => {
    const ruleState = { ladder: { lastTs: at, latches: [{ on: true }] }, note: 'a "quoted" \\ path' };
    const lines = commitLines(
      { observations: [], events: [issued, lifted], deadLetters: [], checkpoint: { consumer: 'engine', seq: 7, states: [{ key: 'flood|Dam, upper', ruleHash: 'h"1', state: ruleState }] } },
      new Stamps(),
    );
    const stamps = new Stamps();
    assert.deepEqual(lines.state, [
      warning(issued, stamps),
      warning(lifted, stamps),
      state('rule_state', 'flood|Dam, upper', { rule_hash: 'h"1', state: json(ruleState) }),
      'checkpoint,consumer=engine seq=7 0',
    ]);
    const episode = { key: 'flood|S 1|1', state: { sent: ['sms "a"'] } };
    assert.deepEqual(alertingLines({ deliveries: [], episodes: [episode] }, new Stamps()).state, [state('episode', episode.key, { state: json(episode.state) })]);
  });

  void it('refuse an issue time that is not a number, as Point does', () => {
    assert.throws(() => commitLines({ observations: [], events: [{ ...issued, issuedAt: Number.NaN }], deadLetters: [] }, new Stamps()), /invalid float value for field 'issued_at'/);
  });
});
