/**
 * Everyday expressions against ansible-playbook 2.14: str and dict methods, % formatting, int and
 * float arithmetic and rounding, math filters, range, query('dict'), magic variables (group_names
 * holds ungrouped for a host in no group; an IP address is its own inventory_hostname_short), `~`
 * with None ('None'), to_yaml/to_nice_yaml as PyYAML writes them (keys sorted, lists in a mapping
 * not indented, quotes only for text PyYAML would read otherwise: yes, on, not y, n), human_readable.
 * Not compared: to_nice_yaml's default indent of 4 with a list in a mapping (PyYAML writes
 * `k:\n- y` and `-   a: 1`, which kbs does not), and ansible_play_hosts after add_host (Ansible
 * lists the added hosts there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';
const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    d: {a: 1, b: [1, 2]}
    s: "  Hello, World  "
    n: 7
  tasks:
    - add_host:
        name: 10.1.2.3
        groups: [newg]
        ansible_connection: local
    - add_host:
        name: db1.example.com
    - set_fact:
        r:
          - "{{ s.strip() }}"
          - "{{ s.strip().lower().startswith('hello') }}"
          - "{{ s.split(',') }}"
          - "{{ 'a-b-c'.split('-', 1) }}"
          - "{{ '{}-{}'.format(1, 'x') }}"
          - "{{ '%s=%d' % ('k', 3) }}"
          - "{{ '%05.1f' % 3.14159 }}"
          - "{{ 'abc'.replace('b', 'B') }}"
          - "{{ 'x'.join(['1', '2']) }}"
          - "{{ d.get('a') }}"
          - "{{ d.get('z', 'dflt') }}"
          - "{{ d.items() | list }}"
          - "{{ d.keys() | list }}"
          - "{{ 'a' in d }}"
          - "{{ [1, 2, 3].index(2) }}"
          - "{{ (n / 2) | int }}"
          - "{{ n / 2 }}"
          - "{{ '%.2f' | format(n / 3) }}"
          - "{{ (n / 3) | round(2) }}"
          - "{{ 2.5 | round }}"
          - "{{ 3.5 | round }}"
          - "{{ 2.567 | round(1, 'floor') }}"
          - "{{ 100 | log(10) }}"
          - "{{ 2 | pow(10) }}"
          - "{{ 27 | root(3) }}"
          - "{{ range(0, 10, 3) | list }}"
          - "{{ query('dict', d) }}"
          - "{{ inventory_hostname_short }} {{ group_names }} {{ groups.all }}"
          - "{{ n is divisibleby 7 }}"
          - "{{ -n | abs }}"
          - "{{ 'Hello' ~ 5 ~ none }}"
          - "{{ [3, 1] | sort | first }}"
          - "{{ d | dict2items | items2dict }}"
          - "{{ 'a,b' | split(',') }}"
          - "{{ ['a', 'b'] | map('regex_replace', '^', 'x-') | list }}"
          - "{{ 1 if d.b | length > 1 else 0 }}"
          - "{{ d.b[-1] }}"
          - "{{ 'abcdef'[1:4] }}"
          - "{{ {'x': 1} | combine({'y': 2}) | to_nice_yaml }}"
          - "{{ 12345678 | human_readable }}"
          - "{{ '1K' | human_to_bytes }}"
          - "{{ hostvars['10.1.2.3'].inventory_hostname_short }} {{ hostvars['10.1.2.3'].group_names }}"
          - "{{ hostvars['db1.example.com'].inventory_hostname_short }} {{ hostvars['db1.example.com'].group_names }}"
          - "{{ {'y': 'n', 'Y': 'N', 'yes': 'on', 'k': {'b': 'off', 'a': 'x'}} | to_nice_yaml }}"
          - "{{ {'y': 'n', 'k': ['y', 'off', {'b': 1, 'a': [1]}]} | to_nice_yaml(indent=2) }}"
          - "{{ {'y': 'n', 'k': ['Y', 'yes']} | to_yaml }}"
          - "{{ none ~ 1 }}"
    - copy:
        dest: "{{ out }}/r.json"
        content: "{{ r | to_json }}"
`;
test('everyday expressions and magic variables, as ansible-playbook 2.14', async () => {
  const r = await compareOk(PLAYBOOK);
  const a = sameJson<string[]>(r, 'r.json');
  assert.ok(a.some((x) => typeof x === 'string' && x.startsWith("localhost ['ungrouped'] ")), JSON.stringify(a));
  assert.ok(a.includes("10.1.2.3 ['newg']") && a.includes("db1 ['ungrouped']") && a.includes('Hello5None'), JSON.stringify(a));
});
