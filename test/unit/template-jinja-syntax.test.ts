/**
 * Expression syntax Jinja2 accepts: chained conditional expressions, tests and filters in one
 * postfix chain, an implicit tuple after `for ... in`, number literals with exponents and `_`.
 * Every expected value is Jinja2 3.1's output for the same template and variables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTemplater } from '../../src/template/index.js';
import { PyFloat } from '../../src/util/pyfloat.js';

const t = createTemplater();
const vars = { x: 's', n: 3, c: false, d: true, items: [1, 2, 3] };
const r = (src: string): unknown => t.render(src, vars);

test('a chained conditional expression: the else part is itself one', () => {
  assert.equal(r('v={{ 1 if c else 2 if d else 3 }}'), 'v=2');
  assert.equal(r('v={{ 1 if c else 2 if c else 3 }}'), 'v=3');
  assert.equal(r('v={{ 1 if d else 2 if d else 3 }}'), 'v=1');
  assert.equal(r('v={{ "a" if c else "b" if c }}'), 'v=');
});

test('a test binds before a following filter, as in Jinja2', () => {
  assert.equal(r('{{ x is string | ternary("a", "b") }}'), 'a');
  assert.equal(r('{{ n is string | ternary("a", "b") }}'), 'b');
  assert.equal(r('{{ x is not string | ternary("a", "b") }}'), 'b');
  // `n == 3 is number` is `n == (3 is number)`: 3 == True is False in Python
  assert.equal(r('{{ n == 3 is number }}'), false);
  assert.equal(r('{{ n is number and x is string }}'), true);
  assert.equal(r('{{ not x is string }}'), false);
  assert.equal(r('{{ items | first is number }}'), true);
});

test('for over an implicit tuple', () => {
  assert.equal(r('{% for y in "a", "b" %}{{ y }}{% endfor %}'), 'ab');
  assert.equal(r('{% for y in 1, 2, 3 if y > 1 %}{{ y }}{% endfor %}'), '23');
  assert.equal(r('{% for y in items %}{{ y }}{% endfor %}'), '123');
});

test('number literals with an exponent or underscores', () => {
  // Jinja2 reads 1e3 as a float: its text is 1000.0
  assert.equal(r('{{ 1e3 }}'), '1000.0');
  assert.equal(r('{{ 1E3 + 1 }}'), '1001.0');
  assert.equal(r('{{ 1.5e-3 }}'), '0.0015');
  assert.equal(r('{{ 1e-5 }}'), '1e-05');
  assert.equal(r('{{ 2.5e+2 }}'), '250.0');
  assert.equal(r('{{ 1_000 }}'), '1000');
  assert.deepEqual(t.evaluate('1e3', vars), new PyFloat(1000));
  // a symbol that only starts with a digit-like name stays a name
  assert.equal(t.render('{{ e3 }}', { e3: 'x' }), 'x');
});

test('a tuple prints as Python prints it', () => {
  assert.equal(r('v={{ (1, 2) }}'), 'v=(1, 2)');
  assert.equal(r('v={{ (1,) }}'), 'v=(1,)');
  assert.equal(r('v={{ () }}'), 'v=()');
  assert.equal(r('v={{ [(1, "a"), 2] }}'), "v=[(1, 'a'), 2]");
  assert.equal(r('v={{ {"k": (1, 2)} }}'), "v={'k': (1, 2)}");
  assert.equal(r('v={{ (1, 2) + (3,) }}'), 'v=(1, 2, 3)');
  assert.equal(r('v={{ (1, 2) | list }}'), 'v=[1, 2]');
  assert.equal(r('v={{ (1) }}'), 'v=1');
  // Ansible's templating gives the text of a tuple; as a value it is still a list to kbs
  assert.equal(r('{{ (1, 2) }}'), '(1, 2)');
  assert.deepEqual(t.evaluate('(1, 2)', vars), [1, 2]);
});

test('adjacent string literals are one string, as in Jinja2', () => {
  assert.equal(r('{{ "a" "b" }}'), 'ab');
  assert.equal(r("{{ 'a' \"b\" 'c' | upper }}"), 'ABC');
  assert.equal(r('{{ ("x" "y") ~ "z" }}'), 'xyz');
  assert.equal(r('{{ "a" "b" if d else "c" }}'), 'ab');
  assert.deepEqual(r('{{ ["a" "b", "c"] }}'), ['ab', 'c']);
});
