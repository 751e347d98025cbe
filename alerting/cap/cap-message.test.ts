// CAP messages against the OASIS schema (xmllint) for every kind, tier and kind of area, and the
// rules the schema cannot see: identifiers, offsets, message types, codes and references.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TIERS, type Tier } from '../../engine/tiers.ts';
import type { WarningEvent } from '../../engine/warning.ts';
import { capArea } from './cap-area.ts';
import { capDate } from './cap-date.ts';
import { capIdentifier } from './cap-identifier.ts';
import { capMessage, type CapInput, type CapReference } from './cap-message.ts';
import { HOLED_ZONE, MIN, T0, textsFor, warningEvent, type EventSpec } from './cap-test-events.ts';
import { CAP_XSD, xmllintErrors } from './xmllint.ts';

const ID = /^\d{6}\d{3}00000_\d{14}_\d{6}$/;
const EARLIER: CapReference = { sender: 'seed@350122.example', identifier: '35012200100000_20260728130000_000001', sent: '2026-07-28T13:00:00+08:00' };

const input = (event: WarningEvent, over: Partial<CapInput> = {}): CapInput => ({
  event,
  area: capArea(event, event.evidence.zone ? HOLED_ZONE : undefined),
  sender: 'seed@350122.example',
  senderName: '闽侯县防汛抗旱指挥部',
  agency: '001',
  utcOffsetMinutes: 480,
  texts: textsFor(event),
  references: event.kind === 'issued' ? [] : [EARLIER],
  ...over,
});

/** Text of every `<tag>` in document order. */
const all = (xml: string, tag: string): string[] => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);
const one = (xml: string, tag: string): string | undefined => all(xml, tag)[0];
/** value of the parameter (or geocode, eventCode) named `name`. */
const param = (xml: string, name: string): string | undefined => new RegExp(`<valueName>${name}</valueName>\\s*<value>([^<]*)</value>`).exec(xml)?.[1];

test('capDate: local time with the offset, never Z, whole seconds', () => {
  assert.equal(capDate(T0, 480), '2026-07-28T14:05:00+08:00');
  assert.equal(capDate(T0 + 999, 480), '2026-07-28T14:05:00+08:00');
  assert.equal(capDate(Date.parse('2026-07-28T17:30:00Z'), 480), '2026-07-29T01:30:00+08:00');
  assert.equal(capDate(T0, -300), '2026-07-28T01:05:00-05:00');
  assert.equal(capDate(T0, 330), '2026-07-28T11:35:00+05:30');
  assert.equal(capDate(T0, 0), '2026-07-28T06:05:00+00:00');
  assert.throws(() => capDate(T0, 15 * 60), /offset/);
  assert.throws(() => capDate(NaN, 480), /not a time/);
});

test('capIdentifier: area, agency, local second and a suffix fixed by the event id', () => {
  const a = capIdentifier('350122', '001', T0, 480, 'event-a');
  assert.match(a, ID);
  assert.ok(a.startsWith('35012200100000_20260728140500_'), a);
  assert.equal(capIdentifier('350122', '001', T0, 480, 'event-a'), a);
  assert.notEqual(capIdentifier('350122', '001', T0, 480, 'event-b'), a);
  assert.throws(() => capIdentifier('3501', '001', T0, 480, 'e'), /six-digit/);
  assert.throws(() => capIdentifier('350122', '01', T0, 480, 'e'), /three-digit/);
});

/** Every kind at every tier it can have, for a station, a forecast, a vessel in a holed zone, a vessel at sea and a fleet without a region. */
function matrix(): WarningEvent[] {
  const areas: Omit<EventSpec, 'kind' | 'tier'>[] = [
    { rule: 'river' },
    { rule: 'surge' },
    { rule: 'nofish', position: true, zone: HOLED_ZONE },
    { rule: 'gale', position: true },
    { rule: 'online', noRegion: true },
  ];
  const events: WarningEvent[] = [];
  for (const a of areas) {
    TIERS.forEach((tier, i) => {
      const lower: Tier | null = TIERS[i - 1] ?? null;
      const higher: Tier | null = TIERS[i + 1] ?? null;
      events.push(warningEvent({ ...a, kind: 'issued', tier }));
      events.push(warningEvent({ ...a, kind: 'renotified', tier, previousTier: tier, minute: 60, issuedMinute: 0 }));
      events.push(warningEvent({ ...a, kind: 'lifted', tier: null, previousTier: tier, minute: 90 + i, issuedMinute: 0 }));
      if (lower) events.push(warningEvent({ ...a, kind: 'upgraded', tier, previousTier: lower, minute: 30, issuedMinute: 0 }));
      if (higher) events.push(warningEvent({ ...a, kind: 'downgraded', tier, previousTier: higher, minute: 30, issuedMinute: 0 }));
    });
  }
  return events;
}

test('every kind, tier and area validates against the CAP 1.2 schema, with the rules the schema does not check', () => {
  const events = matrix();
  assert.equal(events.length, 5 * (4 * 3 + 3 + 3));
  const docs = events.map((e) => capMessage(input(e)));
  assert.equal(xmllintErrors(docs.map((d) => d.xml), CAP_XSD), undefined);
  const types = { issued: 'Alert', upgraded: 'Update', downgraded: 'Update', renotified: 'Update', lifted: 'Cancel' };
  events.forEach((e, i) => {
    const { xml, identifier, sent, msgType, reference } = docs[i]!;
    assert.match(identifier, ID);
    assert.ok(identifier.startsWith(e.station.region ? `${e.station.region}001` : '000000001'), identifier);
    assert.equal(one(xml, 'identifier'), identifier);
    assert.equal(msgType, types[e.kind]);
    assert.equal(one(xml, 'msgType'), msgType);
    assert.equal(sent, capDate(e.at, 480));
    assert.deepEqual(reference, { sender: 'seed@350122.example', identifier, sent });
    const dates = ['sent', 'effective', 'onset', 'expires'].flatMap((tag) => all(xml, tag));
    assert.ok(dates.length >= 3, 'sent and one effective per info');
    for (const d of dates) assert.match(d, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.doesNotMatch(xml, /\d\dZ\b/);
    assert.deepEqual(all(xml, 'language'), ['zh-CN', 'en-US']);
    assert.equal(one(xml, 'scope'), 'Public');
    assert.equal(one(xml, 'status'), 'Actual');
    assert.equal(one(xml, 'references'), e.kind === 'issued' ? undefined : 'seed@350122.example,35012200100000_20260728130000_000001,2026-07-28T13:00:00+08:00');
    assert.ok(all(xml, 'polygon').length >= 1 && all(xml, 'polygon').every((p) => p.split(' ').length >= 4));
  });
  // Distinct events, distinct identifiers.
  assert.equal(new Set(docs.map((d) => d.identifier)).size, docs.length);
});

test('the schema check does fail: a Z date, an element out of order, an unknown code', () => {
  const { xml } = capMessage(input(warningEvent({ rule: 'river', kind: 'issued', tier: 'red' })));
  const broken = [
    xml.replace(/<sent>([^<]*)\+08:00<\/sent>/, '<sent>$1Z</sent>'),
    xml.replace(/(<status>[^<]*<\/status>)\s*(<msgType>[^<]*<\/msgType>)/, '$2$1'),
    xml.replace('<urgency>Immediate</urgency>', '<urgency>Now</urgency>'),
  ];
  for (const b of broken) {
    assert.notEqual(b, xml);
    assert.match(xmllintErrors([b], CAP_XSD) ?? '', /fails to validate|not an element of the set|not accepted by the pattern|not expected/);
  }
});

test('codes: red flood is Execute/Immediate/Extreme/Observed, with onset at the issue time', () => {
  const e = warningEvent({ rule: 'river', kind: 'upgraded', tier: 'red', previousTier: 'orange', minute: 30, issuedMinute: 0 });
  const { xml } = capMessage(input(e));
  assert.deepEqual(all(xml, 'category'), ['Met', 'Met']);
  assert.equal(one(xml, 'event'), '河道水位超警 River above warning stage');
  assert.deepEqual([one(xml, 'responseType'), one(xml, 'urgency'), one(xml, 'severity'), one(xml, 'certainty')], ['Execute', 'Immediate', 'Extreme', 'Observed']);
  assert.equal(one(xml, 'effective'), '2026-07-28T14:35:00+08:00');
  assert.equal(one(xml, 'onset'), '2026-07-28T14:05:00+08:00');
  assert.equal(param(xml, 'tier'), 'Red I');
  assert.equal(param(xml, 'previousTier'), 'Orange II');
  assert.equal(param(xml, 'seed:rule'), 'river-stage');
  assert.equal(param(xml, 'rule'), 'river-stage');
  assert.equal(param(xml, 'ruleHash'), 'a1b2c3d4');
  assert.equal(param(xml, 'entity'), 'H01');
  assert.equal(param(xml, 'GB/T 2260'), '350122');
  assert.equal(one(xml, 'senderName'), '闽侯县防汛抗旱指挥部');
  const description = one(xml, 'description')!;
  assert.ok(description.startsWith('闽侯水文站发布预警。'), description);
  assert.ok(description.includes(e.summary), 'the summary');
  assert.ok(description.includes('7.61 m at 2026-07-28T14:35:00+08:00'), 'the deciding value with its local time');
  assert.ok(description.includes('tiers blue 7 m, yellow 7.5 m, orange 8 m, red 9 m'), 'the threshold ladder');
});

test('codes: a forecast is Likely with no onset; blue is Future/Monitor/Minor, yellow Expected/Moderate', () => {
  const blue = capMessage(input(warningEvent({ rule: 'surge', kind: 'issued', tier: 'blue' }))).xml;
  assert.deepEqual([one(blue, 'responseType'), one(blue, 'urgency'), one(blue, 'severity'), one(blue, 'certainty')], ['Monitor', 'Future', 'Minor', 'Likely']);
  assert.equal(one(blue, 'onset'), undefined);
  const yellow = capMessage(input(warningEvent({ rule: 'river', kind: 'issued', tier: 'yellow' }))).xml;
  assert.deepEqual([one(yellow, 'responseType'), one(yellow, 'urgency'), one(yellow, 'severity'), one(yellow, 'certainty')], ['Prepare', 'Expected', 'Moderate', 'Observed']);
});

test('codes: vessels are Transport and Safety and told to Avoid; a fleet is Safety; a category can be given', () => {
  const vessel = capMessage(input(warningEvent({ rule: 'nofish', kind: 'issued', tier: 'orange', position: true, zone: HOLED_ZONE }))).xml;
  assert.deepEqual(all(vessel, 'category'), ['Transport', 'Safety', 'Transport', 'Safety']);
  assert.equal(one(vessel, 'responseType'), 'Avoid');
  assert.equal(param(vessel, 'GB/T 2260'), '330300');
  assert.ok(one(vessel, 'description')!.includes('position 28.05,122.55 at 2026-07-28T14:05:00+08:00, 2.5 kn'));
  const fleet = warningEvent({ rule: 'online', kind: 'issued', tier: 'yellow' });
  assert.deepEqual(all(capMessage(input(fleet)).xml, 'category'), ['Safety', 'Safety']);
  assert.deepEqual(all(capMessage(input(fleet, { category: 'Infra', status: 'Exercise' })).xml, 'category'), ['Infra', 'Infra']);
  assert.equal(one(capMessage(input(fleet, { status: 'Exercise' })).xml, 'status'), 'Exercise');
});

test('a lift is a Cancel: AllClear, Past, Minor, Observed, tier none, referencing the episode', () => {
  const refs: CapReference[] = [EARLIER, { ...EARLIER, identifier: '35012200100000_20260728133000_000002', sent: '2026-07-28T13:30:00+08:00' }];
  const e = warningEvent({ rule: 'river', kind: 'lifted', tier: null, previousTier: 'orange', minute: 120, issuedMinute: -65 });
  const doc = capMessage(input(e, { references: refs }));
  assert.equal(doc.msgType, 'Cancel');
  assert.equal(one(doc.xml, 'references'), refs.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' '));
  assert.deepEqual([one(doc.xml, 'responseType'), one(doc.xml, 'urgency'), one(doc.xml, 'severity'), one(doc.xml, 'certainty')], ['AllClear', 'Past', 'Minor', 'Observed']);
  assert.equal(param(doc.xml, 'tier'), 'none');
  assert.equal(param(doc.xml, 'previousTier'), 'Orange II');
  assert.equal(one(doc.xml, 'onset'), undefined);
  assert.equal(doc.sent, capDate(T0 + 120 * MIN, 480));
});

test('the same event gives the very same message; bad sender, agency or texts are refused', () => {
  const e = warningEvent({ rule: 'river', kind: 'issued', tier: 'orange' });
  assert.deepEqual(capMessage(input(e)), capMessage(input(e)));
  assert.throws(() => capMessage(input(e, { sender: 'seed, county' })), /no spaces, commas/);
  assert.throws(() => capMessage(input(e, { agency: 'ABC' })), /three-digit/);
  assert.throws(() => capMessage(input(e, { texts: [] })), /at least one text/);
});

test('text is escaped, not broken: markup in a headline stays text', () => {
  const e = warningEvent({ rule: 'river', kind: 'issued', tier: 'blue' });
  const texts = textsFor(e).map((t) => ({ ...t, headline: 'Level < 8 & rising' }));
  const { xml } = capMessage(input(e, { texts }));
  assert.ok(xml.includes('<headline>Level &lt; 8 &amp; rising</headline>'));
  assert.equal(xmllintErrors([xml], CAP_XSD), undefined);
});
