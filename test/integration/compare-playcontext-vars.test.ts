/**
 * The variables Ansible's VariableManager and PlayContext give every task, kbs against
 * ansible-playbook 2.14 over a real sshd: `vars` (the variables as data, not templated when read
 * through it) and `environment` (the task's environment list), then the connection variables a
 * task has without setting them (ansible_host from the inventory name, ansible_user from
 * the remote_user keyword (not ansible_port from the port keyword), ansible_connection, the timeout, pipelining, the shell) where
 * the task has none of its own, `connection: local` turning them local, in conditions, loops and
 * in varnames' list. The connection itself must stay the one the task's own variables make.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { runKbsLocal } from '../helpers/compare-debug.js';
import { runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;

before(async () => {
  ({ sshd, work } = await startHosts('pcvars', {}));
});
after(() => stopHosts(sshd, work));

const CONN = '{{ ansible_host }}|{{ ansible_ssh_host }}|{{ ansible_user }}|{{ ansible_port | default(0) }}|{{ ansible_connection }}|{{ ansible_timeout }}|{{ ansible_pipelining }}|{{ ansible_shell_executable }}|{{ ansible_module_compression }}';

function files(dir: string): { inv: string; pb: string } {
  const inv = join(dir, 'inv.yml');
  // the host's name is its address: no ansible_host, no ansible_user, no ansible_port (and
  // ansible_connection, as kbs takes an inventory host named 127.0.0.1 as local: docs/playbooks.md)
  writeFileSync(
    inv,
    ['all:', '  hosts:', '    127.0.0.1:', '      ansible_connection: ssh', `      ansible_ssh_private_key_file: ${sshd.clientKey}`, `      ansible_ssh_common_args: "-o UserKnownHostsFile=${sshd.knownHostsFile}"`].join('\n') + '\n',
  );
  const pb = join(dir, 'site.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  remote_user: kbstest
  port: "{{ sshd_port }}"
  environment: {P: "{{ 1 + 1 }}"}
  vars:
    y: 5
    x: "{{ y }}"
    d: {k: "{{ y }}"}
  tasks:
    - name: connection variables
      debug: msg="${CONN}"
    - name: in a condition, with the login working
      command: id -un
      register: r
      changed_when: false
      when: ansible_host == '127.0.0.1' and ansible_user == 'kbstest'
    - debug: msg="login {{ r.stdout }}"
    - name: in a loop
      debug: msg="{{ item }} {{ ansible_user }} {{ ansible_host }}"
      loop: [1, 2]
    - name: the task's own variables win
      debug: msg="{{ ansible_user }} {{ ansible_timeout }}"
      vars:
        ansible_user: someone
        ansible_timeout: 7
    - name: connection local
      debug: msg="{{ ansible_connection }} {{ ansible_user }} {{ ansible_host }}"
      connection: local
    - name: vars and environment
      debug: msg="{{ vars['x'] }}|{{ vars.d }}|{{ vars['y'] + 1 }}|{{ 'vars' in vars }}|{{ 'item' in vars }}|{{ vars.environment }}|{{ vars['nope'] | default('dflt') }}|{{ vars.inventory_hostname }}"
    - name: the environment list
      block:
        - debug: msg="{{ environment }}"
          environment: {T: 1}
      environment: {B: 2}
    - name: names
      debug: msg="{{ lookup('varnames', '.*') }}"
      vars: {tv: 1}
    - name: not in hostvars
      debug: msg="{{ hostvars['127.0.0.1'].vars | default('none') }} {{ hostvars['127.0.0.1'].environment | default('none') }} {{ hostvars['127.0.0.1'].ansible_module_compression | default('none') }}"
`,
  );
  return { inv, pb };
}

test('vars, environment and the PlayContext connection variables: as ansible-playbook', async () => {
  const run = async (tool: 'a' | 'k') => {
    const dir = join(work, tool);
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const { inv, pb } = files(dir);
    const args = ['-i', inv, pb, '-e', `sshd_port=${sshd.port}`];
    // kbs does not pipeline and says so (ansible_pipelining False): Ansible with its default here
    return runTool(tool, dir, args, { ANSIBLE_PIPELINING: 'False' });
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  // Ansible's first module on a host sets discovered_interpreter_python (a known difference)
  const names = (x: unknown) => String(x).replace(',discovered_interpreter_python', '');
  const ka = k.msgs['127.0.0.1'];
  const aa = a.msgs['127.0.0.1'];
  assert.equal(names(ka[7]), names(aa[7]));
  assert.deepEqual([...ka.slice(0, 7), ...ka.slice(8)], [...aa.slice(0, 7), ...aa.slice(8)]);
  // the values, so that the comparison cannot pass on two wrong answers
  assert.equal(ka[0], '127.0.0.1|127.0.0.1|kbstest|0|ssh|10|False|/bin/sh|ZIP_DEFLATED');
  assert.equal(ka[1], 'login kbstest');
  assert.equal(ka[3], 'someone 7');
  assert.equal(ka[4], 'ssh kbstest 127.0.0.1');
  assert.equal(ka[5], "{{ y }}|{'k': '{{ y }}'}|6|False|False|[{'P': '{{ 1 + 1 }}'}]|dflt|127.0.0.1");
  assert.deepEqual(ka[6], [{ P: '2' }, { B: 2 }, { T: 1 }]);
  assert.match(String(ka[7]), /,hostvars,environment,vars,ansible_current_hosts,ansible_failed_hosts,ansible_search_path,ansible_module_compression,ansible_shell_executable,ansible_ssh_host,ansible_host,ansible_ssh_user,ansible_user,ansible_ssh_pipelining,ansible_pipelining,ansible_ssh_timeout,ansible_timeout,ansible_private_key_file$/);
  assert.equal(ka[8], 'none none none');
  // the loop's items, from kbs's own events
  assert.match(k.out, /"msg":"1 kbstest 127\.0\.0\.1"/);
  assert.match(k.out, /"msg":"2 kbstest 127\.0\.0\.1"/);
});

test('delegate_to: the connection variables are the delegate\'s where the task has none, and the labels name it', async () => {
  const run = async (tool: 'a' | 'k', plain = false): Promise<{ code: number; msgs: Record<string, unknown[]>; out: string }> => {
    const dir = join(work, `deleg-${tool}${plain ? '-plain' : ''}`);
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const inv = join(dir, 'inv.yml');
    const common = [`      ansible_ssh_private_key_file: ${sshd.clientKey}`, `      ansible_ssh_common_args: "-o UserKnownHostsFile=${sshd.knownHostsFile}"`, `      ansible_port: ${sshd.port}`];
    writeFileSync(
      inv,
      ['all:', '  hosts:', '    h1:', '      ansible_host: 127.0.0.1', ...common, '    d1:', '      ansible_host: 127.0.0.1', '      ansible_user: kbstest', ...common, '    d2:', '      ansible_connection: ssh'].join('\n') + '\n',
    );
    const pb = join(dir, 'site.yml');
    const show = '{{ ansible_host }}|{{ ansible_ssh_host }}|{{ ansible_user | default(\'-\') }}|{{ ansible_ssh_user | default(\'-\') }}|{{ ansible_port }}|{{ ansible_ssh_port | default(\'-\') }}|{{ ansible_connection }}';
    writeFileSync(
      pb,
      `- hosts: h1
  gather_facts: false
  remote_user: root
  tasks:
    - name: own
      debug: msg="${show}"
    - name: to d1
      debug: msg="${show}"
      delegate_to: d1
    - name: to d2, no address
      debug: msg="${show}"
      delegate_to: d2
    - name: to a name outside the inventory
      debug: msg="${show}"
      delegate_to: elsewhere
    - name: the condition sees the delegate's
      debug: msg="when held"
      when: ansible_user == 'kbstest'
      delegate_to: d1
    - name: the delegate's login
      command: id -un
      register: r
      changed_when: false
      delegate_to: d1
    - debug: msg="{{ r.stdout }}"
    - name: the task's own variables win
      debug: msg="{{ ansible_user }}"
      vars: {ansible_user: mine}
      delegate_to: d1
    - name: per item
      debug: msg="{{ ansible_host }}"
      loop: [d1, d2, h1]
      delegate_to: "{{ item }}"
`,
    );
    const args = ['-i', inv, pb];
    // the result lines as each tool prints them: Ansible's default callback, kbs's plain view
    if (plain) return tool === 'k' ? runKbsLocal([...args, '--output', 'plain']) : ansiblePlaybook(args, dir, { ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_NOCOLOR: '1', ANSIBLE_PIPELINING: 'False' }).then((r) => ({ ...r, msgs: {} }));
    return runTool(tool, dir, args, { ANSIBLE_PIPELINING: 'False' });
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs.h1, a.msgs.h1);
  assert.deepEqual(k.msgs.h1, [
    `127.0.0.1|127.0.0.1|root|root|${sshd.port}|${sshd.port}|ssh`,
    `127.0.0.1|127.0.0.1|kbstest|kbstest|${sshd.port}|${sshd.port}|ssh`,
    // h1's own ansible_host and ansible_port stay (the task's variables have them); the delegate
    // has no address: its name, under the other name
    `127.0.0.1|d2|root|root|${sshd.port}|-|ssh`,
    `127.0.0.1|elsewhere|root|root|${sshd.port}|-|ssh`,
    'when held',
    'kbstest',
    'mine',
    'All items completed',
  ]);
  // the result lines name the delegate, with its address when that is another name
  const labels = (out: string) => out.split('\n').filter((l) => /^(ok|changed): \[/.test(l)).map((l) => l.replace(/\] .*/, ']'));
  const ap = await run('a', true);
  const kp = await run('k', true);
  assert.equal(kp.code, 0, kp.out);
  assert.deepEqual(labels(kp.out), labels(ap.out));
  assert.ok(labels(kp.out).includes('ok: [h1 -> d1(127.0.0.1)]'), JSON.stringify(labels(kp.out)));
  assert.ok(labels(kp.out).includes('ok: [h1 -> d2]'));
});
