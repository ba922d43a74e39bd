import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEscapes, parseKv, splitArgs, unquote } from '../../src/load/kv.js';
import { templateTolerant } from '../../src/schema/tolerant.js';
import { coerceArgs } from '../../src/load/args.js';

const words = (s: string) => splitArgs(s).map((t) => t.text);

test('splitArgs keeps quoted parts and Jinja2 markup together', () => {
  assert.deepEqual(words('a=1  b="x y" c=\'p q\''), ['a=1', 'b="x y"', "c='p q'"]);
  assert.deepEqual(words('msg={{ a | default("x y") }} z'), ['msg={{ a | default("x y") }}', 'z']);
  assert.deepEqual(words('{% if a %} b {% endif %}'), ['{% if a %}', 'b', '{% endif %}']);
  assert.deepEqual(words('echo "it\\"s" end'), ['echo', '"it\\"s"', 'end']);
  assert.deepEqual(words('  '), []);
});

test('parseKv: every k=v is an option for non-free-form modules; quotes removed', () => {
  assert.deepEqual(parseKv('path=/x state=touch msg="a b" eq=x=y', { freeForm: false }), {
    path: '/x',
    state: 'touch',
    msg: 'a b',
    eq: 'x=y',
  });
  assert.deepEqual(parseKv('stray path=/x', { freeForm: false }), { path: '/x', _raw_params: 'stray' });
  assert.deepEqual(parseKv('/etc/x.yml', { freeForm: false }), { _raw_params: '/etc/x.yml' });
});

test('parseKv: free-form keeps the text verbatim and takes out only known options', () => {
  const options = new Set(['chdir', 'creates']);
  assert.deepEqual(parseKv('echo hi chdir=/tmp', { freeForm: true, options }), { _raw_params: 'echo hi', chdir: '/tmp' });
  assert.deepEqual(parseKv('creates=/x touch  /x', { freeForm: true, options }), { _raw_params: 'touch  /x', creates: '/x' });
  assert.deepEqual(parseKv('echo a=b "chdir=/no" x="chdir=/tmp"', { freeForm: true, options }), {
    _raw_params: 'echo a=b "chdir=/no" x="chdir=/tmp"',
  });
  const script = 'set -e\nif [ -f /x ]; then\n  echo   "a  b"\nfi\n';
  assert.deepEqual(parseKv(script, { freeForm: true, options }), { _raw_params: script.trim() });
  assert.deepEqual(parseKv('echo {{ "chdir=/a" }}', { freeForm: true, options }), { _raw_params: 'echo {{ "chdir=/a" }}' });
});

test('unquote and decodeEscapes are Ansible\'s unquote and _decode_escapes', () => {
  assert.equal(unquote("'x'"), 'x');
  assert.equal(unquote('"x'), '"x');
  assert.equal(unquote('"x\\"'), '"x\\"', 'an escaped closing quote stays');
  assert.equal(unquote('a\\=b'), 'a\\=b', 'an option keeps \\=');
  assert.equal(decodeEscapes('a \\"q\\" \\n \\t \\x41 \\u00e9 \\U0001F600 \\\\ \\a\\v \\d \\='), 'a "q" \n \t A \u00e9 \u{1F600} \\ \x07\v \\d \\=');
});

test('k=v options are decoded as Ansible decodes them; free-form words stay as written', () => {
  const o = { freeForm: false };
  assert.deepEqual(parseKv('msg="a \\"q\\" \\n"', o), { msg: 'a "q" \n' });
  assert.deepEqual(parseKv("msg='it\\'s'", o), { msg: "it's" });
  assert.deepEqual(parseKv('msg=a\\=b x=\\x41', o), { msg: 'a\\=b', x: 'A' });
  assert.deepEqual(parseKv('echo a\\tb chdir=/t\\x6dp', { freeForm: true, options: new Set(['chdir']) }), { chdir: '/tmp', _raw_params: 'echo a\\tb' });
  // as Ansible's split_args: a quote after a backslash does not close, so this quote is unclosed
  assert.throws(() => parseKv('msg="x\\\\"', o), /unclosed double quote/);
});

test('coerceArgs converts strings only where the schema does not take strings', () => {
  const schema = {
    properties: {
      n: { type: 'integer' },
      f: { type: 'number' },
      b: { type: 'boolean' },
      s: { type: 'string' },
      l: { type: 'array', items: { type: 'integer' } },
      either: { anyOf: [{ type: 'boolean' }, { type: 'string' }] },
    },
  };
  assert.deepEqual(coerceArgs({ n: '07', f: '1.5', b: 'no', s: '5', l: '1, 2', either: 'yes', t: '{{ x }}' }, schema), {
    n: 7,
    f: 1.5,
    b: false,
    s: '5',
    l: [1, 2],
    either: 'yes',
    t: '{{ x }}',
  });
  assert.deepEqual(coerceArgs({ n: '{{ n }}', b: 'maybe' }, schema), { n: '{{ n }}', b: 'maybe' });
});

test('templateTolerant wraps typed properties, leaves plain strings and keeps structure', () => {
  const s = { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'array', items: { type: 'integer' } } } };
  const t = templateTolerant(s) as { properties: Record<string, { anyOf?: unknown[] }> };
  assert.equal(templateTolerant(s), t, 'memoised');
  assert.equal(t.properties.a.anyOf?.length, 2);
  assert.deepEqual(t.properties.b, { type: 'string' });
  assert.equal((s.properties.a as { anyOf?: unknown }).anyOf, undefined, 'the original is not changed');
});
