/**
 * The connection as Ansible makes it for each task, kbs against ansible-playbook 2.14 over a real
 * sshd: the remote_user and port keywords (play, block, task), connection variables from role,
 * block and task `vars:` and from set_fact, which win over the keywords, and become_flags /
 * become_exe (keywords and ansible_become_flags) with a sudo wrapper that logs how it was called.
 * (An imported role's vars would hold for the whole play, as in Ansible; the role here is included.)
 * The accepted-and-ignored keywords collections and debugger load and run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { runKbsLocal } from '../helpers/compare-debug.js';
import { runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;

before(async () => {
  // one host with no ansible_user and no ansible_port: the keywords decide
  ({ sshd, work } = await startHosts('connkw', {}));
});
after(() => stopHosts(sshd, work));

function files(dir: string): { inv: string; pb: string } {
  mkdirSync(join(dir, 'roles/asroot/vars'), { recursive: true });
  mkdirSync(join(dir, 'roles/asroot/tasks'), { recursive: true });
  writeFileSync(join(dir, 'roles/asroot/vars/main.yml'), 'ansible_user: root\n');
  writeFileSync(join(dir, 'roles/asroot/tasks/main.yml'), '- name: role vars\n  command: id -un\n  register: r\n  changed_when: false\n- debug: msg="role {{ r.stdout }}"\n');
  // a sudo that logs its options, then runs sudo with them
  const log = join(dir, 'sudo.log');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  writeFileSync(join(dir, 'mysudo'), `#!/bin/sh\necho "$*" | sed 's#/bin/sh -c .*##' >> ${log}\nexec sudo "$@"\n`);
  chmodSync(join(dir, 'mysudo'), 0o755);
  const inv = join(dir, 'inv.yml');
  writeFileSync(
    inv,
    [
      'all:',
      '  hosts:',
      '    h1:',
      '      ansible_host: 127.0.0.1',
      `      ansible_ssh_private_key_file: ${sshd.clientKey}`,
      `      ansible_ssh_common_args: "-o UserKnownHostsFile=${sshd.knownHostsFile}"`,
    ].join('\n') + '\n',
  );
  const who = (name: string, extra = '') => `    - name: ${name}\n      command: id -un\n      register: r\n      changed_when: false\n${extra}    - debug: msg="${name} {{ r.stdout }}"\n`;
  const pb = join(dir, 'site.yml');
  writeFileSync(
    pb,
    `- hosts: h1
  gather_facts: false
  remote_user: kbstest
  port: "{{ sshd_port }}"
  collections: [ansible.builtin]
  tasks:
${who('play keyword')}${who('task keyword', '      remote_user: root\n')}${who('task vars win', '      remote_user: root\n      vars:\n        ansible_user: kbstest\n')}    - name: block keyword
      remote_user: root
      debugger: never
      block:
${who('in block').replace(/^ {4}/gm, '        ')}    - include_role:
        name: asroot
    - name: become with flags and exe
      command: id -un
      register: r
      changed_when: false
      become: true
      become_flags: "-E -H"
      become_exe: ${join(dir, 'mysudo')}
      collections: [community.general]
    - debug: msg="become {{ r.stdout }}"
    - name: the flags variable wins
      command: id -un
      register: r
      changed_when: false
      become: true
      become_flags: "-E"
      become_exe: ${join(dir, 'mysudo')}
      vars:
        ansible_become_flags: "-P -H"
    - debug: msg="flags var {{ r.stdout }}"
    - set_fact:
        ansible_user: root
    - name: set_fact
      command: id -un
      register: r
      changed_when: false
    - debug: msg="set_fact {{ r.stdout }}"
`,
  );
  return { inv, pb };
}

test('remote_user, port, connection variables in vars and set_fact, become_flags and become_exe: as ansible-playbook', async () => {
  const run = async (tool: 'a' | 'k') => {
    const dir = join(work, tool);
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const { inv, pb } = files(dir);
    const args = ['-i', inv, pb, '-e', `sshd_port=${sshd.port}`];
    const r = await runTool(tool, dir, args);
    const sudo = readFileSync(join(dir, 'sudo.log'), 'utf8');
    return { ...r, sudo };
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs, a.msgs);
  // what the users are, so that the comparison cannot pass on two wrong answers
  assert.deepEqual(k.msgs.h1, ['play keyword kbstest', 'task keyword root', 'task vars win kbstest', 'in block root', 'role root', 'become root', 'flags var root', 'set_fact root']);
  for (const [tool, log] of [['ansible', a.sudo], ['kbs', k.sudo]]) {
    const lines = log.trim().split('\n');
    assert.ok(lines.some((l) => /(^| )-E -H( |$)/.test(l)), `${tool}: become_flags reach sudo through become_exe:\n${log}`);
    assert.ok(lines.some((l) => /(^| )-P -H( |$)/.test(l)), `${tool}: ansible_become_flags wins over the keyword:\n${log}`);
  }
});

test('a bad port keyword fails the task with the value and a hint', async () => {
  const dir = join(work, 'bad');
  mkdirSync(dir);
  const { inv } = files(dir);
  const pb = join(dir, 'bad.yml');
  writeFileSync(pb, '- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: "true"\n      port: "{{ \'x\' }}"\n');
  const k = await runKbsLocal(['-i', inv, pb]);
  assert.equal(k.code, 2, k.out);
  assert.match(k.out, /ansible_port/);
  rmSync(dir, { recursive: true, force: true });
});
