/**
 * Whole floats compared with ansible-playbook 2.14 on the same playbook (local host): a float
 * written in YAML (`5.0`, `1.50`, `1.0e+3`) or made by a template (`10 / 2`) stays a float through
 * variables, set_fact, registered results, filters (from_json included) and loops, and prints as Python prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

const EXPRS = [
  'x', 'y', 'z', 'w', 'n', 'neg', 'l', 'd', 'ref', 'half', 's', 'sl', 'sd', 'x | int', 'x | float', 'x | round', 'y | round',
  'x | to_json', 'd | to_json', 'l | to_nice_json', 'd | to_yaml', 'x + 1', 'x * 2', 'x is float', 's is float', 'sl[0] is float',
  'x == 5', 'x | string', '[x] | max', 'l | sum', 'dx.x', 'dm.msg', 'dl.msg', 'ce.stdout', 'ce.cmd', 'neg | abs', 'x | int is integer',
  'half is float', 'ref is float', 'sd.k is float', 'items', '(d | dict2items)[0].value', 'd | combine({"c": 2.0})', 'x | type_debug',
  'av.stdout', 'av.cmd', 'looped.results | map(attribute="stdout") | list',
  'js | from_json', '(js | from_json).a is float', '(js | from_json).b[1] is float', '(js | from_json).b[2] is float', '(js | from_json).s',
];

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    x: 5.0
    y: 1.50
    z: 1.0e+3
    w: 1e3
    n: 5
    neg: -2.0
    l: [5.0, 2, 0.5]
    d: {a: 5.0, b: [1.0]}
    ref: "{{ x }}"
    half: "{{ 10 / 2 }}"
    js: '{"a": 5.0, "b": [1.5, 1e2, 2, -0.0, true, null, "x.0"], "s": "1.0"}'
  tasks:
    - set_fact:
        s: "{{ x }}"
        sl: "{{ [10 / 2] }}"
        sd: "{{ {'k': x} }}"
    - debug: var=x
      register: dx
    - debug: msg="{{ x }}"
      register: dm
    - debug:
        msg: "{{ l }}"
      register: dl
    - command: echo {{ x }} {{ y }}
      register: ce
    - command: echo {{ item }}
      loop: "{{ l }}"
      register: looped
    - set_fact:
        items: "{{ looped.results | map(attribute='item') | list }}"
    - command:
        argv: [echo, "{{ x }}", "{{ half }}", "{{ l[0] }}"]
      register: av
    - copy:
        dest: "{{ out }}/content.txt"
        content: "{{ x }}"
    - lineinfile:
        path: "{{ out }}/content.txt"
        line: "{{ sl[0] }}"
    - copy:
        dest: "{{ out }}/floats.txt"
        content: |
${EXPRS.map((e) => `          ${e} => {{ ${e} }}`).join('\n')}
`;

test('whole floats from YAML and templates: printing, filters, set_fact, registered results, debug output', async () => {
  const r = await compareFiles(PLAYBOOK);
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const lines = (s: string) => s.split('\n');
  assert.deepEqual(lines(r.kbs.files['floats.txt']), lines(r.ansible.files['floats.txt']));
  assert.deepEqual(r.kbs.files, r.ansible.files);
  assert.match(r.ansible.files['floats.txt'], /^x => 5\.0$/m);
  assert.equal(r.ansible.files['content.txt'], '5.0\n');
  // what debug prints
  const shown = (out: string) => [...out.matchAll(/^\s*"(x|msg)": (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  assert.deepEqual(shown(r.kbs.out), shown(r.ansible.out));
  assert.ok(shown(r.ansible.out).includes('x: 5.0'));
  const labels = (out: string) => [...out.matchAll(/\(item=([^)]*)\)/g)].map((m) => m[1]);
  assert.deepEqual(labels(r.kbs.out), labels(r.ansible.out));
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
