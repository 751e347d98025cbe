// Random and mutated input: the decoder never throws, and every line comes back exactly once in
// some outcome's `raw` (decoded, failed at once, or failed when its message expired).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AisDecoder, type AisOutcome } from './ais-decoder.ts';
import { withChecksum } from './test-support.ts';

const VALID = [
  '!AIVDM,1,1,,B,133i;RPP1DPEbcDMV@1r:Ow:2>`<,0*41',
  '!AIVDM,1,1,,A,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C',
  '!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C',
  '!AIVDM,2,2,1,A,88888888880,2*25',
  '!AIVDM,1,1,,B,C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220,0*0B',
  '!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D',
  '!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40',
  '!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D',
  '!AIVDM,2,1,6,B,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000,0*3B',
  '!AIVDM,2,2,6,B,00000000000,2*21',
  '\\s:rcvr1,c:1780000000*16\\!AIVDM,1,1,,A,38Id705000rRVJhE7cl9n;160000,0*40',
];

type Mutation = { kind: 'none' } | { kind: 'delete' | 'replace' | 'insert' | 'truncate'; at: number; ch: string; fix: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'none' }),
  fc.record({
    kind: fc.constantFrom('delete' as const, 'replace' as const, 'insert' as const, 'truncate' as const),
    at: fc.nat(),
    ch: fc.constantFrom(',', '*', '!', '\\', '0', '1', '9', 'A', 'B', 'w', 'x', '@', '`', ' ', '\r', '\u00e9'),
    // Re-making the checksum lets the mutation through to the envelope and payload checks.
    fix: fc.boolean(),
  }),
);

function mutate(line: string, m: Mutation): string {
  if (m.kind === 'none') return line;
  const at = m.at % (line.length + 1);
  let out: string;
  if (m.kind === 'delete') out = line.slice(0, at) + line.slice(at + 1);
  else if (m.kind === 'replace') out = line.slice(0, at) + m.ch + line.slice(at + 1);
  else if (m.kind === 'insert') out = line.slice(0, at) + m.ch + line.slice(at);
  else out = line.slice(0, at);
  const s = /^(.*)!([^!]*)\*[0-9A-Fa-f]{2}$/.exec(out);
  return m.fix && s ? s[1] + withChecksum('!', s[2]!) : out;
}

/** Pushes every line, expires everything, and checks the accounting. */
function run(lines: { line: string; source: string; gap: number }[], ttlMs: number): AisOutcome[] {
  const d = new AisDecoder({ ttlMs });
  const outs: AisOutcome[] = [];
  let now = 1_780_000_000_000;
  for (const { line, source, gap } of lines) {
    now += gap;
    outs.push(...d.push(line, source, now));
  }
  outs.push(...d.expire(Number.POSITIVE_INFINITY));
  assert.equal(d.pending, 0);
  const seen = outs.flatMap((o) => o.raw).sort();
  const sent = lines.map((l) => l.line.replace(/[\r\n]+$/, '')).sort();
  assert.deepEqual(seen, sent);
  for (const o of outs) {
    if (o.ok) {
      assert.match(o.message.mmsi, /^\d{9}$/);
      if ('lon' in o.message && o.message.lon !== undefined) assert.ok(Math.abs(o.message.lon) <= 180 && Math.abs(o.message.lat ?? 999) <= 90);
      for (const v of Object.values(o.message)) assert.ok(typeof v !== 'number' || Number.isFinite(v));
      assert.ok(Number.isFinite(o.ts));
    } else {
      assert.ok(o.reason.length > 0);
    }
  }
  return outs;
}

// Characters: control and Latin-1, the NMEA punctuation (so some strings look nearly right), and any
// code point, lone surrogates included (fast-check's own 'binary' unit is too slow for a fast test).
const char = fc.oneof(
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
  fc.constantFrom('!', '$', '*', ',', '\\', 'A', 'I', 'V', 'D', 'M', '0', '1', '2', '\r', '\n'),
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
);

test('arbitrary strings never throw and each comes back in exactly one outcome', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: char, maxLength: 120 }), { maxLength: 20 }), (strings) => {
      run(
        strings.map((line) => ({ line, source: 's', gap: 10 })),
        10_000,
      );
    }),
    { numRuns: 300 },
  );
});

test('mutated, reordered and duplicated valid sentences: nothing throws, nothing vanishes', () => {
  const item = fc.record({
    line: fc.tuple(fc.constantFrom(...VALID), mutation).map(([l, m]) => mutate(l, m)),
    source: fc.constantFrom('a', 'b'),
    gap: fc.oneof(fc.constant(0), fc.nat({ max: 3000 }), fc.constant(20_000)),
  });
  fc.assert(
    fc.property(fc.array(item, { maxLength: 30 }), fc.constantFrom(1000, 10_000), (lines, ttl) => {
      run(lines, ttl);
    }),
    { numRuns: 300 },
  );
});

test('unmutated valid sentences in order all decode', () => {
  const outs = run(
    VALID.map((line) => ({ line, source: 's', gap: 1 })),
    10_000,
  );
  assert.deepEqual(
    outs.map((o) => (o.ok ? o.message.type : o.reason)),
    [1, 18, 5, 19, 24, 24, 'AIS message type 4 is not handled', 5, 3],
  );
});
