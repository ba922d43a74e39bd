/**
 * The PLAY RECAP text against ansible-playbook 2.14's, byte for byte (plain output, no colours):
 * the host column of 26 (a longer name unpadded), each count padded to 4 and the columns joined by
 * one space, the empty line after the hosts; with ok and changed counts of two digits, and failed
 * (ignored), skipped and rescued ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';
import { tempDir } from '../helpers/tmp.js';

const INVENTORY = `all:
  vars: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
  hosts:
    h1: {}
    an-inventory-host-name-longer-than-26: {}
    exactly-twenty-six-chars-x: {}
`;

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      loop: "{{ range(12 if inventory_hostname == 'h1' else 1) | list }}"
    - command: "false"
      ignore_errors: true
      when: inventory_hostname != 'h1'
    - block:
        - fail: {msg: boom}
      rescue:
        - debug: {msg: rescued}
      when: inventory_hostname == 'h1'
    - debug: {msg: x}
      loop: "{{ range(1234 if inventory_hostname == 'h1' else 3) | list }}"
      loop_control: {label: "{{ item }}"}
      when: false
    - debug: {msg: t0}
      changed_when: true
    - debug: {msg: t1}
      changed_when: false
    - debug: {msg: t2}
      changed_when: false
    - debug: {msg: t3}
      changed_when: false
    - debug: {msg: t4}
      changed_when: true
    - debug: {msg: t5}
      changed_when: false
    - debug: {msg: t6}
      changed_when: false
    - debug: {msg: t7}
      changed_when: false
    - debug: {msg: t8}
      changed_when: true
    - debug: {msg: t9}
      changed_when: false
    - debug: {msg: t10}
      changed_when: false
`;

const recapOf = (out: string) => out.slice(out.indexOf('PLAY RECAP'));

test('PLAY RECAP: the same text as ansible-playbook writes', async () => {
  const dir = tempDir('kbs-recap-');
  writeFileSync(join(dir, 'inv.yml'), INVENTORY);
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  const a = await ansiblePlaybook(['-i', join(dir, 'inv.yml'), join(dir, 'site.yml')], dir);
  const k = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.yml'), '--output', 'plain']);
  assert.equal(a.code, 0, a.out.slice(-2000));
  assert.equal(k.code, 0, (k.stdout + k.stderr).slice(-2000));
  // what Ansible writes, so that the comparison is about something
  assert.match(a.out, /^an-inventory-host-name-longer-than-26 : ok=/m);
  assert.match(a.out, /^h1 {25}: ok=\d+ {3,}changed=\d+ /m);
  assert.equal(recapOf(k.stdout), recapOf(a.out.split('\n').filter((l) => !l.startsWith('[WARNING]')).join('\n')));
});
