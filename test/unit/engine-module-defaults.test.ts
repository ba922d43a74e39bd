/**
 * module_defaults keys name a module as a task may: short, ansible.builtin./ansible.legacy.,
 * a collection's name (community.general.zypper, ansible.posix.mount) or an alias; later lists win.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultsFor } from '../../src/engine/task-args.js';

test('module_defaults: every name of the module counts, others do not', () => {
  const lists = [
    { zypper: { a: 1, b: 1 }, apt: { x: 1 } },
    [{ 'community.general.zypper': { b: 2, c: 2 } }, { 'ansible.builtin.zypper': { d: 3 } }],
    { 'ansible.posix.mount': { fstype: 'ext4' }, 'community.general.zypper': 'not a mapping', 'group/aws': { region: 'x' } },
  ];
  assert.deepEqual(defaultsFor('zypper', lists), { a: 1, b: 2, c: 2, d: 3 });
  assert.deepEqual(defaultsFor('mount', lists), { fstype: 'ext4' });
  assert.deepEqual(defaultsFor('apt', lists), { x: 1 });
  assert.deepEqual(defaultsFor('yum', lists), {});
  // an alias key (ansible.builtin.systemd_service is systemd)
  assert.deepEqual(defaultsFor('systemd', [{ 'ansible.builtin.systemd_service': { daemon_reload: true } }]), { daemon_reload: true });
});
