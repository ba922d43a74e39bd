/**
 * expect, kbs against ansible-playbook 2.14 (pexpect on the host, python3-pexpect from
 * test/setup.sh) over a real sshd on this machine: as root, as a user becoming root through sudo
 * without and with a password (kbs feeds sudo's password outside the command's terminal), a task
 * without become, and on the local connection. Prompts answered (`read -p`, and a password read
 * with echo off), echo on, list answers in turn, a list that runs out, the earliest match first,
 * a number as the answer, the timeout (with the output so far, and counted again from each
 * match), a non-zero rc, pexpect's command line splitting, timeout null, creates/removes
 * (relative to chdir), chdir, a program not found, an empty command, check mode (skipped even
 * when creates would decide). Every registered result is compared but `invocation`; start, end
 * and delta by their shape; the traceback Ansible adds for a program not found is left out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { USERS_WITH_PASSWORD, registeredResult, runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;

const HOSTS = { ...USERS_WITH_PASSWORD, aslocal: { ansible_connection: 'local' } };

before(async () => {
  ({ sshd, work, inv } = await startHosts('expect', HOSTS));
  const ask = ['#!/bin/bash', 'read -p "Name? " name', 'read -s -p "Password: " pw', 'echo', 'echo "hello $name, ${#pw} characters"', 'exit ${1:-0}', ''].join('\n');
  writeFileSync(join(work, 'ask.sh'), ask);
  chmodSync(join(work, 'ask.sh'), 0o755);
  writeFileSync(join(work, 'exists'), '');
  // a become_exe that takes its time before sudo: expect's timeout counts from the command's start
  writeFileSync(join(work, 'slowsudo'), '#!/bin/sh\nsleep 1.5\nexec sudo "$@"\n');
  chmodSync(join(work, 'slowsudo'), 0o755);
});
after(async () => {
  await stopHosts(sshd, work);
});

/** EXPECT registered (errors ignored) and shown: its items but invocation and exception, then the shape of start/end/delta. */
function step(args: string, extra = ''): string {
  const drop = "['invocation', 'ansible_facts', 'exception', 'start', 'end', 'delta']";
  return [
    `    - expect: ${args}`,
    '      register: r',
    '      ignore_errors: true',
    ...(extra ? [extra] : []),
    `    - debug: {msg: "{{ r | dict2items | rejectattr('key', 'in', ${drop}) | sort(attribute='key') | list }}"}`,
    `    - debug: {msg: "{{ [r.start, r.end, r.delta] | map('regex_replace', '[0-9]', '0') | list if 'delta' in r else 'none' }}"}`,
    '',
  ].join('\n');
}

const ASK = '"{{ work }}/ask.sh"';
const LOOP = `"bash -c 'for i in 1 2 3; do read -p \\"Q$i? \\" a; echo \\"got $a\\"; done'"`;

const TASKS = [
  // 0: prompts answered, `read -p` and a password read with echo off
  step(`{command: ${ASK}, responses: {"Name\\\\?": bob, "(?i)password:": s3cret}}`),
  // 1: echo on, a list of one answer, a non-zero rc
  step(`{command: "{{ work }}/ask.sh 3", responses: {"Name\\\\?": [bob], "(?i)PASSWORD:": s3cret}, echo: true}`),
  // 2, 3: a list answered in turn; a list that runs out
  step(`{command: ${LOOP}, responses: {"Q\\\\d\\\\?": [a1, a2, 3]}}`),
  step(`{command: ${LOOP}, responses: {"Q\\\\d\\\\?": [a1, a2]}}`),
  // 4: the match that starts first wins; a number as the answer
  step(`{command: "bash -c 'read -p \\"one two? \\" a; echo \\"[$a]\\"'", responses: {two: second, one: 42}}`),
  // 5: the timeout, with the output so far; 6: the time counts again from each match
  step(`{command: "bash -c 'echo started; sleep 5'", responses: {x: y}, timeout: 1}`),
  step(`{command: "bash -c 'sleep 1.2; read -p A: a; sleep 1.2; read -p B: b; echo $a$b'", responses: {"A:": 1, "B:": 2}, timeout: 2}`),
  // 7: pexpect's splitting of the command line, no timeout
  step(`{command: "echo  'a  b' c\\\\ d", responses: {}, timeout: null}`),
  // 8, 9, 10: creates and removes (relative to chdir); 11: chdir
  step('{command: "echo hi", responses: {x: y}, chdir: "{{ work }}", creates: exists}'),
  step('{command: "echo hi", responses: {x: y}, removes: "{{ work }}/missing"}'),
  step('{command: "echo hi", responses: {x: y}, chdir: "{{ work }}", removes: exists}'),
  step('{command: "pwd", responses: {x: y}, chdir: "{{ work }}"}'),
  // 12: a program that is not there; 13: no command
  step('{command: "/no/such/program", responses: {x: y}}'),
  step('{command: " ", responses: {x: y}}'),
  // 14, 15: check mode skips the task, even when creates would decide
  step(`{command: ${ASK}, responses: {"Name\\\\?": bob}}`, '      check_mode: true'),
  step('{command: "echo hi", responses: {x: y}, chdir: "{{ work }}", creates: exists}', '      check_mode: true'),
  // 16: without become
  step('{command: "id -un", responses: {x: y}}', '      vars: {ansible_become: false}'),
];

// 17: a slow become_exe (login and sudo are not the command's time)
TASKS.push(step(`{command: "echo hi", responses: {}, timeout: 1}`, '      become_exe: "{{ work }}/slowsudo"'));

const PB = `- hosts: all
  gather_facts: false
  tasks:
${TASKS.join('')}`;

test('expect: as ansible-playbook, over ssh with and without sudo, and local', async () => {
  const run = async (tool: 'a' | 'k') => {
    const pb = join(work, `expect-${tool}.yml`);
    writeFileSync(pb, PB);
    return runTool(tool, work, ['-i', inv, pb, '-e', `work=${work}`]);
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs, a.msgs);
  // what the results are, so that the comparison cannot pass on two wrong answers
  for (const h of Object.keys(HOSTS)) {
    const m = k.msgs[h].filter((_, i) => i % 2 === 0).map(registeredResult);
    assert.equal(m[0].stdout, 'Name? Password: \r\nhello bob, 6 characters', h);
    assert.equal(m[1].stdout, 'Name? bob\r\nPassword: \r\nhello bob, 6 characters');
    assert.equal(m[1].rc, 3);
    assert.equal(m[1].msg, 'non-zero return code');
    assert.deepEqual(m[2].stdout_lines, ['Q1? got a1', 'Q2? got a2', 'Q3? got 3']);
    assert.equal(m[3].msg, "No remaining responses for 'Q\\d\\?', output was 'b' got a2\\r\\nQ3?''");
    assert.equal(m[4].stdout, 'one two? [42]');
    assert.deepEqual([m[5].msg, m[5].rc, m[5].stdout], ['command exceeded timeout', null, 'started']);
    assert.equal(m[6].stdout, 'A:B:12');
    assert.equal(m[7].stdout, 'a  b c d');
    assert.equal(m[8].stdout, 'skipped, since exists exists');
    assert.equal(m[9].changed, false);
    assert.equal(m[11].stdout, work);
    assert.equal(m[12].msg, 'The command was not found or was not executable: /no/such/program.');
    assert.equal(m[13].msg, 'no command given');
    assert.equal(m[14].skipped, true);
    assert.equal(m[15].skipped, true);
    // without become: the login user
    assert.equal(m[16].stdout, h === 'asuser' ? 'kbstest' : h === 'aspw' ? 'kbspw' : 'root');
    assert.deepEqual([m[17].stdout, m[17].rc], ['hi', 0], h);
  }
});
