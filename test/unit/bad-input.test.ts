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
  /** "file:line:col" (relative), "" when the error names no file; ending in ":", a prefix */
  at: string;
  msg: string;
}

const cases: [string, Case][] = [
  // nothing selected: exit 6
  ['--limit matches no host', { files: { 'site.yml': play('    - debug: msg=x\n') }, args: ['--limit', 'ghots'], code: 6, at: '', msg: '--limit "ghots" matched no host' }],
  ['no play matches a host', { files: { 'site.yml': play('    - debug: msg=x\n').replace('all', 'web') }, code: 6, at: 'site.yml:1:3', msg: 'no play matched a host: "web"' }],
  ['inventory folder without inventory', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inv/group_vars/all.yml': 'a: 1\n' }, inv: 'inv', code: 6, at: 'inv', msg: 'holds no inventory file' }],
  ['--start-at-task names no task', { files: { 'site.yml': play('    - name: one\n      debug: msg=x\n') }, args: ['--start-at-task', 'onee'], code: 6, at: '', msg: '--start-at-task "onee" names no task' }],
  // YAML: aliases, merges, nesting, size
  ['an alias without its anchor', { files: { 'site.yml': play('    - debug: *msg\n') }, code: 4, at: 'site.yml:4:14', msg: 'YAML alias "*msg" has no anchor' }],
  ['a merge of a scalar', { files: { 'site.yml': play('    - debug:\n        <<: *m\n        msg: x\n', '  vars: {m: &m 1}\n') }, code: 4, at: 'site.yml:6:13', msg: 'YAML merge "<<" needs a mapping' }],
  ['a billion laughs', { files: { 'site.yml': play('    - debug: msg=x\n', `  vars:\n${laughs()}`) }, code: 4, at: 'site.yml:11:14', msg: 'YAML aliases expand to too many values' }],
  ['nesting too deep (flow)', { files: { 'site.yml': play('    - debug:\n        msg: ' + '['.repeat(3000) + ']'.repeat(3000) + '\n') }, code: 4, at: 'site.yml:5:', msg: 'YAML nesting too deep: more than 200 levels' }],
  ['nesting too deep (block)', { files: { 'site.yml': play('    - debug: msg=x\n', `  vars:\n${deepBlock(250)}`) }, code: 4, at: 'site.yml:202:401', msg: 'YAML nesting too deep' }],
  ['a YAML file over the size limit', { files: { 'site.yml': play('    - debug: msg=x\n') + `# ${'x'.repeat(3000)}\n` }, args: ['--max-yaml-size', '2k'], code: 4, at: 'site.yml', msg: 'over the 2k limit for YAML files' }],
  ['an inventory over the size limit', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inventory.yml': INV + `# ${'x'.repeat(3000)}\n` }, args: ['--max-yaml-size', '2k'], code: 4, at: 'inventory.yml', msg: 'over the 2k limit' }],
  // inventory limits
  ['a host range too big', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inventory.yml': 'all:\n  hosts:\n    node[0:99999999]:\n' }, code: 4, at: 'inventory.yml:3:5', msg: 'host range "node[0:99999999]" expands to more than 100000 hosts' }],
  ['a product of ranges too big', { files: { 'site.yml': play('    - debug: msg=x\n'), 'hosts.ini': '[web]\nn[0:999]x[0:999]\n' }, inv: 'hosts.ini', code: 4, at: 'hosts.ini:2:1', msg: 'expands to more than 100000 hosts' }],
  // connection variables, at the value
  ['ansible_port: twenty-two', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inventory.yml': 'all:\n  hosts:\n    web1:\n      ansible_port: twenty-two\n' }, code: 4, at: 'inventory.yml:4:21', msg: 'host web1: ansible_port must be a port number from 1 to 65535, got "twenty-two"' }],
  ['ansible_port out of range in group vars', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inventory.yml': 'web:\n  hosts: {web1: {}}\n  vars:\n    ansible_port: 70000\n' }, code: 4, at: 'inventory.yml:4:19', msg: 'group web: ansible_port must be a port number' }],
  ['ansible_host empty', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inventory.yml': 'all:\n  hosts:\n    web1: {ansible_host: ""}\n' }, code: 4, at: 'inventory.yml:3:26', msg: 'host web1: ansible_host is empty' }],
  ['ansible_user not a string (host_vars)', { files: { 'site.yml': play('    - debug: msg=x\n'), 'host_vars/ghost.yml': 'a: 1\nansible_user: [root]\n' }, code: 4, at: 'host_vars/ghost.yml:2:15', msg: 'ansible_user must be a user name' }],
  ['ansible_connection unknown (group_vars)', { files: { 'site.yml': play('    - debug: msg=x\n'), 'group_vars/all.yml': 'ansible_connection: docker\n' }, code: 4, at: 'group_vars/all.yml:1:21', msg: 'ansible_connection must be one of ssh, local' }],
  ['ansible_ssh_timeout not a number (INI)', { files: { 'site.yml': play('    - debug: msg=x\n'), 'hosts.ini': '[web]\nghost ansible_host=127.0.0.1 ansible_ssh_timeout=soon\n' }, inv: 'hosts.ini', code: 4, at: 'hosts.ini:2:50', msg: 'host ghost: ansible_ssh_timeout must be a positive number of seconds' }],
  ['ansible_port in -e', { files: { 'site.yml': play('    - debug: msg=x\n') }, args: ['-e', 'ansible_port=ssh'], code: 4, at: '', msg: '-e: ansible_port must be a port number' }],
  ['a private key file readable by others', { files: { 'site.yml': play('    - debug: msg=x\n'), 'id_test': 'key\n', 'inventory.yml': 'all:\n  hosts:\n    ghost: {ansible_host: 127.0.0.1, ansible_ssh_private_key_file: DIR/id_test}\n' }, code: 4, at: 'inventory.yml:3:68', msg: "UNPROTECTED PRIVATE KEY FILE: permissions 0644 for 'id_test' are too open" }],
  // k=v arguments
  ['an unclosed quote in k=v', { files: { 'site.yml': play('    - debug: msg="hello\n') }, code: 4, at: 'site.yml:4:14', msg: 'cannot split the arguments: an unclosed double quote' }],
  ['an unclosed Jinja2 block in k=v', { files: { 'site.yml': play('    - debug: msg={{ x\n') }, code: 4, at: 'site.yml:4:14', msg: 'an unclosed Jinja2 block' }],
  // files named by the playbook
  ['a missing vars_files entry', { files: { 'site.yml': play('    - debug: msg=x\n', '  vars_files:\n    - vars/common.yml\n    - vars/nope.yml\n'), 'vars/common.yml': 'a: 1\n' }, code: 4, at: 'site.yml:5:7', msg: 'vars file "vars/nope.yml" not found' }],
];

function laughs(): string {
  const rows = ['    l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) rows.push(`    l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
  return rows.join('\n') + '\n';
}

function deepBlock(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += `${' '.repeat(4 + 2 * i)}k${i}:\n`;
  return out.replace(/:\n$/, ': 1\n');
}

async function run(c: Case) {
  const dir = tempDir('kbs-bad-');
  const files = { 'inventory.yml': INV, ...c.files };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text.replace(/\bDIR\b/g, dir), { mode: 0o644 });
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
    const where = c.at.endsWith(':') ? new RegExp(`^${c.at}\\d+: error: `) : new RegExp(`^${c.at ? c.at + ': ' : ''}error: `);
    assert.match(r.stderr, where, 'position');
    assert.ok(r.stderr.includes(c.msg), `message: ${r.stderr}`);
    assert.match(r.stderr, /\n {2}hint: \S/, 'a hint');
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });
}
