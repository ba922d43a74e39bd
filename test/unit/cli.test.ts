/** The CLI: bad input is one clear error (file:line:col, hint) before any host is contacted; listing options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLocal, tempDir } from '../helpers/local.js';
import { kbs } from '../helpers/kbs.js';

// An inventory whose host cannot be reached: if validation let a run start, the run would report it.
const UNREACHABLE_INV = 'all:\n  hosts:\n    ghost: {ansible_host: 127.0.0.1, ansible_port: 1}\n';

async function bad(playbook: string, files: Record<string, string> = {}) {
  const r = await runLocal(playbook, { inventory: UNREACHABLE_INV, files });
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.equal(r.events.length, 0, 'no event: nothing ran');
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  return r;
}

test('unknown module: file:line:col and did-you-mean', async () => {
  const r = await bad('- hosts: all\n  tasks:\n    - name: x\n      lineinfil: {path: /tmp/x, line: y}\n');
  assert.match(r.stderr, /site\.yml:4:7: error: .*lineinfil/);
  assert.match(r.stderr, /hint: did you mean lineinfile\?/);
});

test('unknown play keyword, wrong type, YAML error, missing role, unknown module argument', async () => {
  let r = await bad('- hosts: all\n  taks: []\n');
  assert.match(r.stderr, /site\.yml:2:3: error: .*taks/);
  assert.match(r.stderr, /did you mean tasks\?/);
  r = await bad('- hosts: all\n  tasks: {a: 1}\n');
  assert.match(r.stderr, /site\.yml:2:\d+: error: .*tasks/);
  r = await bad('- hosts: all\n  tasks:\n    - debug: msg: x\n');
  assert.match(r.stderr, /site\.yml:3:\d+: error: YAML/);
  r = await bad('- hosts: all\n  roles: [nowhere]\n');
  assert.match(r.stderr, /site\.yml:2:\d+: error: .*nowhere/);
  assert.match(r.stderr, /hint: /);
  r = await bad('- hosts: all\n  tasks:\n    - copy: {dest: /tmp/x, contnet: y}\n');
  assert.match(r.stderr, /site\.yml:3:\d+: error: .*contnet/);
  assert.match(r.stderr, /did you mean content\?/);
});

test('bad inventory and bad -e are refused before anything runs', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'inv.yml'), 'all:\n  hostz: {a: {}}\n');
  writeFileSync(join(dir, 'pb.yml'), '- hosts: all\n  tasks: []\n');
  let r = await kbs(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.yml')]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /inv\.yml:2:3: error: .*hostz/);
  r = await kbs(['run', join(dir, 'pb.yml'), '-i', join(dir, 'missing.yml')]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /missing\.yml/);
});

test('no -i: the implicit localhost only, with the warnings ansible-playbook gives', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pb.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ inventory_hostname }} {{ groups.all | length }}"}\n');
  const r = await kbs(['run', join(dir, 'pb.yml'), '--output', 'plain']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /"msg": "localhost 0"/);
  assert.ok(r.stderr.includes('[WARNING]: No inventory was parsed, only implicit localhost is available\n'), r.stderr);
  assert.ok(
    r.stderr.includes("[WARNING]: provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'\n"),
    r.stderr,
  );
});

test('-i with a comma list of hosts (the host_list form of Ansible)', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pb.yml'), '- hosts: all\n  tasks: []\n');
  let r = await kbs(['run', join(dir, 'pb.yml'), '-i', 'h1:2222,h2,', '--list-hosts', '--output', 'plain']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /hosts \(2\):\n\s+h1\n\s+h2\n/);
  assert.doesNotMatch(r.stderr, /WARNING/);
  r = await kbs(['run', join(dir, 'pb.yml'), '-i', 'solo,', '--list-hosts', '--output', 'plain']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /hosts \(1\):\n\s+solo\n/);
});

test('--syntax-check, --list-hosts, --list-tasks touch no host', async () => {
  const pb = '- name: P\n  hosts: all\n  tasks:\n    - {name: one, debug: {msg: x}, tags: [a]}\n    - name: blk\n      block:\n        - {name: two, debug: {msg: y}}\n';
  let r = await runLocal(pb, { inventory: UNREACHABLE_INV, args: ['--syntax-check', '--output', 'plain'] });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /playbook: /);
  r = await runLocal(pb, { inventory: UNREACHABLE_INV, args: ['--list-hosts', '--output', 'plain'] });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /hosts \(1\):\n\s+ghost/);
  r = await runLocal(pb, { inventory: UNREACHABLE_INV, args: ['--list-tasks', '--output', 'plain'] });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /one\tTAGS: \[a\]/);
  assert.match(r.stdout, /two\tTAGS: \[\]/);
});

test('an unreachable host is reported as unreachable (exit 3), not failed', async () => {
  const r = await runLocal('- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n', {
    inventory: UNREACHABLE_INV,
    args: ['--connect-timeout', '2'],
  });
  assert.equal(r.code, 3, r.stdout);
  assert.equal(r.recap.ghost.unreachable, 1);
  assert.equal(r.recap.ghost.failed, 0);
});
