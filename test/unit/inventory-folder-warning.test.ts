import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { kbs } from '../helpers/kbs.js';

test('an inventory folder with no file kbs reads: warnings naming the skipped files, as Ansible warns; the run goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-invdir-'));
  try {
    const inv = join(dir, 'inv');
    mkdirSync(join(inv, 'group_vars'), { recursive: true });
    writeFileSync(join(inv, 'hosts.ini'), '[g]\nh1\n');
    writeFileSync(join(inv, 'README.md'), 'notes\n');
    writeFileSync(join(inv, 'group_vars/all.yml'), 'a: 1\n');
    const loaded = loadInventory(inv);
    assert.equal(loaded.hosts.size, 0);
    assert.deepEqual(loaded.warnings?.map((w) => w.split(':')[0]), [`Unable to parse ${inv} as an inventory source`, 'No inventory was parsed, only implicit localhost is available', 'provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match \'all\''].map((w) => w.split(':')[0]));
    assert.match(loaded.warnings![0], /skipped README\.md, hosts\.ini/);
    // another source that reads: only the folder's warning
    writeFileSync(join(dir, 'more.yml'), 'all:\n  hosts:\n    h2: {}\n');
    const two = loadInventory([inv, join(dir, 'more.yml')]);
    assert.deepEqual([...two.hosts.keys()], ['h2']);
    assert.equal(two.warnings?.length, 1);
    // the CLI prints them, and a play on localhost still runs
    writeFileSync(join(dir, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n');
    const r = await kbs(['run', join(dir, 'site.yml'), '-i', inv]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[WARNING\]: Unable to parse .*skipped README\.md, hosts\.ini/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
