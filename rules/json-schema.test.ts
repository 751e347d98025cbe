import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ruleJsonSchema } from './json-schema.ts';

test('the committed rule.schema.json is the one the zod schema generates (regenerate: seed rules schema > rules/rule.schema.json)', () => {
  const schema = ruleJsonSchema();
  assert.equal(readFileSync('rules/rule.schema.json', 'utf8'), schema);
  // It describes every kind, so an editor can check any rule document.
  for (const kind of ['threshold', 'trend', 'stat', 'accumulation', 'stale', 'compound', 'quality', 'silence']) assert.ok(schema.includes(`"const": "${kind}"`), kind);
});
