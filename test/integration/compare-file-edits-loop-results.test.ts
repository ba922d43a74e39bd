/**
 * A config file edited the everyday way, against ansible-playbook 2.14: lineinfile (regexp,
 * backrefs, insertafter), blockinfile, replace, then stat; a loop's registered items (index_var,
 * label; every key but `invocation`, which kbs's own modules do not give: their arguments are not
 * Ansible's module_args); until with attempts; `file: state=touch` changed every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';
const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - copy:
        dest: "{{ out }}/cfg.ini"
        content: |
          # cfg
          port=80
          host = a
          [sec]
          key=1
    - lineinfile:
        path: "{{ out }}/cfg.ini"
        regexp: '^port='
        line: 'port=8080'
      register: li1
    - lineinfile:
        path: "{{ out }}/cfg.ini"
        regexp: '^host\\s*=\\s*(\\w+)'
        line: 'host = \\1-x'
        backrefs: true
      register: li2
    - lineinfile:
        path: "{{ out }}/cfg.ini"
        line: 'after=1'
        insertafter: '^\\[sec\\]'
      register: li3
    - blockinfile:
        path: "{{ out }}/cfg.ini"
        block: |
          b1=1
          b2=2
      register: bi
    - replace:
        path: "{{ out }}/cfg.ini"
        regexp: 'key=(\\d)'
        replace: 'key=\\1\\1'
      register: rp
    - stat:
        path: "{{ out }}/cfg.ini"
      register: st
    - command: "echo {{ item }}"
      loop: [a, b, c]
      loop_control:
        index_var: idx
        label: "{{ idx }}:{{ item }}"
      register: lp
      changed_when: false
    - shell: "echo $(( {{ attempt | default(0) }} ))"
      register: ut
      until: ut.attempts >= 2
      retries: 3
      delay: 0
      changed_when: false
    - file:
        path: "{{ out }}/touched"
        state: touch
      register: t1
    - file:
        path: "{{ out }}/touched"
        state: touch
      register: t2
    - copy:
        dest: "{{ out }}/summary.json"
        content: "{{ {'li': [li1.changed, li1.msg, li2.changed, li2.msg, li3.changed, li3.msg], 'bi': [bi.changed, bi.msg], 'rp': [rp.changed, rp.msg], 'st': [st.stat.exists, st.stat.isreg, st.stat.size, st.stat.mode], 'lp': lp.results | map(attribute='item') | list, 'lp_idx': lp.results | map(attribute='idx') | list, 'lp_out': lp.results | map(attribute='stdout') | list, 'lp_keys': (lp.results[0].keys() | reject('eq', 'invocation') | list | sort), 'ut': [ut.attempts, ut.stdout], 't': [t1.changed, t2.changed, t1.state]} | to_json }}"
`;
test('file edits, a loop\'s registered items, until and touch, as ansible-playbook 2.14', async () => {
  const r = await compareOk(PLAYBOOK);
  assert.match(r.ansible.files['cfg.ini'], /^port=8080$/m);
  assert.equal(r.kbs.files['cfg.ini'], r.ansible.files['cfg.ini']);
  sameJson(r, 'summary.json');
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
