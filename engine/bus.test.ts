import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subjectMatcher } from './bus.ts';

test('subject patterns: * one token, > the rest (at least one token), plain tokens exactly', () => {
  const cases: [string, string, boolean][] = [
    ['obs.>', 'obs.hydrology.H01.stage', true],
    ['obs.>', 'obs', false],
    ['obs.>', 'observations.x', false],
    ['>', 'a', true],
    ['obs.*.H01.>', 'obs.hydrology.H01.stage', true],
    ['obs.*.H01.>', 'obs.hydrology.H02.stage', false],
    ['obs.*.H01.>', 'obs.hydrology.H01', false],
    ['warn.*', 'warn.red', true],
    ['warn.*', 'warn.red.x', false],
    ['a.b', 'a.b', true],
    ['a.b', 'a.bc', false],
  ];
  for (const [pattern, subject, expected] of cases) assert.equal(subjectMatcher(pattern)(subject), expected, `${pattern} ~ ${subject}`);
});
