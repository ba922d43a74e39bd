/**
 * A template with the Jinja2 an everyday role uses, against ansible-playbook 2.14 (the template
 * module and lookup('template')): macros, loop variables, namespace(), to_nice_yaml/to_nice_json,
 * indent, b64encode, hash, quote, comment, map/upper/join, arithmetic, None and booleans, and
 * whitespace control.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk } from '../helpers/compare-files.js';
const TPL = `{# a comment #}
{% macro kv(k, v) -%}
{{ k }}={{ v }}
{%- endmacro %}
[main]
{% for s in servers %}
{{ kv('server' ~ loop.index, s.name) }}  # {{ loop.index0 }}/{{ loop.length }}{{ ' last' if loop.last }}
{% endfor %}
{% set ns = namespace(total=0) %}
{% for s in servers %}{% set ns.total = ns.total + s.weight %}{% endfor %}
total={{ ns.total }}
{{ servers | to_nice_yaml(indent=2) }}
{{ {'b': 1, 'a': [1, 2]} | to_nice_json }}
{{ 'line1\nline2' | indent(4) }}
{{ 'hello' | b64encode }} {{ 'hello' | hash('sha1') }} {{ "it's" | quote }}
{{ 'note' | comment }}
{{ servers | map(attribute='name') | map('upper') | join(' ') }}
{{ (servers | first).name | capitalize }} {{ servers | length }} {{ servers | sum(attribute='weight') }}
{{ 3.0 }} {{ 2 ** 10 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 'x' * 3 }} {{ [1,2] + [3] }}
{{ none }} {{ true }} {{ {'k': none} }}
{%- if servers | selectattr('weight', 'gt', 1) | list | length > 0 %}
heavy
{% endif %}
`;
const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    servers: [{name: alpha, weight: 1}, {name: beta, weight: 3}]
  tasks:
    - template:
        src: t.j2
        dest: "{{ out }}/out.txt"
    - copy:
        dest: "{{ out }}/lookup.txt"
        content: "{{ lookup('template', 't.j2') }}"
`;
test('an everyday template, as ansible-playbook 2.14 renders it', async () => {
  const r = await compareOk(PLAYBOOK, { 't.j2': TPL });
  assert.match(r.ansible.files['out.txt'], /server2=beta {2}# 1\/2 last/);
  assert.equal(r.kbs.files['out.txt'], r.ansible.files['out.txt']);
  assert.equal(r.kbs.files['lookup.txt'], r.ansible.files['lookup.txt']);
});
