import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { KbsError } from '../../src/errors.js';
import { createTemplater } from '../../src/template/index.js';
import { PyFloat } from '../../src/util/pyfloat.js';

const t = createTemplater();
const vars: Record<string, unknown> = {
  users: [
    { name: 'alice', uid: 1001, admin: true, groups: ['wheel', 'dev'], meta: { shell: 'bash' } },
    { name: 'bob', uid: 1002, admin: false, groups: ['dev'], meta: { shell: 'zsh' } },
    { name: 'carol', uid: 1000, admin: true, groups: [], meta: {} },
  ],
  hosts: ['m1', 'm2'],
  hostvars: { m1: { ip: '10.0.0.1' }, m2: { ip: '10.0.0.2' } },
  nums: [3, 1, 2, 3],
  words: ['b', 'A', 'c'],
  text: 'Hello World',
  conf: { a: 1, b: { x: 1, y: [1, 2] } },
};
const e = (expr: string, v: Record<string, unknown> = vars) => t.evaluate(expr, v);

function throwsTemplate(fn: () => unknown, re?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof KbsError);
    assert.equal(err.code, 'TEMPLATE', err.message);
    if (re) assert.match(err.message, re);
    return true;
  });
}

test('bool', () => {
  for (const v of ['yes', 'on', '1', 'true', 'True', 'YES']) assert.equal(e(`"${v}" | bool`), true, v);
  for (const v of ['no', 'off', '0', 'false', 'False', 'maybe', '']) assert.equal(e(`"${v}" | bool`), false, v);
  assert.equal(e('1 | bool'), true);
  assert.equal(e('0 | bool'), false);
  assert.equal(e('true | bool'), true);
  assert.equal(e('none | bool'), false);
});

test('int / float / string / abs / round', () => {
  assert.equal(e('"42" | int'), 42);
  assert.equal(e('" 7 " | int'), 7);
  assert.equal(e('"42.9" | int'), 42);
  assert.equal(e('"abc" | int'), 0);
  assert.equal(e('"abc" | int(5)'), 5);
  assert.equal(e('"abc" | int(default=9)'), 9);
  assert.equal(e('"ff" | int(base=16)'), 255);
  assert.equal(e('"0x1A" | int(0, 16)'), 26);
  assert.equal(e('true | int'), 1);
  assert.equal(e('3.99 | int'), 3);
  assert.equal(e('"1.5" | float'), 1.5);
  assert.deepEqual(e('"1e3" | float'), new PyFloat(1000));
  assert.equal(e('"x" | float'), 0);
  assert.equal(e('"x" | float(2.5)'), 2.5);
  assert.equal(e('12 | string'), '12');
  assert.equal(e('true | string'), 'True');
  assert.equal(e('none | string'), 'None');
  assert.equal(e('[1, "a"] | string'), "[1, 'a']");
  assert.equal(e('-3 | abs'), 3);
  assert.equal(e('2.567 | round(2)'), 2.57);
  assert.deepEqual(e('2.5 | round'), new PyFloat(2)); // round gives a float
  assert.deepEqual(e('3.5 | round'), new PyFloat(4)); // round gives a float
  assert.deepEqual(e('2.1 | round(0, "ceil")'), new PyFloat(3)); // round gives a float
  assert.deepEqual(e('2.9 | round(method="floor")'), new PyFloat(2)); // round gives a float
});

test('lower / upper / trim / capitalize / title / replace', () => {
  assert.equal(e('text | lower'), 'hello world');
  assert.equal(e('text | upper'), 'HELLO WORLD');
  assert.equal(e('"  x \n" | trim'), 'x');
  assert.equal(e('"xxhixx" | trim("x")'), 'hi');
  assert.equal(e('"hELLO" | capitalize'), 'Hello');
  assert.equal(e('"hello big world" | title'), 'Hello Big World');
  assert.equal(e('text | replace("o", "0")'), 'Hell0 W0rld');
  assert.equal(e('text | replace("o", "0", 1)'), 'Hell0 World');
});

test('regex_replace with Python syntax', () => {
  assert.equal(e(`"v1.29.6" | regex_replace('^v', '')`), '1.29.6');
  assert.equal(e(`"1.29.6" | regex_replace('^(\\\\d+)\\\\.(\\\\d+).*$', '\\\\1.\\\\2')`), '1.29');
  assert.equal(e(`"key=value" | regex_replace('(?P<k>\\\\w+)=(?P<v>\\\\w+)', '\\\\g<v>=\\\\g<k>')`), 'value=key');
  assert.equal(e(`"a-b-c" | regex_replace('-', '_', count=1)`), 'a_b-c');
  assert.equal(e(`"ABC" | regex_replace('b', 'x', ignorecase=True)`), 'AxC');
  assert.equal(e(`"a\\nb" | regex_replace('^', '# ', multiline=True)`), '# a\n# b');
  assert.equal(e(`"a\\nb" | regex_replace('^', '# ')`), '# a\nb');
  assert.equal(e(`"cost: $5" | regex_replace('\\\\$(\\\\d)', 'USD \\\\1')`), 'cost: USD 5');
  assert.equal(e(`"aaa" | regex_replace('(?i)A', 'b')`), 'bbb');
  throwsTemplate(() => e(`"x" | regex_replace('(', 'y')`), /invalid regular expression/);
});

test('regex_search / regex_findall / regex_escape', () => {
  assert.equal(e(`"kubelet v1.30.4" | regex_search('v[0-9.]+')`), 'v1.30.4');
  assert.equal(e(`"nothing" | regex_search('v[0-9]+')`), null);
  assert.deepEqual(e(`"kubelet v1.30.4" | regex_search('v(\\\\d+)\\\\.(\\\\d+)', '\\\\1', '\\\\2')`), ['1', '30']);
  assert.deepEqual(e(`"name=kbs" | regex_search('(?P<key>\\\\w+)=(?P<val>\\\\w+)', '\\\\g<val>')`), ['kbs']);
  assert.equal(e(`"ABC" | regex_search('b', ignorecase=True)`), 'B');
  assert.deepEqual(e(`"a1 b22 c333" | regex_findall('\\\\d+')`), ['1', '22', '333']);
  assert.deepEqual(e(`"a=1 b=2" | regex_findall('(\\\\w)=(\\\\d)')`), [['a', '1'], ['b', '2']]);
  assert.deepEqual(e(`"a=1 b=2" | regex_findall('\\\\w=(\\\\d)')`), ['1', '2']);
  assert.equal(e(`"1.2.3" | regex_escape`), '1\\.2\\.3');
});

test('split / join / length / count / first / last', () => {
  assert.deepEqual(e(`'a,b' | split(',')`), ['a', 'b']);
  assert.deepEqual(e(`' a  b ' | split`), ['a', 'b']);
  assert.deepEqual(e(`'a,b,c' | split(',', 1)`), ['a', 'b,c']);
  assert.equal(e(`hosts | join(',')`), 'm1,m2');
  assert.equal(e(`[1, 2] | join`), '12');
  assert.equal(e(`users | join(', ', attribute='name')`), 'alice, bob, carol');
  assert.equal(e('hosts | length'), 2);
  assert.equal(e('text | length'), 11);
  assert.equal(e('conf | length'), 2);
  assert.equal(e('hosts | count'), 2);
  assert.equal(e('hosts | first'), 'm1');
  assert.equal(e('hosts | last'), 'm2');
  assert.equal(e('"abc" | first'), 'a');
  assert.throws(() => e('[] | first | upper'), /empty/);
  throwsTemplate(() => e('5 | length'), /has no len/);
});

test('unique / union / difference / intersect / symmetric_difference', () => {
  assert.deepEqual(e('nums | unique'), [3, 1, 2]);
  assert.deepEqual(e('[{"a": 1}, {"a": 1}] | unique'), [{ a: 1 }]);
  assert.deepEqual(e('[1, 2] | union([2, 3])'), [1, 2, 3]);
  assert.deepEqual(e('[1, 2, 3, 3] | difference([2])'), [1, 3]);
  assert.deepEqual(e('[1, 2, 3] | intersect([3, 2, 9])'), [2, 3]);
  assert.deepEqual(e('[1, 2] | symmetric_difference([2, 3])'), [1, 3]);
});

test('map: attribute, nested attribute, default, filter name with args', () => {
  assert.deepEqual(e("users | map(attribute='name') | list"), ['alice', 'bob', 'carol']);
  assert.deepEqual(e("users | map(attribute='meta.shell', default='sh') | list"), ['bash', 'zsh', 'sh']);
  assert.deepEqual(e("users | map(attribute='groups.0', default='-') | list"), ['wheel', 'dev', '-']);
  assert.deepEqual(e("hosts | map('upper') | list"), ['M1', 'M2']);
  assert.deepEqual(e("hosts | map('regex_replace', '^m', 'node') | list"), ['node1', 'node2']);
  assert.deepEqual(e("hosts | map('extract', hostvars, 'ip') | list"), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(e("['1', '2'] | map('int') | sum"), 3);
  assert.throws(() => e("users | map(attribute='nope') | list"), /nope/);
});

test('select / reject / selectattr / rejectattr', () => {
  assert.deepEqual(e('[0, 1, "", "a", none] | select | list'), [1, 'a']);
  assert.deepEqual(e('[1, 2, 3, 4] | select("odd") | list'), [1, 3]);
  assert.deepEqual(e('[1, 2, 3, 4] | reject("odd") | list'), [2, 4]);
  assert.deepEqual(e('[1, 5, 10] | select(">", 2) | list'), [5, 10]);
  assert.deepEqual(e('hosts | select("match", "m1") | list'), ['m1']);
  assert.deepEqual(e('["a", 1] | select("string") | list'), ['a']);
  assert.deepEqual(e("users | selectattr('admin') | map(attribute='name') | list"), ['alice', 'carol']);
  assert.deepEqual(e("users | rejectattr('admin') | map(attribute='name') | list"), ['bob']);
  assert.deepEqual(e("users | selectattr('uid', 'equalto', 1002) | map(attribute='name') | list"), ['bob']);
  assert.deepEqual(e("users | selectattr('uid', '>=', 1001) | map(attribute='name') | list"), ['alice', 'bob']);
  assert.deepEqual(e("users | selectattr('meta.shell', 'defined') | map(attribute='name') | list"), ['alice', 'bob']);
  assert.deepEqual(e("users | rejectattr('meta.shell', 'undefined') | map(attribute='name') | list"), ['alice', 'bob']);
  assert.deepEqual(e("users | selectattr('groups', 'contains', 'dev') | map(attribute='name') | list"), ['alice', 'bob']);
  assert.deepEqual(e("users | selectattr('name', 'in', ['bob', 'carol']) | map(attribute='uid') | list"), [1002, 1000]);
  assert.deepEqual(e("users | selectattr('name', 'search', '^c') | map(attribute='name') | list"), ['carol']);
});

test('combine: flat, recursive, list_merge, list of dicts', () => {
  assert.deepEqual(e('{"a": 1, "b": 2} | combine({"b": 3, "c": 4})'), { a: 1, b: 3, c: 4 });
  assert.deepEqual(e('conf | combine({"b": {"y": [3]}})'), { a: 1, b: { y: [3] } });
  assert.deepEqual(e('conf | combine({"b": {"y": [3]}}, recursive=True)'), { a: 1, b: { x: 1, y: [3] } });
  assert.deepEqual(e('conf | combine({"b": {"y": [2, 3]}}, recursive=True, list_merge="append")'), { a: 1, b: { x: 1, y: [1, 2, 2, 3] } });
  assert.deepEqual(e('conf | combine({"b": {"y": [2, 3]}}, recursive=True, list_merge="append_rp")'), { a: 1, b: { x: 1, y: [1, 2, 3] } });
  assert.deepEqual(e('conf | combine({"b": {"y": [0]}}, recursive=True, list_merge="prepend")'), { a: 1, b: { x: 1, y: [0, 1, 2] } });
  assert.deepEqual(e('conf | combine({"b": {"y": [9]}}, recursive=True, list_merge="keep")'), { a: 1, b: { x: 1, y: [1, 2] } });
  assert.deepEqual(e('[{"a": 1}, {"b": 2}] | combine'), { a: 1, b: 2 });
  assert.deepEqual(e('{"a": 1} | combine({"a": 2}, {"a": 3})'), { a: 3 });
  assert.deepEqual(e('{} | combine({item.key: item.value})', { item: { key: 'k', value: 'v' } }), { k: 'v' });
  throwsTemplate(() => e('{} | combine({}, bad=1)'), /unexpected keyword/);
  // the inputs are not modified
  e('conf | combine({"a": 5})');
  assert.equal((vars.conf as { a: number }).a, 1);
});

test('dict2items / items2dict / items / dictsort / dict / list', () => {
  assert.deepEqual(e('{"a": 1, "b": 2} | dict2items'), [
    { key: 'a', value: 1 },
    { key: 'b', value: 2 },
  ]);
  assert.deepEqual(e('{"a": 1} | dict2items(key_name="k", value_name="v")'), [{ k: 'a', v: 1 }]);
  assert.deepEqual(e('[{"key": "a", "value": 1}] | items2dict'), { a: 1 });
  assert.deepEqual(e('[{"n": "a", "v": 1}] | items2dict(key_name="n", value_name="v")'), { a: 1 });
  assert.deepEqual(e('{"a": 1} | items | list'), [['a', 1]]);
  assert.deepEqual(e('{"b": 1, "a": 2} | dictsort'), [
    ['a', 2],
    ['b', 1],
  ]);
  assert.deepEqual(e('{"b": 1, "a": 2} | dictsort(by="value")'), [
    ['b', 1],
    ['a', 2],
  ]);
  assert.deepEqual(e('[["a", 1], ["b", 2]] | dict'), { a: 1, b: 2 });
  assert.deepEqual(e('hosts | zip([1, 2]) | dict'), { m1: 1, m2: 2 });
  assert.deepEqual(e('dict(a=1)'), { a: 1 });
  assert.deepEqual(e('"ab" | list'), ['a', 'b']);
  assert.deepEqual(e('{"a": 1} | list'), ['a']);
  throwsTemplate(() => e('[1] | dict2items'), /expects a dictionary/);
  throwsTemplate(() => e('[{"x": 1}] | items2dict'), /key/);
});

test('sort / reverse / min / max / sum / flatten / zip / zip_longest / product', () => {
  assert.deepEqual(e('nums | sort'), [1, 2, 3, 3]);
  assert.deepEqual(e('nums | sort(reverse=true)'), [3, 3, 2, 1]);
  assert.deepEqual(e('words | sort'), ['A', 'b', 'c']);
  assert.deepEqual(e('words | sort(case_sensitive=true)'), ['A', 'b', 'c']);
  assert.deepEqual(e("users | sort(attribute='uid') | map(attribute='name') | list"), ['carol', 'alice', 'bob']);
  assert.deepEqual(e('[1, 2, 3] | reverse | list'), [3, 2, 1]);
  assert.equal(e('"abc" | reverse'), 'cba');
  assert.equal(e('nums | min'), 1);
  assert.equal(e('nums | max'), 3);
  assert.equal(e("(users | max(attribute='uid')).name"), 'bob');
  assert.equal(e('nums | sum'), 9);
  assert.equal(e("users | sum(attribute='uid')"), 3003);
  assert.deepEqual(e('[[1, 2], [3]] | sum(start=[])'), [1, 2, 3]);
  assert.deepEqual(e('[1, [2, [3, [4]]], none] | flatten'), [1, 2, 3, 4]);
  assert.deepEqual(e('[1, [2, [3]]] | flatten(levels=1)'), [1, 2, [3]]);
  assert.deepEqual(e('[1, 2] | zip(["a", "b"]) | list'), [
    [1, 'a'],
    [2, 'b'],
  ]);
  assert.deepEqual(e('[1, 2] | zip_longest(["a"], fillvalue="-") | list'), [
    [1, 'a'],
    [2, '-'],
  ]);
  assert.deepEqual(e('[1, 2] | product(["a"]) | list'), [
    [1, 'a'],
    [2, 'a'],
  ]);
});

test('to_json / to_nice_json / from_json', () => {
  assert.equal(e('{"a": 1, "b": [true, none, "x"]} | to_json'), '{"a": 1, "b": [true, null, "x"]}');
  assert.equal(e('"é" | to_json'), '"\\u00e9"');
  assert.equal(e('"é" | to_json(ensure_ascii=False)'), '"é"');
  assert.equal(e('{"b": 1, "a": 2} | to_json(sort_keys=True)'), '{"a": 2, "b": 1}');
  assert.equal(e('{"b": 1, "a": [1, 2], "c": {}} | to_nice_json'), '{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1,\n    "c": {}\n}');
  assert.equal(e('{"a": 1} | to_nice_json(indent=2)'), '{\n  "a": 1\n}');
  assert.deepEqual(e(`'{"a": [1, 2]}' | from_json`), { a: [1, 2] });
  throwsTemplate(() => e(`'{bad' | from_json`), /not valid JSON/);
});

test('to_yaml / to_nice_yaml / from_yaml', () => {
  assert.equal(e('{"a": 1, "b": [1, 2]} | to_yaml'), 'a: 1\nb: [1, 2]\n');
  // as Ansible's dumper: a list in a mapping at its key's column, also at indent 4 (test/unit/template-pyyaml.test.ts)
  assert.equal(e('{"a": {"b": [1, 2]}} | to_nice_yaml'), 'a:\n    b:\n    - 1\n    - 2\n');
  assert.equal(e('{"a": "yes"} | to_nice_yaml'), "a: 'yes'\n");
  // as PyYAML: keys sorted, single quotes, y and n are text (not quoted), a list in a mapping at its key's column (indent 2)
  assert.equal(e('{"b": "y", "a": "on"} | to_nice_yaml'), "a: 'on'\nb: y\n");
  assert.equal(e('{"k": [1, 2]} | to_nice_yaml(indent=2)'), 'k:\n- 1\n- 2\n');
  assert.deepEqual(e(`"a: 1\\nb: [x, y]\\nc: yes" | from_yaml`), { a: 1, b: ['x', 'y'], c: true });
  assert.deepEqual(e(`"a: 1\\n---\\nb: 2" | from_yaml_all | list`), [{ a: 1 }, { b: 2 }]);
  // round trip
  assert.deepEqual(e('conf | to_nice_yaml | from_yaml'), vars.conf);
  assert.deepEqual(e('conf | to_yaml | from_yaml'), vars.conf);
});

test('b64encode / b64decode / hash / checksum / md5 / sha1', () => {
  assert.equal(e('"kbs:secret" | b64encode'), Buffer.from('kbs:secret').toString('base64'));
  assert.equal(e('"a2JzOnNlY3JldA==" | b64decode'), 'kbs:secret');
  assert.equal(e('"é" | b64encode | b64decode'), 'é');
  const sha256 = createHash('sha256').update('abc').digest('hex');
  assert.equal(e('"abc" | hash("sha256")'), sha256);
  assert.equal(e('"abc" | hash("sha1")'), createHash('sha1').update('abc').digest('hex'));
  assert.equal(e('"abc" | hash("md5")'), createHash('md5').update('abc').digest('hex'));
  assert.equal(e('"abc" | hash'), createHash('sha1').update('abc').digest('hex'));
  assert.equal(e('"abc" | checksum'), createHash('sha1').update('abc').digest('hex'));
  assert.equal(e('"abc" | md5'), createHash('md5').update('abc').digest('hex'));
  assert.equal(e('"abc" | sha1'), createHash('sha1').update('abc').digest('hex'));
  throwsTemplate(() => e('"abc" | hash("nope")'), /unknown hash type/);
});

test('basename / dirname / splitext / path_join / quote', () => {
  assert.equal(e('"/etc/kubernetes/admin.conf" | basename'), 'admin.conf');
  assert.equal(e('"/etc/kubernetes/admin.conf" | dirname'), '/etc/kubernetes');
  assert.equal(e('"admin.conf" | dirname'), '');
  assert.equal(e('"/x" | dirname'), '/');
  assert.equal(e('"/a/b/" | basename'), '');
  assert.deepEqual(e('"a/b.tar.gz" | splitext'), ['a/b.tar', '.gz']);
  assert.equal(e('["/etc", "kbs", "x.json"] | path_join'), '/etc/kbs/x.json');
  assert.equal(e('"simple-word_1.2" | quote'), 'simple-word_1.2');
  assert.equal(e('"two words" | quote'), "'two words'");
  assert.equal(e(`"it's" | quote`), `'it'"'"'s'`);
  assert.equal(e('"" | quote'), "''");
  assert.equal(e('"$(rm -rf /)" | quote'), "'$(rm -rf /)'");
});

test('ternary / version_compare / type_debug / indent / format / extract / subelements', () => {
  assert.equal(e('true | ternary("a", "b")'), 'a');
  assert.equal(e('[] | ternary("a", "b")'), 'b');
  assert.equal(e('none | ternary("a", "b", "n")'), 'n');
  assert.equal(e('none | ternary("a", "b")'), 'b');
  assert.equal(e('"1.30.4" | version_compare("1.30.0", ">=")'), true);
  assert.equal(e('"1.29.6" | version_compare("1.30", "lt")'), true);
  assert.equal(e('"1.2" | version_compare("1.2")'), true);
  assert.equal(e('{} | type_debug'), 'dict');
  assert.equal(e('[] | type_debug'), 'list');
  assert.equal(e('"" | type_debug'), 'str');
  assert.equal(e('1 | type_debug'), 'int');
  assert.equal(e('1.5 | type_debug'), 'float');
  assert.equal(e('true | type_debug'), 'bool');
  assert.equal(e('none | type_debug'), 'NoneType');
  assert.equal(e('"a\\nb\\n\\nc" | indent(2)'), 'a\n  b\n\n  c');
  assert.equal(e('"a\\nb" | indent(2, true)'), '  a\n  b');
  assert.equal(e('"a\\nb" | indent(width=3, first=True)'), '   a\n   b');
  assert.equal(e('"a\\n" | indent(2)'), 'a\n');
  assert.equal(e('"%s=%d" | format("x", 5)'), 'x=5');
  assert.equal(e('"m1" | extract(hostvars, "ip")'), '10.0.0.1');
  assert.deepEqual(e("users | subelements('groups') | map('last') | list"), ['wheel', 'dev', 'dev']);
  assert.deepEqual(e("users | subelements('groups') | map('first') | map(attribute='name') | list"), ['alice', 'alice', 'bob']);
});

test('filters with keyword arguments are checked', () => {
  throwsTemplate(() => e('"x" | default(nope=1)'), /unexpected keyword argument 'nope'/);
  throwsTemplate(() => e('"x" | int(1, 2, 3)'), /at most/);
});

test('filters raise on undefined input (except default/mandatory)', () => {
  for (const f of ['upper', 'length', 'to_json', 'b64encode', 'int', 'bool', 'combine({})', 'map("upper")']) {
    assert.throws(
      () => e(`missing_var | ${f}`),
      (err: unknown) => err instanceof KbsError && err.code === 'UNDEFINED' && /'missing_var'/.test(err.message),
      f,
    );
  }
  assert.throws(() => e('"x" | replace(missing_var, "y")'), /'missing_var'/);
});

test('ansible.builtin. prefixes are accepted', () => {
  assert.equal(e('"a" | ansible.builtin.upper'), 'A');
  assert.equal(e('{"a": 1} | ansible.builtin.to_json'), '{"a": 1}');
});
