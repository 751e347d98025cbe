// The CAP feed: an episode's messages reference all the earlier ones (Alert ← Updates ← Cancel),
// replays give the same message, old lifted episodes are dropped, and the Atom feed lists newest first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WarningEvent } from '../../engine/warning.ts';
import { capArea } from './cap-area.ts';
import { CapFeed } from './cap-feed.ts';
import { referenceText, type CapDocument } from './cap-message.ts';
import { textsFor, warningEvent, type EventSpec } from './cap-test-events.ts';
import { CAP_XSD, xmllintErrors } from './xmllint.ts';

const SENDER = 'seed@350122.example';
const newFeed = (keepLifted?: number): CapFeed =>
  new CapFeed({ sender: SENDER, senderName: '闽侯县防汛抗旱指挥部', agency: '001', utcOffsetMinutes: 480, ...(keepLifted !== undefined && { keepLifted }) });
const add = (feed: CapFeed, e: WarningEvent): CapDocument => feed.add(e, capArea(e), textsFor(e));
const references = (doc: CapDocument): string | undefined => /<references>([^<]*)<\/references>/.exec(doc.xml)?.[1];
const refs = (...docs: CapDocument[]): string => docs.map((d) => referenceText(d.reference)).join(' ');

/** One river episode issued at `from` minutes: Yellow, Red, still Red, Orange, lifted. */
function episode(from: number, rule: EventSpec['rule'] = 'river'): WarningEvent[] {
  const e = (s: Omit<EventSpec, 'rule' | 'issuedMinute'>): WarningEvent => warningEvent({ rule, issuedMinute: from, ...s });
  return [
    e({ kind: 'issued', tier: 'yellow', minute: from }),
    e({ kind: 'upgraded', tier: 'red', previousTier: 'yellow', minute: from + 20 }),
    e({ kind: 'renotified', tier: 'red', previousTier: 'red', minute: from + 80 }),
    e({ kind: 'downgraded', tier: 'orange', previousTier: 'red', minute: from + 140 }),
    e({ kind: 'lifted', tier: null, previousTier: 'orange', minute: from + 200 }),
  ];
}

test('an Update references the Alert, each later message every earlier one, a Cancel all of them', () => {
  const feed = newFeed();
  const [alert, up, renotify, down, cancel] = episode(0).map((e) => add(feed, e)) as [CapDocument, CapDocument, CapDocument, CapDocument, CapDocument];
  assert.deepEqual([alert, up, renotify, down, cancel].map((d) => d.msgType), ['Alert', 'Update', 'Update', 'Update', 'Cancel']);
  assert.equal(references(alert), undefined);
  assert.equal(references(up), refs(alert));
  assert.equal(references(renotify), refs(alert, up));
  assert.equal(references(down), refs(alert, up, renotify));
  assert.equal(references(cancel), refs(alert, up, renotify, down));
  assert.equal(references(cancel), `${SENDER},${alert.identifier},2026-07-28T14:05:00+08:00 ${SENDER},${up.identifier},2026-07-28T14:25:00+08:00 ${SENDER},${renotify.identifier},2026-07-28T15:25:00+08:00 ${SENDER},${down.identifier},2026-07-28T16:25:00+08:00`);
  assert.equal(xmllintErrors([alert, up, renotify, down, cancel].map((d) => d.xml), CAP_XSD), undefined);
  assert.equal(feed.get(up.identifier), up);
  assert.equal(feed.get('35012200100000_20260728142500_000000'), undefined);
});

test('a replayed event gets the same message, once; a new episode starts with a fresh Alert', () => {
  const feed = newFeed();
  const [issued, upgraded] = episode(0) as [WarningEvent, WarningEvent];
  const alert = add(feed, issued);
  const update = add(feed, upgraded);
  assert.equal(add(feed, issued), alert);
  assert.equal(add(feed, upgraded), update);
  assert.equal(references(update), refs(alert));
  // Another station's episode in the same minutes shares nothing.
  const other = warningEvent({ rule: 'surge', kind: 'upgraded', tier: 'red', previousTier: 'blue', minute: 20, issuedMinute: 0 });
  assert.equal(references(add(feed, other)), undefined);
  // The same rule and station issued again later is a new episode.
  const again = add(feed, warningEvent({ rule: 'river', kind: 'issued', tier: 'blue', minute: 300 }));
  assert.equal(again.msgType, 'Alert');
  assert.equal(references(again), undefined);
  const atom = feed.atom({ title: 't', selfUrl: 'https://example.org/cap/feed', messageUrl: (id) => `https://example.org/cap/${id}.xml` });
  assert.equal(atom.match(/<entry>/g)?.length, 4);
});

test('the Atom feed is well-formed, newest first, limited, and links each CAP document', () => {
  const feed = newFeed();
  const docs = [...episode(0), ...episode(30, 'surge')].map((e) => add(feed, e));
  const atom = feed.atom({ title: '闽侯县预警', selfUrl: 'https://example.org/cap/feed', messageUrl: (id) => `https://example.org/cap/${id}.xml`, limit: 6 });
  assert.equal(xmllintErrors([atom]), undefined);
  assert.match(atom, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
  const newest = [...docs].sort((a, b) => b.sent.localeCompare(a.sent)).slice(0, 6);
  const ids = [...atom.matchAll(/<entry>\s*<id>https:\/\/example.org\/cap\/([^<]+)\.xml<\/id>/g)].map((m) => m[1]);
  assert.deepEqual(ids, newest.map((d) => d.identifier));
  const updated = [...atom.matchAll(/<updated>([^<]+)<\/updated>/g)].map((m) => m[1]!);
  assert.deepEqual(updated, [newest[0]!.sent, ...newest.map((d) => d.sent)]);
  assert.ok(updated.every((u) => u.endsWith('+08:00')));
  for (const d of newest) {
    assert.ok(atom.includes(`<link rel="alternate" type="application/cap+xml" href="https://example.org/cap/${d.identifier}.xml"/>`), d.identifier);
  }
  assert.ok(atom.includes('<title>闽侯水文站河道水位超警 River above warning stage</title>'));
  assert.ok(atom.includes('<summary>闽侯水文站发布预警。</summary>'));
  assert.ok(atom.includes('<link rel="self" type="application/atom+xml" href="https://example.org/cap/feed"/>'));
});

test('an empty feed is still a valid Atom document', () => {
  const atom = newFeed().atom({ title: 'empty', selfUrl: 'https://example.org/cap/feed', messageUrl: (id) => id });
  assert.equal(xmllintErrors([atom]), undefined);
  assert.match(atom, /<updated>1970-01-01T08:00:00\+08:00<\/updated>/);
  assert.doesNotMatch(atom, /<entry>/);
});

test('only the last keepLifted lifted episodes are kept; episodes in force always are', () => {
  const feed = newFeed(1);
  const active = add(feed, warningEvent({ rule: 'surge', kind: 'issued', tier: 'blue', minute: 0 }));
  const first = episode(0).map((e) => add(feed, e));
  assert.ok(first.every((d) => feed.get(d.identifier) === d), 'one lifted episode is within the limit');
  const second = episode(300).map((e) => add(feed, e));
  assert.ok(first.every((d) => feed.get(d.identifier) === undefined), 'the older lifted episode is dropped');
  assert.ok(second.every((d) => feed.get(d.identifier) === d));
  assert.equal(feed.get(active.identifier), active);
  const atom = feed.atom({ title: 't', selfUrl: 'https://example.org/f', messageUrl: (id) => `https://example.org/${id}` });
  assert.equal(atom.match(/<entry>/g)?.length, second.length + 1);
  assert.throws(() => newFeed(-1), /keepLifted/);
});
