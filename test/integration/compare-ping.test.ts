/**
 * ping, added by following docs/contributing.md, compared with ansible-playbook 2.14: its result
 * (ping: pong, ping: DATA, changed false, also in check mode) and the failure of `data: crash`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLocal } from '../helpers/compare-debug.js';

test('ping: pong, data, check mode, data=crash fails', async () => {
  const r = await compareLocal({
    'site.yml': `
- hosts: local
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
      register: p
    - ping: {data: hello}
      register: d
    - ping:
      check_mode: true
      register: c
    - ping: data=crash
      register: x
      ignore_errors: true
    - debug: msg="{{ [p.ping, p.changed, d.ping, c.ping, x.failed, x.msg, x.rc, x.changed] }}"
`,
  });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.deepEqual(r.kbs.msgs.h1, [['pong', false, 'hello', 'pong', true, 'MODULE FAILURE\nSee stdout/stderr for the exact error', 1, false]]);
});
