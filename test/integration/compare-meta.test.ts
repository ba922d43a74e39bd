/**
 * Explicit meta tasks against ansible-playbook 2.14, output byte for byte from the first task to
 * the end of the recap: the banner once per host for noop, end_host and flush_handlers (a host
 * whose `when` is false skipping), once for the others, which run for the first host only and whose
 * `when` on that host decides for the play (clear_facts, end_play, end_batch).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';
import { tempDir } from '../helpers/tmp.js';

const INVENTORY = 'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}\n  hosts:\n    h1: {}\n    h2: {}\n';

const PER_HOST = `
- hosts: all
  gather_facts: false
  handlers:
    - name: h
      debug: msg=handled
  tasks:
    - command: "true"
      notify: h
    - meta: flush_handlers
    - meta: noop
    - name: named noop
      meta: noop
    - meta: end_host
      when: inventory_hostname == 'h2'
    - debug: msg=after
`;

const ONCE = `
- hosts: all
  gather_facts: false
  tasks:
    - set_fact: {f: "{{ inventory_hostname }}"}
    - meta: clear_facts
      when: inventory_hostname == 'h1'
    - debug: msg="{{ f | default('cleared') }}"
    - name: end_play that only h2 asks for
      meta: end_play
      when: inventory_hostname == 'h2'
    - debug: msg="still here"
    - meta: end_batch
      when: inventory_hostname == 'h1'
    - debug: msg="not reached"
`;

const fromFirstTask = (out: string) => out.slice(out.indexOf('TASK ['));

for (const [name, playbook] of [['per host', PER_HOST], ['once', ONCE]]) {
  test(`meta tasks (${name}): the same output as ansible-playbook`, async () => {
    const dir = tempDir('kbs-meta-');
    writeFileSync(join(dir, 'inv.yml'), INVENTORY);
    writeFileSync(join(dir, 'site.yml'), playbook);
    // one fork: the hosts' lines in inventory order in both
    const a = await ansiblePlaybook(['-i', join(dir, 'inv.yml'), join(dir, 'site.yml'), '-f', '1'], dir);
    const k = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.yml'), '--output', 'plain', '-f', '1']);
    assert.equal(a.code, 0, a.out.slice(-2000));
    assert.equal(k.code, 0, (k.stdout + k.stderr).slice(-2000));
    const want = fromFirstTask(a.out.split('\n').filter((l) => !l.startsWith('[WARNING]')).join('\n'));
    // what Ansible writes, so that the comparison is about something
    if (name === 'per host') assert.match(want, /TASK \[meta\] \*+\nskipping: \[h1\]\n\nTASK \[meta\] \*+\n\nTASK \[debug\]/);
    else assert.match(want, /TASK \[end_play that only h2 asks for\] \*+\nskipping: \[h1\]\n\nTASK \[debug\] \*+\nok: \[h1\] => \{\n {4}"msg": "still here"/);
    assert.equal(fromFirstTask(k.stdout), want);
  });
}
