import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpressionError, parseExpression } from './expression.ts';

const params = { warning_stage: 5, guaranteed_stage: 6.2 };

test('numbers and station parameters with precedence and parentheses', () => {
  assert.equal(parseExpression(3.5).evaluate({}), 3.5);
  assert.equal(parseExpression('station.warning_stage - 0.5').evaluate(params), 4.5);
  assert.equal(parseExpression('station.warning_stage + 2 * 0.25').evaluate(params), 5.5);
  assert.equal(parseExpression('(station.warning_stage + 1) * 2').evaluate(params), 12);
  assert.equal(parseExpression('-station.warning_stage / 2').evaluate(params), -2.5);
  assert.deepEqual(parseExpression('station.guaranteed_stage - station.warning_stage').params, ['guaranteed_stage', 'warning_stage']);
});

test('a station without the parameter gives undefined, not NaN', () => {
  assert.equal(parseExpression('station.historical_max - 0.1').evaluate(params), undefined);
});

test('syntax errors carry the offset of the offending character', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['station.warning_stage -', 23, /expected a number/],
    ['station.warning_stage $ 1', 22, /unexpected "\$"/],
    ['(1 + 2', 6, /expected "\)"/],
    ['warning_stage', 0, /unexpected "w"/],
    ['1 2', 2, /expected an operator/],
  ];
  for (const [text, offset, message] of cases) {
    assert.throws(() => parseExpression(text), (e: unknown) => e instanceof ExpressionError && e.offset === offset && message.test(e.message), text);
  }
});
