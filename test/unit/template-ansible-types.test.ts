/**
 * Ansible 2.14's templating rules (jinja2_native off) and its conditionals, Python's literal_eval
 * and float printing. Expected values are what ansible-playbook 2.14 / Python 3 give
 * (test/integration/ansible-compare-eval.test.ts compares the same rules with ansible-playbook).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTemplater } from '../../src/template/index.js';
import { literalEval } from '../../src/template/literal.js';
import { floatRepr, intRepr } from '../../src/template/float.js';
import { PyFloat } from '../../src/util/pyfloat.js';

const t = createTemplater();
const vars: Record<string, unknown> = {
  n: 3,
  f: 1.5,
  nn: null,
  s_false: 'false',
  s_expr: '1 == 2',
  l: [1, 'a'],
  l_empty: [],
  txt: 'hello',
  json: '{"a": true, "b": null}',
};

test('render: text, except a variable holding a number/bool/None and text that reads as a list, dict or bool', () => {
  assert.equal(t.render('{{ n }}', vars), 3);
  assert.equal(t.render('{{n}}', vars), 3);
  assert.equal(t.render('{{ nn }}', vars), null);
  assert.equal(t.render('{{ n + 1 }}', vars), '4');
  assert.equal(t.render('{{ none }}', vars), '');
  assert.equal(t.render('a{{ nn }}b', vars), 'ab');
  assert.deepEqual(t.render('[{{ n }}, 2]', vars), [3, 2]);
  assert.deepEqual(t.render("{'k': {{ n }}}", vars), { k: 3 });
  assert.equal(t.render(' [{{ n }}]', vars), ' [3]');
  assert.deepEqual(t.render('{{ json }}', vars), { a: true, b: null });
  assert.equal(t.render('{{ n > 1 }}', vars), true);
  assert.equal(t.render('{{ n > 1 }} ', vars), 'True ');
  assert.equal(t.render('{{ "True" }}', vars), true);
  assert.equal(t.render('True', vars), 'True');
  assert.equal(t.render('{{ [1, 2] | to_json }}', vars), '[1, 2]');
  assert.equal(t.render('{{ {"a": 1} | to_nice_json }}', vars), '{\n    "a": 1\n}');
  assert.equal(t.render('{{ "[1]" | string }}', vars), '[1]');
  assert.equal(t.render('[1, {{ txt }}]', vars), '[1, hello]'); // not a literal: stays text
  assert.equal(t.render('{{ (1, 2) }}', vars), '(1, 2)');
});

test('trailing newlines of the source are kept (Ansible preserve_trailing_newlines)', () => {
  assert.equal(t.renderString('{% if n %}x{% endif %}\n', vars), 'x\n');
  assert.equal(t.renderString('{% if n %}x{% endif %}\n\n', vars), 'x\n\n');
  assert.equal(t.renderString('a\n{% if n %}\nb\n{% endif %}\n', vars), 'a\nb\n');
  assert.equal(t.renderString('{{ "v\\n" }}\n', vars, undefined, { escapeBackslashes: false }), 'v\n'); // a template file
  assert.equal(t.renderString('{{ n }}', vars), '3');
  assert.equal(t.render('{{ txt }}\n', vars), 'hello\n');
});

test("conditional: Ansible 2.14's two passes", () => {
  const c = (x: unknown) => t.conditional(x, vars);
  assert.equal(c('s_false'), true); // a non-empty string
  assert.equal(c('{{ s_false }}'), false); // the text false, evaluated
  assert.equal(c('s_expr'), true);
  assert.equal(c('{{ s_expr }}'), false);
  assert.equal(c('l_empty'), false);
  assert.equal(c('{{ l_empty }}'), false);
  assert.equal(c('{{ l }}'), true);
  assert.equal(c("'false'"), true);
  assert.equal(c('false'), false);
  assert.equal(c('nn'), false);
  assert.equal(c(''), true);
  assert.equal(c(null), true);
  assert.equal(c(0), false);
  assert.equal(c(['n', 's_false']), true);
  assert.equal(c(['n', 'l_empty']), false);
  assert.throws(() => c('{{ txt }}'), /'hello' is undefined/);
  assert.throws(() => c('undefined_v'), /'undefined_v' is undefined/);
  // keyword booleans keep Ansible's boolean words
  assert.equal(t.condition('{{ s_false }}', vars), false);
  assert.equal(t.condition('no', vars), false);
});

test('literalEval reads what Python literal_eval reads (with JSON true/false/null)', () => {
  const v = (s: string) => literalEval(s)?.value;
  assert.deepEqual(v("[1, 'a', \"b\", True, None, -2, 0x10, 1_000]"), [1, 'a', 'b', true, null, -2, 16, 1000]);
  assert.deepEqual(v('{"a": [true, false, null], \'b\': (1, 2), 3: {}}'), { a: [true, false, null], b: [1, 2], '3': {} });
  assert.deepEqual(v('[1,\n 2,  # two\n]'), [1, 2]);
  assert.deepEqual(v("['a' 'b']"), ['ab']);
  assert.deepEqual(v("['\\n\\x41']"), ['\nA']);
  assert.equal(Number(v('[2.5e1]') && (v('[2.5e1]') as unknown[])[0]), 25);
  for (const bad of ['[a]', '[1, 2', '{1, 2}', '[1 + 2]', '[f()]', '[1j]', '[01]', '[1] x', '{[1]: 2}']) assert.equal(literalEval(bad), undefined, bad);
});

test("floats print as Python's repr, ints exactly", () => {
  const rows: [number, string][] = [
    [5, '5.0'], [0.5, '0.5'], [0.1 + 0.2, '0.30000000000000004'], [1e16, '1e+16'], [1e15, '1000000000000000.0'],
    [1e-5, '1e-05'], [0.0001, '0.0001'], [-2.5, '-2.5'], [1.5e300, '1.5e+300'], [123456.789, '123456.789'], [0, '0.0'],
  ];
  for (const [n, s] of rows) assert.equal(floatRepr(n), s, String(n));
  assert.equal(intRepr(2 ** 70), '1180591620717411303424');
  assert.equal(t.render('{{ 10 / 2 }}', {}), '5.0');
  assert.equal(t.render('{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7.0 // 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}|{{ 2 ** -1 }}', {}), '3|-4|3.0|2|-2|0.5');
  assert.equal(t.render('{{ (10 / 2) | int }}|{{ 3 | float }}|{{ 2.5 | round }}|{{ [1, 5.0] | max }}', {}), '5|3.0|2.0|5.0');
  assert.equal(t.render('{{ (10 / 2) is float }}|{{ (10 // 2) is integer }}', {}), 'True|True');
  assert.deepEqual(t.evaluate('10 / 2', {}), new PyFloat(5)); // a whole float leaving the templater stays a float
});
