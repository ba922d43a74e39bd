/**
 * Play and task keywords real playbooks use (play run_once, templated play keywords, vars as a
 * list, module_defaults, throttle, delegate_facts, connection: local, notify on a block,
 * import_tasks in handlers, the legacy include, when on import_playbook, async/poll with
 * async_status, arguments as one expression, templated set_fact keys, !unsafe), compared with
 * ansible-playbook 2.14 on the same playbook.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';
import { kbs } from '../helpers/kbs.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-kw-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const INV = `[web]\nw1\nw2\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n`;

const PLAYS = `
- hosts: web
  gather_facts: false
  run_once: true
  vars:
    - a: 1
    - b: 2
      a: 3
  tasks:
    - name: vars list
      debug: msg="{{ a }} {{ b }}"
    - name: run once from the play
      debug: msg="{{ inventory_hostname }}"
    - name: run_once false on the task wins
      debug: msg="{{ inventory_hostname }}"
      run_once: false
- hosts: web
  gather_facts: false
  any_errors_fatal: "{{ aef | default(false) }}"
  strategy: "{{ strat | default('linear') }}"
  serial: "{{ ser | default(1) }}"
  module_defaults:
    debug: {msg: "default msg"}
    ansible.builtin.command: {chdir: /}
  tasks:
    - name: module defaults
      debug:
    - name: module defaults fqcn
      command: pwd
      changed_when: false
    - name: module defaults overridden
      debug: msg=own
    - name: block module defaults
      block:
        - name: in block
          debug:
      module_defaults:
        debug: {msg: "block default"}
    - name: args expression
      debug: "{{ dbg_args }}"
      vars:
        dbg_args: {msg: "from expr"}
    - name: args keyword expression
      debug:
      args: "{{ dbg_args }}"
      vars:
        dbg_args: {msg: "from args"}
    - name: set_fact templated key
      set_fact:
        "{{ 'fact_' + inventory_hostname }}": yes
    - name: show fact
      debug: msg="{{ hostvars[inventory_hostname]['fact_' + inventory_hostname] }}"
    - name: set_fact free form
      set_fact: "{{ 'ff' }}=1"
    - name: show free form
      debug: msg="{{ ff }}"
    - name: delegate facts
      set_fact: {df: "{{ inventory_hostname }}"}
      delegate_to: w2
      delegate_facts: true
      when: inventory_hostname == 'w1'
    - name: show delegated fact
      debug: msg="{{ df | default('undef') }}"
    - name: notify from a block
      block:
        - name: in notifying block
          command: "true"
      notify: handler from file
    - name: legacy include
      include: inc.yml inc_var=x
    # a dynamic include: Ansible reports the include itself as a result (named "include"), kbs does not
    - include: "{{ 'inc.yml' }}"
      vars:
        inc_var: y
    - name: unsafe
      debug: msg="{{ u }} {{ l[0] }}"
      vars:
        u: !unsafe "{{ not templated }}"
        l: !unsafe ["{{ a }}"]
    - name: unsafe command output
      command: echo "{{ '{{' }} x }}"
      register: out
      changed_when: "'x' in out.stdout"
    - name: show unsafe output
      debug: msg="{{ out.stdout }}"
  handlers:
    - import_tasks: handlers.yml
- import_playbook: other.yml
  when: false
`;

test('play and task keywords as ansible-playbook runs them', async () => {
  const d = join(dir, 'keywords');
  writeTree(d, {
    'inv.ini': INV,
    'pb.yml': PLAYS,
    'handlers.yml': '- name: handler from file\n  debug: msg="handler ran {{ inventory_hostname }}"\n',
    'inc.yml': '- name: included task\n  debug: msg="included {{ inc_var | default(\'none\') }}"\n',
    'other.yml': '- hosts: web\n  gather_facts: true\n  gather_subset: [min]\n  tasks:\n    - name: imported play task\n      debug: msg=imported\n',
  });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.ok(Object.keys(r.ansible).length >= 24, `ansible ran every task: ${Object.keys(r.ansible).length}`);
  delete r.ansible.include;
  assert.deepEqual(r.kbs, r.ansible);
});

test('a templated any_errors_fatal stops the play as in Ansible', async () => {
  const d = join(dir, 'fatal');
  const pb = `
- hosts: web
  gather_facts: false
  any_errors_fatal: "{{ aef }}"
  vars: {aef: true}
  tasks:
    - name: fails on w1
      fail: msg=boom
      when: inventory_hostname == 'w1'
    - name: after
      debug: msg=after
`;
  writeTree(d, { 'inv.ini': INV, 'pb.yml': pb });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.kbsCode, 2);
  assert.equal(r.ansibleCode, 2);
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(r.kbs.after, undefined, 'nothing ran after the fatal failure');
});

test('a templated strategy must come out linear', async () => {
  const d = join(dir, 'strategy');
  const pb = (s: string) => `- hosts: web\n  gather_facts: false\n  strategy: "{{ ${s} }}"\n  tasks:\n    - name: t\n      debug: msg=x\n`;
  writeTree(d, { 'inv.ini': INV, 'free.yml': pb("'fr' + 'ee'"), 'linear.yml': pb("'linear'") });
  const ok = await kbs(['run', join(d, 'linear.yml'), '-i', join(d, 'inv.ini')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const bad = await kbs(['run', join(d, 'free.yml'), '-i', join(d, 'inv.ini')]);
  assert.equal(bad.code, 4, bad.stdout + bad.stderr);
  assert.match(bad.stdout + bad.stderr, /strategy "free" is not supported/);
});

test('async with poll 0 and async_status, polling, the time limit', async () => {
  const d = join(dir, 'async');
  const pb = `
- hosts: w1
  gather_facts: false
  tasks:
    - name: fire
      command: sleep 8
      async: 30
      poll: 0
      register: job
    - name: show job
      debug: msg="{{ job.started }} {{ job.finished }} {{ job.ansible_job_id is match('j[0-9]+[.][0-9]+') }} {{ job.changed }}"
    - name: status now
      async_status: jid="{{ job.ansible_job_id }}"
      register: st
    - name: show status
      debug: msg="{{ st.finished }} {{ st.started }}"
    - name: wait
      async_status: jid="{{ job.ansible_job_id }}"
      register: done
      until: done.finished
      retries: 20
      delay: 1
    - name: show done
      debug: msg="{{ done.finished }} {{ done.rc }} {{ done.cmd | join(' ') }} {{ done.ansible_job_id == job.ansible_job_id }}"
    - name: polled
      command: echo hi
      async: 5
      poll: 1
      register: p
    - name: show polled
      debug: msg="{{ p.stdout }} {{ p.finished }} {{ p.ansible_job_id is defined }}"
    - name: too slow
      command: sleep 5
      async: 2
      poll: 1
      register: slow
      ignore_errors: true
    - name: show slow
      debug: msg="{{ slow.msg }} {{ slow.async_result.finished }}"
    - name: debug async
      debug: msg=x
      async: 5
      poll: 0
      ignore_errors: true
    - name: unknown job
      async_status: jid=j1.2
      ignore_errors: true
`;
  writeTree(d, { 'inv.ini': INV, 'pb.yml': pb });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.deepEqual(r.kbs, r.ansible);
});

test('throttle: one host at a time; timeout on blocks and plays; connection: local on a host that is not reachable', async () => {
  const d = join(dir, 'throttle');
  const lock = join(d, 'lock');
  const inv = `[web]\nw1\nw2\nw3\n[far]\nfar1 ansible_host=192.0.2.1 ansible_port=9\n[web:vars]\nansible_connection=local\n[all:vars]\nansible_python_interpreter=/usr/bin/python3\n`;
  const pb = `
- hosts: web
  gather_facts: false
  tasks:
    - name: throttled
      shell: mkdir ${lock} && sleep 0.5 && rmdir ${lock}
      throttle: 1
    - name: block with a timeout
      block:
        - name: too long for the block
          command: sleep 4
      timeout: 1
      ignore_errors: true
- hosts: web
  gather_facts: false
  timeout: 1
  tasks:
    - name: too long for the play
      command: sleep 4
      ignore_errors: true
    - name: own timeout wins
      command: sleep 2
      timeout: 60
- hosts: far
  gather_facts: false
  tasks:
    - name: on the workstation
      command: echo local
      connection: local
      register: c
    - name: show
      debug: msg="{{ c.stdout }}"
`;
  writeTree(d, { 'inv.ini': inv, 'pb.yml': pb });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini', ['-f', '5']);
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.deepEqual(r.kbs, r.ansible);
  assert.deepEqual(r.kbs.throttled, { w1: '', w2: '', w3: '' }, 'no two hosts held the lock at once');
});
