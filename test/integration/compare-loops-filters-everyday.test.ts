/**
 * Lookup loops and list, dict and text filters against ansible-playbook 2.14: with_dict,
 * with_subelements, with_nested, with_sequence, with_together; unique, difference, union,
 * intersect, flatten, product, combinations, min/max/sum, Jinja2's groupby (its (grouper, list)
 * tuples read by name, case_sensitive, default) and tojson, path and regex filters, from_yaml,
 * to_yaml, type_debug, urlsplit, seeded random and shuffle, to_datetime, subelements, mandatory,
 * bool, slices and sort by attribute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';
const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    acc: []
    users:
      - {name: a, groups: [g1, g2]}
      - {name: b, groups: [g3]}
    d: {x: 1, y: 2}
    nums: [3, 1, 2, 3]
  tasks:
    - set_fact: {acc: "{{ acc + [item.key ~ '=' ~ item.value] }}"}
      with_dict: "{{ d }}"
    - set_fact: {acc: "{{ acc + [item.0.name ~ ':' ~ item.1] }}"}
      with_subelements: [ "{{ users }}", groups ]
    - set_fact: {acc: "{{ acc + [item[0] ~ item[1]] }}"}
      with_nested: [[a, b], [1, 2]]
    - set_fact: {acc: "{{ acc + [item] }}"}
      with_sequence: start=1 end=5 stride=2 format=n%02d
    - set_fact: {acc: "{{ acc + [item | string] }}"}
      with_together: [[1, 2], [a]]
    - set_fact:
        f:
          uniq: "{{ nums | unique }}"
          diff: "{{ nums | difference([3]) }}"
          union: "{{ [1, 2] | union([2, 5]) }}"
          inter: "{{ [1, 2] | intersect([2, 5]) }}"
          flat: "{{ [1, [2, [3]]] | flatten }}"
          flat1: "{{ [1, [2, [3]]] | flatten(levels=1) }}"
          prod: "{{ [1, 2] | product(['a']) | list }}"
          comb: "{{ [1, 2, 3] | combinations(2) | list }}"
          mm: "{{ [nums | min, nums | max, nums | sum] }}"
          grp: "{{ users | groupby('name') | map('first') | list }}"
          grp2: "{{ [{'k': 'B', 'v': 1}, {'k': 'a', 'v': 2}, {'k': 'b', 'v': 3}] | groupby('k') }}"
          grp3: "{{ [{'k': 'B'}, {'k': 'a'}, {'k': 'b'}] | groupby('k', case_sensitive=true) | map(attribute='grouper') | list }}"
          grp4: "{% for g in users | groupby('groups.0') %}{{ g.grouper }}={{ g.list | length }};{% endfor %}"
          grp5: "{{ [{'k': 1}, {}] | groupby('k', default=0) | map(attribute='list') | map('length') | list }}"
          grp6: "{{ (users | groupby('name'))[0] }}"
          tj: '{{ {"b": "<a & it''s>", "a": [1, 2.5, none, true], "u": "\u00e9"} | tojson }}'
          tj2: "{{ {'b': 1, 'a': {'c': 2}} | tojson(indent=2) }}"
          paths: "{{ ['/a/b/c.tar.gz' | basename, '/a/b/c.tar.gz' | dirname, '/a/b/c.tar.gz' | splitext | list] }}"
          rfa: "{{ 'k1=v1,k2=v2' | regex_findall('(\\\\w+)=(\\\\w+)') }}"
          yaml_rt: "{{ 'a: [1, 2]' | from_yaml }}"
          to_yaml: "{{ {'a': [1, 'x']} | to_yaml }}"
          typ: "{{ [1 | type_debug, 'x' | type_debug, [1] | type_debug, {} | type_debug, none | type_debug, 1.5 | type_debug] }}"
          urls: "{{ 'https://u:p@h.example:8443/p/q?x=1#f' | urlsplit }}"
          rnd: "{{ 100 | random(seed='s1') }}"
          shuf: "{{ [1, 2, 3, 4] | shuffle(seed='s2') }}"
          dt: "{{ ('2024-02-03 04:05:06' | to_datetime).strftime('%Y/%m/%d %H') }}"
          subel: "{{ users | subelements('groups') | map('last') | list }}"
          mand: "{{ d.x | mandatory }}"
          bools: "{{ ['yes' | bool, 'off' | bool, 0 | bool, 'True' | bool] }}"
          lst: "{{ 'abc' | list }}"
          slc: "{{ nums[1:3] }}"
          rev: "{{ nums | reverse | list }}"
          srt: "{{ users | sort(attribute='name', reverse=true) | map(attribute='name') | list }}"
    - copy:
        dest: "{{ out }}/r.json"
        content: "{{ {'acc': acc, 'f': f} | to_json }}"
`;
test('lookup loops and everyday filters, groupby and tojson among them, as ansible-playbook 2.14', async () => {
  const r = await compareOk(PLAYBOOK);
  const a = sameJson<{ f: Record<string, unknown> }>(r, 'r.json');
  assert.equal(a.f.grp4, 'g1=1;g3=1;');
});
