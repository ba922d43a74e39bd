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
  // a warning names what was skipped; with no host left, the play matches none
  ['inventory folder without inventory', { files: { 'site.yml': play('    - debug: msg=x\n'), 'inv/group_vars/all.yml': 'a: 1\n', 'inv/hosts.ini': '[g]\nh\n' }, inv: 'inv', code: 6, at: 'site.yml:1:3', msg: 'no play matched a host: "all"' }],
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
  ['an unclosed quote in a free-form command', { files: { 'site.yml': play("    - command: echo it's\n") }, code: 4, at: 'site.yml:4:16', msg: 'an unclosed single quote' }],
  // templates compiled at load time
  ['a Jinja2 syntax error in module arguments', { files: { 'site.yml': play('    - debug:\n        msg: "{{ x | }}"\n') }, code: 4, at: 'site.yml:5:14', msg: 'template syntax error: expected symbol, got variable-end (template line 1, column 8)' }],
  ['a Jinja2 syntax error in k=v arguments', { files: { 'site.yml': play('    - debug: msg={{ x\n') }, code: 4, at: 'site.yml:4:14', msg: 'template syntax error' }],
  ['a Jinja2 syntax error in when:', { files: { 'site.yml': play('    - debug: msg=x\n      when: x ==\n') }, code: 4, at: 'site.yml:5:13', msg: 'template syntax error: unexpected token: }} (template line 1, column 6)' }],
  ['an unknown filter', { files: { 'site.yml': play('    - debug:\n        msg: "{{ x | defualt(1) }}"\n') }, code: 4, at: 'site.yml:5:14', msg: "no filter named 'defualt'" }],
  ['an unknown test in when:', { files: { 'site.yml': play('    - debug: msg=x\n      when: x is definde\n') }, code: 4, at: 'site.yml:5:13', msg: "no test named 'definde'" }],
  ['an unknown filter in loop:', { files: { 'site.yml': play('    - debug: msg={{ item }}\n      loop: "{{ xs | flaten }}"\n') }, code: 4, at: 'site.yml:5:13', msg: "no filter named 'flaten'" }],
  ['an unknown filter in changed_when: (a list)', { files: { 'site.yml': play('    - command: "true"\n      changed_when:\n        - r.rc == 0\n        - r.stdout | trimm\n') }, code: 4, at: 'site.yml:7:11', msg: "no filter named 'trimm'" }],
  ['an unknown test in failed_when:', { files: { 'site.yml': play('    - command: "true"\n      failed_when: r is faild\n') }, code: 4, at: 'site.yml:5:20', msg: "no test named 'faild'" }],
  ["an unknown test in assert's that:", { files: { 'site.yml': play('    - assert:\n        that: [x is sucess]\n') }, code: 4, at: 'site.yml:5:16', msg: "no test named 'sucess'" }],
  ['an unknown filter in play vars', { files: { 'site.yml': play('    - debug: msg=x\n', '  vars:\n    a: "{{ b | to_jsno }}"\n') }, code: 4, at: 'site.yml:4:8', msg: "no filter named 'to_jsno'" }],
  ['an unknown filter in task vars', { files: { 'site.yml': play('    - debug: msg={{ a }}\n      vars:\n        a: "{{ b | uppr }}"\n') }, code: 4, at: 'site.yml:6:12', msg: "no filter named 'uppr'" }],
  ['an unknown filter in role defaults', { files: { 'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [r]\n', 'roles/r/defaults/main.yml': 'a: 1\nb: "{{ a | sting }}"\n', 'roles/r/tasks/main.yml': '- debug: msg=x\n' }, code: 4, at: 'roles/r/defaults/main.yml:2:4', msg: "no filter named 'sting'" }],
  ['a syntax error in a role task file', { files: { 'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [r]\n', 'roles/r/tasks/main.yml': '- debug:\n    msg: "{% if x %}open"\n' }, code: 4, at: 'roles/r/tasks/main.yml:2:10', msg: 'template syntax error' }],
  ['a syntax error in a template file', { files: { 'site.yml': play('    - template: {src: app.conf.j2, dest: /tmp/app.conf}\n'), 'templates/app.conf.j2': 'port = {{ port }}\nname = {{ name | lowr }}\n' }, code: 4, at: 'templates/app.conf.j2:2:18', msg: "no filter named 'lowr' in template app.conf.j2" }],
  // files named literally
  ['a missing copy src', { files: { 'site.yml': play('    - copy: {src: motd.txt, dest: /etc/motd}\n') }, code: 4, at: 'site.yml:4:19', msg: 'could not find file "motd.txt"' }],
  ['a missing copy src in a role (k=v)', { files: { 'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [r]\n', 'roles/r/tasks/main.yml': '- copy: src=motd.txt dest=/etc/motd\n' }, code: 4, at: 'roles/r/tasks/main.yml:1:9', msg: 'could not find file "motd.txt"' }],
  ['a missing template src', { files: { 'site.yml': play('    - template:\n        src: app.j2\n        dest: /tmp/app\n') }, code: 4, at: 'site.yml:5:14', msg: 'could not find template "app.j2"' }],
  ['copy with src and content', { files: { 'site.yml': play('    - copy: {src: a.txt, content: hi, dest: /tmp/a}\n'), 'files/a.txt': 'a\n' }, code: 4, at: 'site.yml:4:35', msg: 'copy: src and content are mutually exclusive' }],
  ['a missing static include_tasks file', { files: { 'site.yml': play('    - include_tasks: setup.yml\n') }, code: 4, at: 'site.yml:4:22', msg: 'task file "setup.yml" not found' }],
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
    assert.match(r.stderr.replace(/^(\[WARNING\]: .*\n)+/, ''), where, 'position');
    assert.ok(r.stderr.includes(c.msg), `message: ${r.stderr}`);
    assert.match(r.stderr, /\n {2}hint: \S/, 'a hint');
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });
}

// Valid input that the load-time checks must accept (--syntax-check: exit 0, no host contacted).
const good: [string, Record<string, string>][] = [
  ['templated src, include_tasks name and vars_files', {
    'site.yml': play('    - copy: {src: "{{ item }}", dest: /tmp/x}\n      loop: [a, b]\n    - include_tasks: "{{ os }}.yml"\n', '  vars_files: ["{{ env_file }}"]\n'),
  }],
  ['files found in role files/ and templates/, the role folder and the playbook folder', {
    'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [r]\n  tasks:\n    - copy: {src: top.txt, dest: /tmp/t}\n    - template: {src: top.j2, dest: /tmp/u}\n',
    'files/top.txt': 't\n',
    'templates/top.j2': '{{ inventory_hostname | upper }}\n',
    'roles/r/tasks/main.yml': '- copy: src=a.txt dest=/tmp/a\n- template: src=b.j2 dest=/tmp/b\n- copy: {src: dir/, dest: /tmp/d/}\n- include_tasks: more.yml\n',
    'roles/r/tasks/more.yml': '- debug: msg=more\n',
    'roles/r/files/a.txt': 'a\n',
    'roles/r/files/dir/x': 'x\n',
    'roles/r/templates/b.j2': '{% for x in xs %}{{ x }}{% endfor %}\n',
  }],
  ['remote_src and unarchive from a URL name no workstation file', {
    'site.yml': play('    - copy: {src: /etc/hostname, dest: /tmp/h, remote_src: true}\n    - unarchive: {src: "https://example.org/a.tgz", dest: /tmp}\n'),
  }],
  ['bare conditions, booleans, tests and filters, !unsafe and raw text', {
    'site.yml': play(
      '    - debug: msg=x\n      when: [flag, not other, "x is defined", "n | int > 2", true, "{{ a }} == {{ b }}"]\n' +
        '    - debug: {msg: !unsafe "{{ not a template"}\n' +
        '    - debug: {msg: "{% raw %}{{ .Names | nofilter }}{% endraw %}"}\n' +
        '    - debug: {var: "hostvars[inventory_hostname]"}\n' +
        '    - command: echo "it\'s" {{ x | ansible.builtin.quote }}\n' +
        '    - assert: {that: ["x is version(\'1.2\', \'>=\')", "xs | select(\'match\', \'a\') | list"]}\n',
    ),
  }],
];

for (const [name, files] of good) {
  test(`good input: ${name}`, async () => {
    const r = await run({ files, args: ['--syntax-check', '--output', 'plain'], code: 0, at: '', msg: '' });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.events.length, 0);
  });
}
