import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KbsError } from '../../src/errors.js';
import { createTemplater, isTemplate, isUndefinedError, OMIT, removeOmit } from '../../src/template/index.js';

const t = createTemplater();
const vars = {
  name: 'world',
  n: 3,
  f: 1.5,
  yes_flag: true,
  nothing: null,
  empty: [],
  emptyd: {},
  list: [1, 2, 3],
  names: ['a', 'b'],
  d: { x: { y: 5 }, k: 'v' },
  groups: { masters: ['m1', 'm2'], workers: ['w1'] },
  hostvars: { m1: { ansible_host: '10.0.0.1' }, m2: { ansible_host: '10.0.0.2' } },
  item: { name: 'pkg', state: 'present' },
};

function throwsCode(fn: () => unknown, code: string, re?: RegExp): KbsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KbsError, `expected a KbsError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (re) assert.match(caught.message, re);
  return caught;
}

test('strings without markup are returned untouched (no compile)', () => {
  const tt = createTemplater();
  assert.equal(tt.render('plain text } {', vars), 'plain text } {');
  assert.equal(tt.renderString('a { b }', vars), 'a { b }');
  assert.equal(tt.stats.compiles, 0);
  assert.equal(tt.isTemplate('x {{ y }}'), true);
  assert.equal(tt.isTemplate('x {% if %}'), true);
  assert.equal(tt.isTemplate('x {# c #}'), true);
  assert.equal(tt.isTemplate('x { y }'), false);
  assert.equal(isTemplate(42), false);
});

test("a single {{ expr }} gives Ansible's types (jinja2_native off)", () => {
  assert.equal(t.render('{{ n }}', vars), 3);
  assert.equal(t.render('{{ f }}', vars), 1.5);
  assert.equal(t.render('{{ yes_flag }}', vars), true);
  assert.equal(t.render('{{ nothing }}', vars), null);
  assert.deepEqual(t.render('{{ list }}', vars), [1, 2, 3]);
  assert.deepEqual(t.render('{{ d }}', vars), vars.d);
  assert.deepEqual(t.render('{{ groups.masters + groups.workers }}', vars), ['m1', 'm2', 'w1']);
  // the text of a list or dict reads back as one only when it starts the result
  assert.deepEqual(t.render('{{ {"a": n} }}  ', vars), { a: 3 });
  assert.equal(t.render('  {{ {"a": n} }}  ', vars), "  {'a': 3}  ");
  // a number computed by an expression is text; a variable holding one keeps it
  assert.equal(t.render('{{ n + 1 }}', vars), '4');
  assert.equal(t.render('{{ n | int }}', vars), '3');
  assert.equal(t.render('{{ name }}', vars), 'world');
  // a string result keeps the surrounding whitespace (file content from YAML block scalars)
  assert.equal(t.render('{{ name }}\n', vars), 'world\n');
});

test('mixed templates render to strings, Python style', () => {
  assert.equal(t.render('hello {{ name }}!', vars), 'hello world!');
  assert.equal(t.render('n={{ n }}', vars), 'n=3');
  assert.equal(t.render('{{ yes_flag }}-{{ false }}', vars), 'True-False');
  assert.equal(t.render('x{{ nothing }}y', vars), 'xy');
  assert.equal(t.render('l={{ names }}', vars), "l=['a', 'b']");
  assert.equal(t.render('d={{ {"a": 1, "b": [true, none]} }}', vars), "d={'a': 1, 'b': [True, None]}");
  assert.equal(t.renderString('{{ n }}', vars), '3');
  assert.equal(t.renderString('{{ list }}', vars), '[1, 2, 3]');
  assert.equal(t.renderString('{{ nothing }}', vars), '');
});

test('arrays and objects are rendered deeply, keys too', () => {
  const out = t.render(
    { pkg: '{{ item.name }}', n: '{{ n }}', list: ['{{ name }}', 5, { deep: '{{ d.k }}' }], '{{ item.state }}_key': true, plain: 'x' },
    vars,
  );
  assert.deepEqual(out, { pkg: 'pkg', n: 3, list: ['world', 5, { deep: 'v' }], present_key: true, plain: 'x' });
  assert.equal(t.render(42, vars), 42);
  assert.equal(t.render(null, vars), null);
  assert.equal(t.render(true, vars), true);
});

test('rendering does not mutate or alias the inputs', () => {
  const args = { a: ['{{ name }}'] };
  const out = t.render(args, vars) as { a: string[] };
  assert.deepEqual(args, { a: ['{{ name }}'] });
  out.a.push('x');
  assert.deepEqual(args.a, ['{{ name }}']);
});

test('Jinja2 expressions that Ansible users write', () => {
  const e = (s: string) => t.evaluate(s, vars);
  assert.equal(e("'a' in names"), true);
  assert.equal(e("'z' not in names"), true);
  assert.equal(e("'or' in name"), true);
  assert.equal(e("'k' in d"), true);
  assert.equal(e('name ~ "-" ~ n'), 'world-3');
  assert.equal(e('not yes_flag'), false);
  assert.equal(e('yes_flag and n > 2'), true);
  assert.equal(e('nothing or "fallback"'), 'fallback');
  assert.equal(e('n and name'), 'world'); // Python: returns the operand
  assert.equal(e('"big" if n > 2 else "small"'), 'big');
  assert.equal(e('"big" if n > 5 else "small"'), 'small');
  assert.deepEqual(e('range(3)'), [0, 1, 2]);
  assert.deepEqual(e('range(1, 7, 2)'), [1, 3, 5]);
  assert.equal(e('d.x.y'), 5);
  assert.equal(e("d['x']['y']"), 5);
  assert.equal(e("hostvars[groups['masters'][0]]['ansible_host']"), '10.0.0.1');
  assert.equal(e('groups.masters.1'), 'm2');
  assert.equal(e('list[-1]'), 3);
  assert.deepEqual(e('list[1:]'), [2, 3]);
  assert.deepEqual(e('list[::-1]'), [3, 2, 1]);
  assert.deepEqual(e('[1, "a", [true]]'), [1, 'a', [true]]);
  assert.deepEqual(e('{"k": n, name: 1}'), { k: 3, world: 1 });
  assert.equal(e('true'), true);
  assert.equal(e('True'), true);
  assert.equal(e('False'), false);
  assert.equal(e('none'), null);
  assert.equal(e('None'), null);
  assert.equal(e('7 // 2'), 3);
  assert.equal(e('7 / 2'), 3.5);
  assert.equal(e('-7 % 3'), 2);
  assert.equal(e('2 ** 10'), 1024);
  assert.equal(e('"ab" * 2'), 'abab');
  assert.equal(e('-n'), -3);
  assert.equal(e('1 < n <= 3'), true);
  assert.equal(e('1 == 1.0'), true);
  assert.equal(e('"1" == 1'), false);
  assert.equal(e('[1, 2] == [1, 2]'), true);
  assert.equal(e('{"a": 1} == {"a": 1}'), true);
  assert.equal(e('"%s-%02d" % ("x", 5)'), 'x-05');
  assert.equal(e('"%s" % ("x",)'), 'x');
  assert.deepEqual(e('("a",)'), ['a']);
  assert.deepEqual(e('()'), []);
  assert.equal(e('(n)'), 3);
  assert.deepEqual(e('[1, 2,]'), [1, 2]);
  assert.deepEqual(e('{"a": 1,}'), { a: 1 });
  assert.equal(e('"abcdef"[1:4]'), 'bcd');
  assert.equal(e('"abcdef"[::2]'), 'ace');
  assert.deepEqual(e('list[-2:]'), [2, 3]);
  assert.deepEqual(e('list[:1]'), [1]);
  assert.equal(e('"a,b".split(",") | length'), 2);
  assert.equal(e('name.upper()'), 'WORLD');
  assert.equal(e('name.startswith("wor")'), true);
  assert.equal(e('"  x ".strip()'), 'x');
  assert.deepEqual(e('d.keys() | list'), ['x', 'k']);
  assert.deepEqual(e('d.items() | list | last'), ['k', 'v']);
  assert.equal(e('d.get("missing", 7)'), 7);
  assert.equal(e('names.index("b")'), 1);
  assert.equal(e('"{}-{}".format("a", n)'), 'a-3');
  assert.equal(e('item.name | upper'), 'PKG');
  assert.equal(e('"x" | default(omit)'), 'x');
});

test('statements: for (loop.index), if/else, set, whitespace control, macros', () => {
  assert.equal(t.renderString('{% for x in names %}{{ loop.index }}={{ x }}{% if not loop.last %},{% endif %}{% endfor %}', vars), '1=a,2=b');
  assert.equal(t.renderString('{% for k, v in d.items() %}{{ k }};{% endfor %}', vars), 'x;k;');
  assert.equal(t.renderString('{% for k in d %}{{ k }};{% endfor %}', vars), 'x;k;');
  assert.equal(t.renderString('{% for x in empty %}x{% else %}none{% endfor %}', vars), 'none');
  assert.equal(t.renderString('{% if empty %}yes{% elif n == 3 %}three{% else %}no{% endif %}', vars), 'three');
  assert.equal(t.renderString('{% if emptyd %}yes{% else %}no{% endif %}', vars), 'no');
  assert.equal(t.renderString('a\n  {%- if true -%}\n  b\n{%- endif %}\nc', vars), 'abc');
  assert.equal(t.renderString('[ {{- name -}} ]', vars), '[world]');
  assert.equal(t.renderString('{% set greeting = "hi " ~ name %}{{ greeting }}', vars), 'hi world');
  assert.equal(t.renderString('{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(n) }}', vars), '<3>');
  // trim_blocks like Ansible: the newline after a block tag is removed
  assert.equal(t.renderString('{% for x in names %}\n{{ x }}\n{% endfor %}\n', vars), 'a\nb\n');
  assert.equal(t.renderString('{# comment #}x', vars), 'x');
  assert.equal(t.renderString('{% raw %}{{ not rendered }}{% endraw %}', vars), '{{ not rendered }}');
});


// expected values below are what Jinja2 3.1 renders for the same templates and vars
test('statements: loop filters (for ... if ...), loop.* counting only the kept items', () => {
  assert.equal(t.renderString('{% for x in list if x > 1 %}{{ loop.index }}/{{ loop.length }}={{ x }}{{ loop.last }};{% endfor %}', vars), '1/2=2False;2/2=3True;');
  assert.equal(t.renderString('{% for x in list if x > 5 %}{{ x }}{% else %}none{% endfor %}', vars), 'none');
  assert.equal(t.renderString('{% for k, v in {"a": 1, "b": 0}.items() if v %}{{ k }}={{ v }};{% endfor %}', vars), 'a=1;');
  assert.equal(t.renderString('{% for x in list if x is odd and x < n %}{{ x }}{% endfor %}', vars), '1');
  // an inline if in parentheses is still an expression, not a filter
  assert.equal(t.renderString('{% for x in (list if yes_flag else []) %}{{ x }}{% endfor %}', vars), '123');
  throwsCode(() => t.renderString('{% for x in list if nope %}{% endfor %}', vars), 'UNDEFINED', /'nope' is undefined/);
});

test('statements: namespace() and {% set ns.attr %}, the way out of a loop scope', () => {
  assert.equal(t.renderString('{% set ns = namespace(total=0) %}{% for x in list %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}', vars), '6');
  assert.equal(
    t.renderString('{% set ns = namespace(found=false) %}{% for x in list %}{% for y in names %}{% if y == "b" and x == 3 %}{% set ns.found = x ~ y %}{% endif %}{% endfor %}{% endfor %}{{ ns.found }}', vars),
    '3b',
  );
  assert.equal(t.renderString('{% set ns = namespace() %}{% set ns.x %}hi {{ name }}{% endset %}{{ ns.x }}', vars), 'hi world');
  assert.equal(t.renderString('{% set ns = namespace(d.x) %}{{ ns.y }}', vars), '5');
  throwsCode(() => t.renderString('{% set d.k = 1 %}', vars), 'TEMPLATE', /cannot assign attribute on non-namespace object/);
  throwsCode(() => t.renderString('{% set ns = namespace(a=1) %}{% set ns.a.b = 1 %}', vars), 'TEMPLATE', /one namespace attribute/);
  throwsCode(() => t.renderString('{% set nope.a = 1 %}', vars), 'UNDEFINED', /'nope' is undefined/);
});

test('filter and call blocks print their bodies also when they are the whole template', () => {
  assert.equal(t.renderString('{% filter upper %}ab{{ name }}{% endfilter %}', vars), 'ABWORLD');
  assert.equal(t.renderString('x{% filter upper %}ab{% endfilter %}', vars), 'xAB');
  assert.equal(t.renderString('{% macro m(a) %}<{{ a }}{{ caller() }}>{% endmacro %}{% call m(1) %}body{% endcall %}', vars), '<1body>');
});
test('nested dict literals inside tags (brace balancing like Jinja2)', () => {
  assert.deepEqual(t.render("{{ {'a': {'b': 1}} }}", vars), { a: { b: 1 } });
  assert.deepEqual(t.evaluate('{"a": {"b": {}}}', vars), { a: { b: {} } });
  assert.equal(t.renderString("{% set x = {'a': {'b': 2}} %}{{ x.a.b }}", vars), '2');
  assert.equal(t.renderString("{{ '}}' }}", vars), '}}');
  assert.equal(t.renderString("{{ {'k': '}}'}.k }}", vars), '}}');
  assert.equal(t.renderString('{% raw %}{{ {a: {}} }}{% endraw %}', vars), '{{ {a: {}} }}');
});

test('set does not leak into the caller vars', () => {
  const v: Record<string, unknown> = { a: 1 };
  assert.equal(t.renderString('{% set a = 2 %}{{ a }}', v), '2');
  assert.equal(v.a, 1);
});

test('undefined variables are UNDEFINED errors naming the variable', () => {
  const e1 = throwsCode(() => t.render('{{ foo }}', vars), 'UNDEFINED', /'foo' is undefined/);
  assert.ok(isUndefinedError(e1));
  throwsCode(() => t.render('x {{ foo }} y', vars), 'UNDEFINED', /'foo' is undefined/);
  throwsCode(() => t.evaluate('foo == 1', vars), 'UNDEFINED', /'foo' is undefined/);
  throwsCode(() => t.evaluate('foo + 1', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.evaluate('foo ~ "x"', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.evaluate('"x" in foo', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.evaluate('foo | length', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.evaluate('[foo]', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.condition('foo', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.condition('not foo', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.condition('yes_flag and foo', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.renderString('{% if foo %}x{% endif %}', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.renderString('{% for x in foo %}x{% endfor %}', vars), 'UNDEFINED', /'foo'/);
  throwsCode(() => t.evaluate('foo()', vars), 'UNDEFINED', /'foo'/);
});

test('missing attributes name the expression and say what is missing', () => {
  const e = throwsCode(() => t.render('{{ d.bar }}', vars), 'UNDEFINED');
  assert.match(e.message, /'d\.bar'/);
  assert.match(e.message, /'dict object' has no attribute 'bar'/);
  const e2 = throwsCode(() => t.render("{{ hostvars['m1'].missing }}", vars), 'UNDEFINED');
  assert.match(e2.message, /'hostvars\.m1\.missing'/);
  const e2b = throwsCode(() => t.render("{{ hostvars['node-1'] }}", vars), 'UNDEFINED');
  assert.match(e2b.message, /hostvars\['node-1'\]/);
  throwsCode(() => t.evaluate('d.x.nope.deeper', vars), 'UNDEFINED', /d\.x\.nope/);
  throwsCode(() => t.evaluate('list[10]', vars), 'UNDEFINED', /out of range/);
  throwsCode(() => t.evaluate('nothing.attr', vars), 'UNDEFINED', /'None' has no attribute 'attr'/);
  // suggestions
  const e3 = throwsCode(() => t.render('{{ nmae }}', vars), 'UNDEFINED');
  assert.match(e3.hint ?? '', /did you mean 'name'/);
  const e4 = throwsCode(() => t.render('{{ item.nme }}', vars), 'UNDEFINED');
  assert.match(e4.hint ?? '', /did you mean 'name'/);
});

test('JavaScript prototype members are not reachable', () => {
  throwsCode(() => t.evaluate('d.constructor', vars), 'UNDEFINED');
  throwsCode(() => t.evaluate('name.constructor', vars), 'UNDEFINED');
  throwsCode(() => t.evaluate('toString', vars), 'UNDEFINED');
  throwsCode(() => t.evaluate('list.map', vars), 'UNDEFINED');
  throwsCode(() => t.evaluate('d.__proto__', vars), 'UNDEFINED');
  throwsCode(() => t.evaluate("d['__proto__'].constructor", vars), 'UNDEFINED');
  throwsCode(() => t.evaluate('"".__class__', vars), 'UNDEFINED');
  throwsCode(() => t.evaluate('lookup.constructor', vars), 'UNDEFINED');
  assert.deepEqual(t.evaluate('{"__proto__": 1}', vars), JSON.parse('{"__proto__": 1}'));
  assert.equal(t.evaluate('d.constructor is defined', vars), false);
});

test('defined/undefined tests and default() do not throw', () => {
  assert.equal(t.evaluate('foo is defined', vars), false);
  assert.equal(t.evaluate('foo is undefined', vars), true);
  assert.equal(t.evaluate('foo is not defined', vars), true);
  assert.equal(t.evaluate('name is defined', vars), true);
  assert.equal(t.evaluate('nothing is defined', vars), true);
  assert.equal(t.evaluate('d.x is defined', vars), true);
  assert.equal(t.evaluate('d.bar is defined', vars), false);
  assert.equal(t.evaluate('foo.bar is defined', vars), false);
  assert.equal(t.evaluate('foo.bar.baz is undefined', vars), true);
  assert.equal(t.evaluate('foo is defined and foo', vars), false);
  assert.equal(t.evaluate('foo is not defined or foo', vars), true);
  assert.equal(t.render('{{ foo | default("x") }}', vars), 'x');
  assert.equal(t.render('{{ foo | d("y") }}', vars), 'y');
  assert.equal(t.evaluate('foo.bar | default(1)', vars), 1);
  assert.equal(t.evaluate("foo['bar'] | default(2)", vars), 2);
  assert.equal(t.evaluate('d.bar | default(3)', vars), 3);
  // Ansible's templating gives text for a number that is not a variable's own value
  assert.equal(t.render('{{ d.bar | default(3) }}', vars), '3');
  assert.equal(t.render('{{ foo | default }}', vars), '');
  assert.equal(t.render('{{ foo | default(omit) }}', vars), OMIT);
  assert.equal(t.render('{{ (foo | default([])) | length }}', vars), '0');
  assert.equal(t.render('{{ "" | default("e", true) }}', vars), 'e');
  assert.equal(t.render('{{ "" | default("e") }}', vars), '');
  assert.equal(t.evaluate('nothing | default("e")', vars), null);
  assert.equal(t.render('{{ nothing | default("e") }}', vars), ''); // None renders as ''
  assert.equal(t.render('{{ nothing | default("e", boolean=True) }}', vars), 'e');
  assert.equal(t.render('{{ "a" if foo is defined else "b" }}', vars), 'b');
});

test('mandatory raises naming the variable', () => {
  throwsCode(() => t.render('{{ foo | mandatory }}', vars), 'UNDEFINED', /Mandatory variable 'foo' not defined/);
  throwsCode(() => t.render('{{ foo | mandatory("set foo please") }}', vars), 'UNDEFINED', /set foo please/);
  assert.equal(t.render('{{ n | mandatory }}', vars), '3');
});

test('errors carry the position and the task name', () => {
  const pos = { file: 'site.yml', line: 12, col: 7 };
  const e = throwsCode(() => t.render('{{ foo }}', vars, { pos, task: 'Install' }), 'UNDEFINED');
  assert.equal(e.message, `task "Install": 'foo' is undefined`);
  assert.deepEqual(e.pos, pos);
  assert.ok(e.hint);
  const e2 = throwsCode(() => t.condition('foo', vars, { pos }), 'UNDEFINED');
  assert.deepEqual(e2.pos, pos);
});

test('syntax errors are TEMPLATE errors with the given position and a hint', () => {
  const pos = { file: 'roles/x/tasks/main.yml', line: 3, col: 5 };
  const e = throwsCode(() => t.render('{{ foo | }}', vars, { pos }), 'TEMPLATE', /syntax error/);
  assert.deepEqual(e.pos, pos);
  assert.ok(e.hint && e.hint.includes('{{ foo | }}'));
  throwsCode(() => t.render('{% if x %}no end', vars, { pos }), 'TEMPLATE');
  throwsCode(() => t.render('{{ 1 + }}', vars), 'TEMPLATE');
  throwsCode(() => t.evaluate('a ==', vars), 'TEMPLATE');
  throwsCode(() => t.evaluate('x }} {{ y', vars), 'TEMPLATE');
  const e2 = throwsCode(() => t.renderString('line1\n{{ ) }}', vars), 'TEMPLATE');
  assert.match(e2.message, /line 2/);
  const e3 = throwsCode(() => t.evaluate('a b', vars), 'TEMPLATE');
  assert.match(e3.message, /column 3\b/);
  throwsCode(() => t.evaluate('x[]', vars), 'TEMPLATE', /empty subscript/);
  throwsCode(() => t.evaluate('[1, 2', vars), 'TEMPLATE');
});

test('runtime errors are TEMPLATE errors without values', () => {
  throwsCode(() => t.evaluate('name + 1', vars), 'TEMPLATE', /unsupported operand/);
  throwsCode(() => t.evaluate('n < "a"', vars), 'TEMPLATE', /not supported between/);
  throwsCode(() => t.evaluate('n / 0', vars), 'TEMPLATE', /division by zero/);
  throwsCode(() => t.evaluate('name | no_such_filter', vars), 'TEMPLATE', /no filter named 'no_such_filter'/);
  const e = throwsCode(() => t.evaluate('name | uppr', vars), 'TEMPLATE');
  assert.match(e.hint ?? '', /upper/);
  throwsCode(() => t.evaluate('name is no_such_test', vars), 'TEMPLATE', /no test named/);
  throwsCode(() => t.evaluate('n()', vars), 'TEMPLATE', /not callable/);
  throwsCode(() => t.renderString('{% include "x.j2" %}', vars), 'TEMPLATE', /not supported/);
  const secret = { pw: 'hunter2-secret' };
  const e2 = throwsCode(() => t.evaluate('pw | from_json', secret), 'TEMPLATE');
  assert.ok(!e2.message.includes('hunter2'));
});

test('evaluate: bare expressions and {{ }}-wrapped ones', () => {
  assert.equal(t.evaluate('n + 1', vars), 4);
  assert.equal(t.evaluate('{{ n + 1 }}', vars), 4);
  assert.equal(t.evaluate('  {{ names }} ', vars) instanceof Array, true);
  assert.equal(t.evaluate('{{ n }} == {{ n }}', vars), true);
  assert.deepEqual(t.evaluate('names | map("upper") | list', vars), ['A', 'B']);
});

test('condition: Ansible truthiness', () => {
  const c = (x: unknown, v: Record<string, unknown> = vars) => t.condition(x, v);
  assert.equal(c(true), true);
  assert.equal(c(false), false);
  assert.equal(c('true'), true);
  assert.equal(c('False'), false);
  assert.equal(c('yes'), true);
  assert.equal(c('no'), false);
  for (const [value, expected] of [
    ['yes', true],
    ['on', true],
    ['1', true],
    ['true', true],
    ['True', true],
    ['false', false],
    ['no', false],
    ['off', false],
    ['0', false],
    ['', false],
    ['something', true],
  ] as const) {
    assert.equal(c('v', { v: value }), expected, `string ${JSON.stringify(value)}`);
  }
  assert.equal(c('v', { v: [] }), false);
  assert.equal(c('v', { v: [0] }), true);
  assert.equal(c('v', { v: {} }), false);
  assert.equal(c('v', { v: { a: 1 } }), true);
  assert.equal(c('v', { v: null }), false);
  assert.equal(c('v', { v: 0 }), false);
  assert.equal(c('v', { v: 2 }), true);
  assert.equal(c('n == 3'), true);
  assert.equal(c('{{ n == 4 }}'), false);
  assert.equal(c(['n == 3', 'yes_flag']), true);
  assert.equal(c(['n == 3', 'not yes_flag']), false);
  assert.equal(c([]), true);
  assert.equal(c('result is changed', { result: { changed: true } }), true);
});

test('the compile cache compiles each distinct source once', () => {
  const tt = createTemplater();
  for (let i = 0; i < 5; i++) {
    assert.equal(tt.render('a{{ n }}', { n: i }), `a${i}`);
    assert.equal(tt.evaluate('n > 2', { n: i }), i > 2);
    assert.equal(tt.render('{{ n }}', { n: i }), i); // a variable holding a number: not compiled (Ansible's SINGLE_VAR)
    assert.equal(tt.render('{{ n + 1 }}', { n: i }), String(i + 1));
  }
  assert.equal(tt.stats.compiles, 3);
  assert.equal(tt.stats.hits, 12);
  tt.renderString('other {{ n }}', { n: 1 });
  assert.equal(tt.stats.compiles, 4);
});

test('the cache is bounded', () => {
  const tt = createTemplater({ cacheSize: 2 });
  tt.render('{{ 1 }}', {});
  tt.render('{{ 2 }}', {});
  tt.render('{{ 3 }}', {});
  tt.render('{{ 1 }}', {}); // evicted: compiled again
  assert.equal(tt.stats.compiles, 4);
});

test('omit and removeOmit', () => {
  assert.match(OMIT, /^__omit_place_holder__[0-9a-f]{40}$/);
  const args = t.render({ path: '/x', mode: '{{ m | default(omit) }}', list: ['{{ omit }}', 1] }, {});
  assert.deepEqual(removeOmit(args), { path: '/x', list: [1] });
});

test('lazy proxies (scopes) work as vars', () => {
  const backing: Record<string, unknown> = { a: 1, b: { c: 2 } };
  const proxy = new Proxy(backing, {
    get: (tg, k) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(tg, k) ? tg[k] : undefined),
    has: (tg, k) => typeof k === 'string' && Object.prototype.hasOwnProperty.call(tg, k),
  });
  assert.equal(t.evaluate('a + b.c', proxy), 3);
  assert.equal(t.render('{{ a }}', proxy), 1);
  assert.equal(t.evaluate('zz is defined', proxy), false);
  throwsCode(() => t.render('{{ zz }}', proxy), 'UNDEFINED', /'zz'/);
});

test('dates (YAML timestamps) render like Python dates', () => {
  const day = new Date('2024-05-01T00:00:00Z');
  assert.equal(t.renderString('d={{ day }}', { day }), 'd=2024-05-01');
  assert.equal(t.evaluate('day', { day }), day);
  // Ansible's templating gives the text of a date
  assert.equal(t.render('{{ day }}', { day }), '2024-05-01');
  assert.deepEqual(t.render({ when: '{{ day }}' }, { day }), { when: '2024-05-01' });
  assert.equal(t.evaluate('day | to_json', { day }), '"2024-05-01T00:00:00"');
});

test('string literals unescape as Jinja2 (Python unicode-escape): unknown escapes keep the backslash', () => {
  const t = createTemplater();
  // expected values are Jinja2 3.1's output for the same templates
  const rows: [string, string][] = [
    ["{{ 'a\\.b' }}", 'a\\.b'],
    ["{{ 'x\\\\y' }}", 'x\\y'],
    ["{{ 'tab\\there' }}", 'tab\there'],
    ["{{ 'q\\'s' }}", "q's"],
    ["{{ '\\x41\\u00e9\\101' }}", 'AéA'],
    ["{{ '\\d+' }}", '\\d+'],
    ["{{ 'abc123.0123' | regex_replace('\\..*$', '') }}", 'abc123'],
  ];
  for (const [src, want] of rows) assert.equal(t.renderString(src, {}, undefined, { escapeBackslashes: false }), want, src);
});

test("playbook data: a string literal inside {{ }} keeps its backslashes (Ansible's escape_backslashes)", () => {
  const rows: [string, string][] = [
    ["{{ 'a\\nb' }}", 'a\\nb'],
    ["{{ 'x\\\\y' }}", 'x\\\\y'],
    ["{{ 'ab12' | regex_replace('(\\d+)', '<\\1>') }}", 'ab<12>'],
    ["{% if 'a\\nb' | length == 3 %}three{% endif %} {{ 'a\\nb' | length }}", 'three 4'],
  ];
  for (const [src, want] of rows) assert.equal(t.renderString(src, {}), want, src);
  // a bare expression (a conditional) is Jinja2's
  assert.equal(t.conditional("'a\\nb' | length == 3", {}), true);
});
