import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatError } from '../engine/yaml-file.ts';
import { loadRules, parseRuleFile } from './loader.ts';

const valid = `id: river-stage
title: River stage
domain: hydrology
match: { metric: stage, tags: [river] }
tiers:
  yellow: { above: station.warning_stage, for: 10m }
  red: { above: 7.1 }
clear: { hysteresis: 0.1, for: 30m }
`;

const errorsOf = (text: string): string[] => parseRuleFile('r.yaml', text).errors.map(formatError);

test('a valid rule compiles with ordered tiers, durations in ms and a hash', () => {
  const { rules, errors } = parseRuleFile('r.yaml', valid);
  assert.deepEqual(errors, []);
  const [rule] = rules;
  assert.equal(rule!.id, 'river-stage');
  assert.equal(rule!.kind, 'threshold');
  const conds = rule!.kind === 'threshold' ? rule!.variants.normal.conditions : [];
  assert.deepEqual(conds.map((t) => [t.tier, t.op, t.forMs, t.clearForMs]), [['yellow', 'above', 600_000, 1_800_000], ['red', 'above', 0, 1_800_000]]);
  assert.equal(conds[0]!.level.evaluate({ warning_stage: 5 }), 5);
  assert.equal(conds[0]!.hysteresis.evaluate({}), 0.1);
  assert.match(rule!.hash, /^[0-9a-f]{12}$/);
  assert.equal(rule!.source, 'r.yaml:1:1');
});

test('the hash ignores comments and field order but not a changed threshold', () => {
  const [a] = parseRuleFile('a', valid).rules;
  const [b] = parseRuleFile('b', `# a comment\n${valid.replace('title: River stage\ndomain: hydrology', 'domain: hydrology\ntitle: River stage')}`).rules;
  const [c] = parseRuleFile('c', valid.replace('7.1', '7.2')).rules;
  assert.equal(a!.hash, b!.hash);
  assert.notEqual(a!.hash, c!.hash);
});

test('every error names file:line:column and says what is wrong', () => {
  assert.deepEqual(errorsOf(valid.replace('above: 7.1', 'abvoe: 7.1')), [
    'r.yaml:7:8: tiers.red: give exactly one of "above" or "below"',
    'r.yaml:7:10: unknown field "abvoe"',
  ]);
  assert.deepEqual(errorsOf(valid.replace('for: 10m', 'for: 10 minutes')), ['r.yaml:6:48: tiers.yellow.for: must be a duration such as 30s, 10m, 1h30m']);
  assert.deepEqual(errorsOf(valid.replace('above: station.warning_stage,', 'above: "station.warning_stage +",')), ['r.yaml:6:44: expected a number or station.<parameter> at the end']);
  assert.deepEqual(errorsOf(valid.replace('above: station.warning_stage,', 'above: station.warning_stage ^ 2,')), ['r.yaml:6:42: unexpected "^" (write a number, station.<parameter>, + - * / or parentheses)']);
  assert.deepEqual(errorsOf(valid.replace('domain: hydrology\n', '')), ['r.yaml:1:1: domain: is required']);
  assert.deepEqual(errorsOf(valid.replace('id: river-stage', 'id: river stage')), ['r.yaml:1:5: id: must be letters, digits, "-" or "_"']);
});

test('YAML syntax errors are located too', () => {
  const [e] = errorsOf('id: x\ntiers: { red: { above: 1 }\n');
  assert.match(e!, /^r\.yaml:3:1: /);
});

test('a rules: list reports errors at the item, and duplicate ids across files are errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-rules-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), valid);
    writeFileSync(join(dir, 'b.yaml'), `rules:\n  - ${valid.trim().split('\n').join('\n    ')}\n  - ${valid.trim().replace('river-stage', 'other').split('\n').join('\n    ')}\n`);
    const set = loadRules(dir);
    assert.deepEqual(set.rules.map((r) => r.id), ['river-stage', 'other']);
    assert.equal(set.errors.length, 1);
    assert.match(formatError(set.errors[0]!), /b\.yaml:2:9: id "river-stage" is already defined at .*a\.yaml:1:1$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped packs load without errors', () => {
  const set = loadRules('rules/packs');
  assert.deepEqual(set.errors, []);
  assert.ok(set.rules.length >= 2);
});
