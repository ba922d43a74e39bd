/**
 * getent and debconf, kbs against ansible-playbook 2.14 over a real sshd (the test machine's own
 * name service and debconf database): every registered result (but `invocation`), the facts getent
 * sets (getent_DATABASE and ansible_facts.getent_DATABASE), debconf's changed / unchanged runs,
 * booleans given as YAML booleans, check mode, --diff, and what both refuse. Each tool sets
 * questions of a package of its own (debconf keeps questions of packages that are not installed);
 * they are purged before and after.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { runAnsibleLocal, runKbsLocal } from '../helpers/compare-debug.js';
import { USERS, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;

const PKGS = ['kbscmpdca', 'kbscmpdck'];
function purge(): void {
  for (const p of PKGS) execFileSync('sh', ['-c', `echo PURGE | debconf-communicate ${p} >/dev/null 2>&1; true`]);
}

before(async () => {
  purge();
  ({ sshd, work, inv } = await startHosts('getdeb', { asroot: USERS.asroot }));
});
after(async () => {
  purge();
  await stopHosts(sshd, work);
});

const PB = `- hosts: asroot
  gather_facts: false
  tasks:
    - getent: {database: passwd, key: root}
      register: r
    - debug: {msg: "{{ r | dict2items | rejectattr('key', 'eq', 'invocation') | sort(attribute='key') | list }}"}
    - debug: {msg: "{{ getent_passwd.root }} {{ ansible_facts.getent_passwd.root[5] }}"}
    - getent: {database: group, key: root, split: ":"}
      register: r
    - debug: {msg: "{{ r.ansible_facts }}"}
    - getent: {database: hosts, key: localhost}
      register: r
    - debug: {msg: "{{ r.ansible_facts.getent_hosts | dict2items | map(attribute='key') | list }}"}
    - getent: {database: passwd, key: nosuchuserkbs, fail_key: false}
      register: r
    - debug: {msg: "{{ r | dict2items | rejectattr('key', 'eq', 'invocation') | sort(attribute='key') | list }}"}
    - getent: {database: passwd, key: nosuchuserkbs}
      register: r
      ignore_errors: true
    - debug: {msg: "{{ r.failed }} {{ r.msg }}"}
    - getent: {database: nosuchdb}
      register: r
      ignore_errors: true
    - debug: {msg: "{{ r.failed }} {{ r.msg }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/s", vtype: string, value: "hello world"}
      register: r
    - debug: {msg: "{{ r | dict2items | rejectattr('key', 'in', ['invocation', 'diff']) | sort(attribute='key') | list | replace(pkg, 'PKG') }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/s", vtype: string, value: "hello world"}
      register: r
    - debug: {msg: "{{ r | dict2items | rejectattr('key', 'in', ['invocation', 'diff']) | sort(attribute='key') | list | replace(pkg, 'PKG') }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/b", vtype: boolean, value: true}
      register: r
    - debug: {msg: "{{ r.changed }} {{ r.current | dict2items | map(attribute='value') | list }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/b", vtype: boolean, value: "True"}
      register: r
    - debug: {msg: "{{ r.changed }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/t", vtype: string, value: yes}
      register: r
    - debug: {msg: "{{ r.changed }} {{ r.current | dict2items | map(attribute='value') | list }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/s", vtype: string, value: "other"}
      register: r
      check_mode: true
      diff: true
    - debug: {msg: "{{ r.changed }} {{ r.previous | dict2items | map(attribute='value') | list }} {{ r.diff | default('none') | string | replace(pkg, 'PKG') }}"}
    - debconf: {name: "{{ pkg }}"}
      register: r
    - debug: {msg: "{{ r.current | dict2items | map(attribute='value') | sort(case_sensitive=true) }}"}
    - debconf: {name: "{{ pkg }}", question: "{{ pkg }}/x", vtype: string}
      register: r
      ignore_errors: true
    - debug: {msg: "{{ r.failed }}"}
`;

test('getent and debconf: as ansible-playbook', async () => {
  const pb = join(work, 'pb.yml');
  writeFileSync(pb, PB);
  const a = await runAnsibleLocal(work, ['-i', inv, pb, '-e', `pkg=${PKGS[0]}`, '-e', 'ansible_python_interpreter=/usr/bin/python3']);
  const k = await runKbsLocal(['-i', inv, pb, '-e', `pkg=${PKGS[1]}`, '--output', 'json']);
  assert.equal(a.code, 0, a.out.slice(-3000));
  assert.equal(k.code, 0, k.out.slice(-3000));
  assert.ok((a.msgs.asroot ?? []).length >= 15, a.out.slice(-2000));
  assert.deepEqual(k.msgs.asroot, a.msgs.asroot);
  // what the values are, so that the comparison cannot pass on two wrong answers
  assert.match(String(k.msgs.asroot[1]), /^\['x', '0', '0', 'root', '\/root', '\/bin\/\w+'\] \/bin\/\w+$/);
  assert.equal(execFileSync('sh', ['-c', `debconf-show ${PKGS[1]} | sort`], { encoding: 'utf8' }), execFileSync('sh', ['-c', `debconf-show ${PKGS[0]} | sort`], { encoding: 'utf8' }).replaceAll(PKGS[0], PKGS[1]));
  assert.match(execFileSync('debconf-show', [PKGS[1]], { encoding: 'utf8' }), /kbscmpdck\/s: hello world/);
});
