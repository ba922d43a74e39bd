/**
 * Bad input through the CLI, as one table: input files (+ options) → exit code, position and
 * message. Every case must be refused before any host is contacted: the inventory's only host
 * cannot be reached, and no engine event may appear. Adding a case is adding one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/local.js';
import { kbs } from '../helpers/kbs.js';

// The only host cannot be reached: a run that started would report it unreachable (exit 3).
const INV = 'all:\n  hosts:\n    ghost: {ansible_host: 127.0.0.1, ansible_port: 1}\n';
const play = (tasks: string, head = '') => `- hosts: all\n  gather_facts: false\n${head}  tasks:\n${tasks}`;

interface Case {
  /** files of the project; site.yml is the playbook, inventory.yml the inventory (INV unless given) */
  files: Record<string, string>;
  /** more options; DIR is the project folder */
  args?: string[];
  /** -i (relative to the project folder); default inventory.yml */
  inv?: string;
  code: number;
  /** "file:line:col" (relative), "" when the error names no file */
  at: string;
  msg: string;
}

const cases: [string, Case][] = [
  // nothing selected: exit 6
  ['--limit matches no host', { files: { 'site.yml': play('    - debug: msg=x\n') }, args: ['--limit', 'ghots'], code: 6, at: '', msg: '--limit "ghots" matched no host' }],
  ['no play matches a host', { files: { 'site.yml': play('    - debug: msg=x\n').replace('all', 'web') }, code: 6, at: 'site.yml:1:3', msg: 'no play matched a host: "web"' }],
  ['inventory folder without inventory', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inv/group_vars/all.yml': 'a: 1\n' }, inv: 'inv', code: 6, at: 'inv', msg: 'holds no inventory file' }],
  ['--start-at-task names no task', { files: { 'site.yml': play('    - name: one\n      debug: msg=x\n') }, args: ['--start-at-task', 'onee'], code: 6, at: '', msg: '--start-at-task "onee" names no task' }],
];

async function run(c: Case) {
  const dir = tempDir('kbs-bad-');
  const files = { 'inventory.yml': INV, ...c.files };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const args = (c.args ?? []).map((a) => a.replace(/\bDIR\b/g, dir));
  const r = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, c.inv ?? 'inventory.yml'), ...args]);
  return { ...r, stderr: r.stderr.split(dir + '/').join('').split(dir).join('DIR') };
}

for (const [name, c] of cases) {
  test(`bad input: ${name} -> exit ${c.code}${c.at ? ` at ${c.at}` : ''}`, async () => {
    const r = await run(c);
    assert.equal(r.code, c.code, r.stderr + r.stdout);
    assert.equal(r.events.length, 0, 'nothing ran: no engine event');
    assert.ok(r.stderr.startsWith(`${c.at ? c.at + ': ' : ''}error: `), `position: ${r.stderr}`);
    assert.ok(r.stderr.includes(c.msg), `message: ${r.stderr}`);
    assert.match(r.stderr, /\n {2}hint: \S/, 'a hint');
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });
}
