/**
 * vars_prompt: without a terminal, kbs against ansible-playbook 2.14 on the same playbook (the
 * warning, the default, templated from play vars, "None" without one, -e winning, encrypt with a
 * fixed salt, unsafe); with a terminal (an `ask` given to the CLI in-process): the questions as
 * Ansible words them, an empty answer taking the default, confirm asking again until both answers
 * match, a private answer masked in the output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-prompt-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const PB = `- hosts: all
  gather_facts: false
  vars:
    base: from-play
  vars_prompt:
    - name: plain
      prompt: Your name
      private: false
      default: "{{ base }}-default"
    - name: nodefault
    - name: given
      default: unused
    - name: hashed
      default: secret
      encrypt: sha512_crypt
      salt: abcdefgh12345678
    - name: raw
      default: "{{ '{{' }} not templated {{ '}}' }}"
      unsafe: true
  tasks:
    - name: show plain
      debug: {msg: "{{ plain }}"}
    - name: show nodefault
      debug: {msg: "{{ nodefault }}"}
    - name: show given
      debug: {msg: "{{ given }}"}
    - name: show hashed
      debug: {msg: "{{ hashed }}"}
    - name: show raw
      debug: {msg: "{{ raw }}"}
`;

test('vars_prompt without a terminal: as ansible-playbook', async () => {
  const d = join(dir, 'cmp');
  writeTree(d, { 'inv.ini': 'w1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n', 'pb.yml': PB });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini', ['-e', 'given=from-e']);
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  // the hash's rounds: passlib's default (kbs, as Ansible with python3-passlib) or crypt's 5000
  // (Ansible without passlib): the same salt either way
  for (const s of [r.ansible, r.kbs]) {
    assert.match(String(s['show hashed'].w1), /^\$6\$(rounds=\d+\$)?abcdefgh12345678\$[./0-9A-Za-z]{86}$/);
    delete s['show hashed'];
  }
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(r.kbs['show plain'].w1, 'from-play-default');
  assert.equal(r.kbs['show nodefault'].w1, 'None');
  assert.equal(r.kbs['show given'].w1, 'from-e');
  assert.match(r.ansibleOut, /Not prompting as we are not in interactive mode/);
  assert.match(r.kbsOut, /Not prompting as we are not in interactive mode/);
});

test('vars_prompt on a terminal: the questions, defaults, confirm and a masked private answer', async () => {
  const d = join(dir, 'tty');
  writeTree(d, {
    'inv.ini': 'w1 ansible_connection=local\n',
    'pb.yml': `- hosts: all
  gather_facts: false
  vars_prompt:
    - name: who
      prompt: Your name
      private: false
      default: anon
    - name: pw
      prompt: Password
      confirm: true
    - name: empty
      prompt: Take the default
      private: false
      default: dflt
  tasks:
    - debug: {msg: "{{ who }}|{{ pw }}|{{ empty }}"}
`,
  });
  const asked: string[] = [];
  const answers = ['alice', 's3cret-pw', 'typo', 's3cret-pw', 's3cret-pw', ''];
  let out = '';
  let err = '';
  const code = await main(['run', '-i', join(d, 'inv.ini'), join(d, 'pb.yml')], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    isTTY: false,
    env: process.env,
    ask: async (prompt, secret) => {
      asked.push(`${prompt}${secret ? ' (secret)' : ''}`);
      return answers.shift() ?? '';
    },
  });
  assert.equal(code, 0, out + err);
  assert.deepEqual(asked, [
    'Your name [anon]: ',
    'Password:  (secret)',
    'confirm Password:  (secret)',
    'Password:  (secret)',
    'confirm Password:  (secret)',
    'Take the default [dflt]: ',
  ]);
  assert.match(err, /\*\*\*\*\* VALUES ENTERED DO NOT MATCH \*\*\*\*/);
  assert.match(out, /"msg": "alice\|\*\*\*\*\*\*\*\*\|dflt"/);
  assert.ok(!out.includes('s3cret-pw'), 'the private answer is never printed');
});
