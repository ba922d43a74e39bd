import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { hostInventoryVars, invalidateInventoryVars, magicVars, sortGroups } from '../../src/inventory/vars.js';

const FIX = join(import.meta.dirname, '../fixtures/inventory');
const nested = (extra?: string[]) => loadInventory(join(FIX, 'nested/hosts.yml'), { extraVarsDirs: extra });

test('inventory-source precedence: all < parent < child < host', () => {
  const inv = loadInventory(join(FIX, 'nested/hosts.yml'));
  // workera: all(level=all) < k8s(level=k8s) < workers(level=workers); no files touch "level" for it
  assert.equal(hostInventoryVars(inv, 'workera').level, 'workers');
  // gpu1: gpu is a child of workers
  assert.equal(hostInventoryVars(inv, 'gpu1').level, 'gpu');
  // node03: host var wins over every group and group_vars file
  assert.equal(hostInventoryVars(inv, 'node03').level, 'host');
  // bastion: only all
  assert.equal(hostInventoryVars(inv, 'bastion').level, 'all');
  assert.equal(hostInventoryVars(inv, 'bastion').from_all, true);
});

test('group_vars files (name.yml, name.yaml, no extension, folder) and host_vars (.yml, .json) override the inventory', () => {
  const inv = nested();
  const g = (n: string) => inv.groups.get(n)!;
  assert.deepEqual(g('all').vars, { level: 'all', from_all: true, k8s_version: '1.29.6', from_group_vars_all: true });
  assert.deepEqual(g('control_plane').vars, { level: 'control_plane_file', cp_file: 'yaml' });
  // folder: files merged in lexical order; hidden files and other extensions skipped
  assert.deepEqual(g('workers').vars, { level: 'workers', w_base: 1, w_shared: 'over' });
  assert.deepEqual(g('gpu').vars, { level: 'gpu', gpu_noext: true });
  assert.deepEqual(inv.hosts.get('node01')!.vars, { ansible_user: 'root', level: 'host_file' });
  assert.deepEqual(inv.hosts.get('db1')!.vars, { ansible_port: 2222, db_port: 5432 });
  // layers kept apart for Ansible's precedence
  assert.deepEqual(g('control_plane').sourceVars, { level: 'control_plane' });
  assert.deepEqual(g('control_plane').fileVars, [{ level: 'control_plane_file', cp_file: 'yaml' }]);
});

test("Ansible's order: group_vars/ files rank above every group's inventory vars, host vars above all groups", () => {
  const inv = nested();
  const v = hostInventoryVars(inv, 'node02');
  // k8s sets k8s_version in the inventory; group_vars/all.yml wins (all_plugins_inventory > groups_inventory)
  assert.equal(v.k8s_version, '1.29.6');
  // workers (inventory) < control_plane's group_vars file
  assert.equal(v.level, 'control_plane_file');
  assert.equal(v.w_shared, 'over');
  assert.equal(v.role, 'both');
  // host_vars file beats the host's inventory vars
  assert.equal(hostInventoryVars(inv, 'node01').ansible_user, 'root');
  assert.equal(hostInventoryVars(inv, 'node01').level, 'host_file');
});

test('extraVarsDirs (the playbook folder) win over the inventory folder', () => {
  const inv = nested([join(FIX, 'playbook')]);
  assert.equal(hostInventoryVars(inv, 'bastion').k8s_version, '1.31.2');
  assert.equal(hostInventoryVars(inv, 'node02').w_shared, 'playbook');
  assert.equal(hostInventoryVars(inv, 'node01').level, 'playbook_host');
  assert.equal(hostInventoryVars(inv, 'node01').ansible_user, 'root');
  assert.equal(inv.groups.get('workers')!.vars.w_shared, 'playbook');
});

test('same depth: by name, unless ansible_group_priority says otherwise', () => {
  const inv = loadInventory(join(FIX, 'priority/hosts.yml'));
  // h1 in alpha (priority 10) and beta (1): alpha wins despite its name sorting first
  assert.equal(hostInventoryVars(inv, 'h1').v, 'alpha');
  // h2 in beta and gamma (both 1): the later name wins
  assert.equal(hostInventoryVars(inv, 'h2').v, 'gamma');
  assert.equal(inv.groups.get('alpha')!.priority, 10);
  assert.deepEqual(sortGroups(inv, ['alpha', 'beta', 'all', 'gamma']), ['all', 'beta', 'gamma', 'alpha']);
});

test('the implicit localhost gets all-group vars and host_vars/localhost', () => {
  const v = hostInventoryVars(nested(), 'localhost');
  assert.equal(v.ansible_connection, 'local');
  assert.equal(v.local_var, 'here');
  assert.equal(v.from_group_vars_all, true);
  assert.equal(v.level, 'all');
});

test('vars are cached per host (same frozen object) until invalidated', () => {
  const inv = nested();
  const a = hostInventoryVars(inv, 'node02');
  assert.equal(hostInventoryVars(inv, 'node02'), a);
  assert.ok(Object.isFrozen(a));
  inv.hosts.get('node02')!.sourceVars!.role = 'changed';
  assert.equal(hostInventoryVars(inv, 'node02').role, 'both');
  invalidateInventoryVars(inv, 'node02');
  assert.equal(hostInventoryVars(inv, 'node02').role, 'changed');
  inv.groups.get('all')!.sourceVars!.from_all = 'x';
  invalidateInventoryVars(inv);
  assert.equal(hostInventoryVars(inv, 'node02').from_all, 'x');
  assert.throws(() => hostInventoryVars(inv, 'nope'), /unknown host "nope"/);
});

test('an Inventory built by hand (only merged vars) still layers all < groups by depth < host', () => {
  const inv: Inventory = {
    sources: [],
    hosts: new Map([['h', { name: 'h', vars: { a: 'host' }, groups: ['all', 'p', 'c'] }]]),
    groups: new Map([
      ['all', { name: 'all', hosts: [], children: ['p'], parents: [], vars: { a: 'all', b: 'all', c: 'all' }, depth: 0 }],
      ['c', { name: 'c', hosts: ['h'], children: [], parents: ['p'], vars: { b: 'c' }, depth: 2 }],
      ['p', { name: 'p', hosts: [], children: ['c'], parents: ['all'], vars: { b: 'p', c: 'p' }, depth: 1 }],
    ]),
  };
  assert.deepEqual(hostInventoryVars(inv, 'h'), { a: 'host', b: 'c', c: 'p' });
});

test('magic vars: groups (with all and ungrouped) and sorted group_names without all (ungrouped kept, as Ansible)', () => {
  const inv = nested();
  const m = magicVars(inv);
  // Ansible's Group.get_hosts order: own hosts, then children breadth first
  assert.deepEqual(m.groups.all, ['bastion', 'db1', 'node03', 'node01', 'node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5']);
  assert.deepEqual(m.groups.ungrouped, ['bastion']);
  assert.deepEqual(m.groups.workers, ['node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5', 'node03']);
  assert.deepEqual(m.groups.k8s, ['node01', 'node02', 'node03', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5']);
  assert.deepEqual(m.groups.gpu, ['gpu1', 'gpu3', 'gpu5', 'node03']);
  assert.deepEqual(m.group_names.node03, ['control_plane', 'db', 'gpu', 'k8s', 'workers']);
  assert.deepEqual(m.group_names.bastion, ['ungrouped']);
  assert.deepEqual(m.groupNames('node02'), ['control_plane', 'k8s', 'workers']);
  assert.deepEqual(m.groupNames('unknown'), []);
  assert.equal(magicVars(inv), m);
});
