/**
 * The comma-list inventory (`-i h1,h2,`) read as Ansible's host_list plugin reads it. Expected
 * values are `ansible-inventory -i 'h1:2222,[::1]:23,h1' --list` output (ansible-core 2.14).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { isHostList } from '../../src/inventory/hostlist.js';
import { tempDir } from '../helpers/local.js';

test('a comma list: hosts in ungrouped, host:port sets ansible_port, a repeated host keeps its first port', () => {
  const inv = loadInventory('h1:2222,[::1]:23,h1');
  assert.deepEqual([...inv.hosts.keys()], ['h1', '::1']);
  assert.deepEqual(inv.groups.get('ungrouped')?.hosts, ['h1', '::1']);
  assert.equal(inv.hosts.get('h1')?.vars.ansible_port, 2222);
  assert.equal(inv.hosts.get('::1')?.vars.ansible_port, 23);
  assert.equal(inv.warnings, undefined);
});

test('a trailing comma, spaces and empty items are skipped; a single host needs the comma', () => {
  const inv = loadInventory('solo, ,');
  assert.deepEqual([...inv.hosts.keys()], ['solo']);
  assert.equal(isHostList('solo'), false);
  assert.equal(isHostList('solo,'), true);
});

test('an existing path with a comma is a file, not a host list', () => {
  const dir = tempDir();
  const file = join(dir, 'a,b.yml');
  writeFileSync(file, 'all:\n  hosts:\n    fromfile: {}\n');
  assert.equal(isHostList(file), false);
  assert.deepEqual([...loadInventory(file).hosts.keys()], ['fromfile']);
});

test('an inventory without hosts warns as Ansible does', () => {
  const inv = loadInventory(',');
  assert.equal(inv.hosts.size, 0);
  assert.deepEqual(inv.warnings, ["provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"]);
  assert.equal(inv.implicitLocalhost?.name, 'localhost');
});
