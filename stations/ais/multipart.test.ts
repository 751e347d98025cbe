import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reassembler, type Fragment, type FragmentKey } from './multipart.ts';

const key = (seqId: string, channel = 'A', source = 'feed'): FragmentKey => ({ source, channel, seqId });
const frag = (num: number, payload: string, at = 0, total = 2, fill = 0): Fragment => ({ total, num, payload, fill, raw: `${payload}#${num}`, at });

test('two parts in order make one payload with the last fill bits', () => {
  const r = new Reassembler();
  assert.deepEqual(r.add(key('1'), frag(1, 'AAA')), { dropped: [] });
  assert.equal(r.size, 1);
  const done = r.add(key('1'), frag(2, 'BB', 5, 2, 2));
  assert.equal(done.complete?.payload, 'AAABB');
  assert.equal(done.complete?.fill, 2);
  assert.deepEqual(done.dropped, []);
  assert.equal(r.size, 0);
});

test('out of order: part 2 first', () => {
  const r = new Reassembler();
  r.add(key('3'), frag(2, 'BB'));
  const done = r.add(key('3'), frag(1, 'AAA'));
  assert.equal(done.complete?.payload, 'AAABB');
  assert.deepEqual(
    done.complete?.fragments.map((f) => f.num),
    [1, 2],
  );
});

test('interleaved: sequence ids 1 and 2, the same id on channel B, the same id from another source', () => {
  const r = new Reassembler();
  r.add(key('1'), frag(1, 'one-'));
  r.add(key('2'), frag(1, 'two-'));
  r.add(key('1', 'B'), frag(1, 'oneB-'));
  r.add(key('1', 'A', 'other'), frag(1, 'other-'));
  assert.equal(r.size, 4);
  assert.equal(r.add(key('2'), frag(2, 'end')).complete?.payload, 'two-end');
  assert.equal(r.add(key('1', 'B'), frag(2, 'end')).complete?.payload, 'oneB-end');
  assert.equal(r.add(key('1'), frag(2, 'end')).complete?.payload, 'one-end');
  assert.equal(r.add(key('1', 'A', 'other'), frag(2, 'end')).complete?.payload, 'other-end');
  assert.equal(r.size, 0);
});

test('three parts', () => {
  const r = new Reassembler();
  r.add(key('4'), frag(1, 'a', 0, 3));
  r.add(key('4'), frag(3, 'c', 0, 3));
  assert.equal(r.add(key('4'), frag(2, 'b', 0, 3)).complete?.payload, 'abc');
});

test('expire: older than the TTL comes back with a reason and its raw lines', () => {
  const r = new Reassembler({ ttlMs: 1000 });
  r.add(key('1'), frag(1, 'old', 0));
  r.add(key('2'), frag(1, 'new', 900));
  assert.deepEqual(r.expire(1000), [], 'exactly the TTL is not older than it');
  const gone = r.expire(1001);
  assert.equal(gone.length, 1);
  assert.match(gone[0]!.reason, /^incomplete 2-sentence message \(had part 1\) expired: nothing completed it within 1000 ms$/);
  assert.deepEqual(
    gone[0]!.fragments.map((f) => f.raw),
    ['old#1'],
  );
  assert.equal(r.size, 1);
});

test('default TTL is 10 s', () => {
  const r = new Reassembler();
  r.add(key('1'), frag(1, 'x', 0));
  assert.equal(r.expire(10_000).length, 0);
  assert.equal(r.expire(10_001).length, 1);
});

test('a late part 2 is not joined to a stale part 1 even before expire() runs', () => {
  const r = new Reassembler({ ttlMs: 1000 });
  r.add(key('1'), frag(1, 'stale', 0));
  const late = r.add(key('1'), frag(2, 'late', 5000));
  assert.equal(late.complete, undefined);
  assert.equal(late.dropped.length, 1);
  assert.match(late.dropped[0]!.reason, /expired/);
  assert.equal(r.size, 1, 'the late part 2 now waits for its own part 1');
});

test('a new part 1 for a key with an unfinished message replaces it, with a reason', () => {
  const r = new Reassembler();
  r.add(key('1'), frag(1, 'first'));
  const again = r.add(key('1'), frag(1, 'second'));
  assert.equal(again.dropped.length, 1);
  assert.match(again.dropped[0]!.reason, /replaced: a new part 1 came with the same sequence id/);
  assert.deepEqual(
    again.dropped[0]!.fragments.map((f) => f.payload),
    ['first'],
  );
  assert.equal(r.add(key('1'), frag(2, '-end')).complete?.payload, 'second-end');
});

test('a duplicated fragment is rejected and the message still completes', () => {
  const r = new Reassembler();
  r.add(key('1'), frag(2, 'BB'));
  const dup = r.add(key('1'), frag(2, 'BB'));
  assert.match(dup.rejected ?? '', /duplicate of fragment 2 of 2/);
  assert.deepEqual(dup.dropped, []);
  assert.equal(r.add(key('1'), frag(1, 'AA')).complete?.payload, 'AABB');
});

test('a different fragment with the same number replaces the held message', () => {
  const r = new Reassembler();
  r.add(key('1'), frag(2, 'BB'));
  const other = r.add(key('1'), frag(2, 'CC'));
  assert.match(other.dropped[0]!.reason, /a different fragment 2/);
  assert.equal(r.add(key('1'), frag(1, 'AA')).complete?.payload, 'AACC');
});

test('a fragment claiming a different sentence count replaces the held message', () => {
  const r = new Reassembler();
  r.add(key('1'), frag(1, 'two', 0, 2));
  const three = r.add(key('1'), frag(2, 'three', 0, 3));
  assert.match(three.dropped[0]!.reason, /3-sentence message came with the same sequence id/);
  assert.equal(r.size, 1);
});

test('in-flight bound: the oldest message goes first, with a reason', () => {
  const r = new Reassembler({ maxPending: 2 });
  r.add(key('1'), frag(1, 'a'));
  r.add(key('2'), frag(1, 'b'));
  const third = r.add(key('3'), frag(1, 'c'));
  assert.equal(third.dropped.length, 1);
  assert.equal(third.dropped[0]!.fragments[0]!.payload, 'a');
  assert.match(third.dropped[0]!.reason, /more than 2 messages in flight/);
  assert.equal(r.size, 2);
});
