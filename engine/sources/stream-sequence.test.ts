import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamSequence } from './stream-sequence.ts';

test('the stream sequence of both reply layouts (ADR-15)', () => {
  // Old layout: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
  assert.equal(streamSequence('$JS.ACK.OBS.seed.1.4217.4210.1782864000000000000.31'), 4217);
  // New layout with domain and account hash, and with the trailing random token.
  assert.equal(streamSequence('$JS.ACK._.ABCDEF.OBS.seed.2.98765.12.1782864000000000000.0'), 98765);
  assert.equal(streamSequence('$JS.ACK.hub.ABCDEF.OBS.seed.1.7.7.1782864000000000000.0.x8Yq'), 7);
});

test('a subject that is not a JetStream ack gives no sequence', () => {
  assert.equal(streamSequence('_INBOX.abc.def'), undefined);
  assert.equal(streamSequence(undefined), undefined);
  assert.equal(streamSequence('$JS.ACK.OBS.seed.1.4217'), undefined);
  assert.equal(streamSequence('$JS.ACK.OBS.seed.1.x.4210.1782864000000000000.31'), undefined);
  assert.equal(streamSequence('$JS.ACK.OBS.seed.1..4210.1782864000000000000.31'), undefined);
});
