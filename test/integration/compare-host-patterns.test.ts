/**
 * Host patterns against ansible-playbook 2.14.18 on a nested inventory (a host in two branches,
 * hosts directly under all, ranges): which hosts a play gets and in which order (the order a play
 * runs them in and cuts serial batches from): all, globs, regexes, unions in the order written,
 * intersections, exclusions, subscripts, the implicit localhost; and a serial play's batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-debug.js';

const INVENTORY = join(import.meta.dirname, '../fixtures/inventory/nested/hosts.yml');

const PATTERNS = [
  'all',
  '*',
  'workers',
  'ungrouped',
  'worker*',
  'worker[!a]',
  '~work',
  '~node0[12]',
  'db1:bastion',
  'db,bastion,db1',
  'gpu:control_plane',
  'control_plane:&workers',
  'k8s:!gpu',
  '!gpu:k8s',
  '&workers:!gpu:control_plane:db',
  '!k8s',
  '&db',
  'workers[1:3]',
  'workers[5:]',
  'k8s[2:]',
  'control_plane[0]:workers[-1]',
  'all:!control_plane[1:]',
  'db:web:k8s',
  'node03,db1,bastion',
  'localhost:db1',
];

test('host patterns: the same hosts in the same order as ansible-playbook 2.14.18, serial batches included', async () => {
  const plays = PATTERNS.map(
    (p) => `- hosts: "${p}"\n  gather_facts: false\n  connection: local\n  tasks:\n    - debug: {msg: "${p} => {{ ansible_play_hosts_all | join(' ') }}"}\n      run_once: true\n`,
  );
  plays.push(`- hosts: "db:gpu"\n  gather_facts: false\n  connection: local\n  serial: 2\n  tasks:\n    - debug: {msg: "batch {{ ansible_play_batch | join(' ') }}"}\n`);
  const r = await compareLocal({ 'site.yml': plays.join('') }, { noInventory: true, args: ['-i', INVENTORY], env: { ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' } });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  // (the run_once host is the first of each play: the order shows there too)
  assert.ok(Object.values(r.kbs.msgs).flat().includes('db,bastion,db1 => db1 node03 bastion'));
});
