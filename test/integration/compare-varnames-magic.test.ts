/**
 * Variable order and magic variables, kbs against ansible-playbook 2.14 (connection local): the
 * varnames lookup lists every name in Ansible's order (role defaults, group vars,
 * inventory_file/dir, host vars, inventory_hostname..., facts, play, task and extra vars, then the
 * magic variables in the order Ansible adds them), and ansible_search_path, ansible_current_hosts,
 * ansible_failed_hosts, ansible_collection_name and role_uuid have Ansible's values; `environment`,
 * `vars` and the connection variables of Ansible's PlayContext come last, as in Ansible.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-varnames-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('varnames order and the magic variables: as ansible-playbook', async () => {
  const d = join(dir, 'v');
  writeTree(d, {
    'inv.ini': '[web]\nh1 hv_b=1 hv_a=2 ansible_connection=local\nh2 ansible_connection=local\n[web:vars]\ngv_z=1\n[all:vars]\nav_y=1\n',
    'group_vars/web.yml': 'gf_w: 1\n',
    'roles/dep/tasks/main.yml': '- name: dep search path\n  debug: {msg: "{{ ansible_search_path }}"}\n',
    'roles/r/meta/main.yml': 'dependencies: [dep]\n',
    'roles/r/defaults/main.yml': 'rd_q: 1\n',
    'roles/r/tasks/main.yml': [
      '- name: names',
      '  debug: {msg: "{{ lookup(\'varnames\', \'.*\') }}"}',
      '  vars: {tv_k: 1}',
      '- name: role magic',
      '  debug: {msg: "{{ ansible_search_path }}|{{ ansible_collection_name }}|{{ role_uuid | length }}|{{ role_uuid is match(\'^[0-9a-f-]{36}$\') }}"}',
      '- name: fail h2',
      '  fail: {msg: stop}',
      '  when: inventory_hostname == "h2"',
      '',
    ].join('\n'),
    'sub/t.yml': '- name: play task search path\n  debug: {msg: "{{ ansible_search_path }}|{{ ansible_current_hosts }}|{{ ansible_failed_hosts }}|{{ ansible_play_hosts_all }}"}\n',
    'pb.yml': '- hosts: web\n  gather_facts: false\n  vars: {pv_m: 1}\n  roles: [r]\n  tasks:\n    - import_tasks: sub/t.yml\n',
  });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini', ['-e', 'ev_e=1']);
  assert.equal(r.ansibleCode, 2, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 2, r.kbsOut.slice(-3000));
  // Ansible's json callback names a role's task "role : name"
  for (const k of Object.keys(r.ansible)) {
    const bare = k.replace(/^[\w.]+ : /, '');
    if (bare !== k) {
      r.ansible[bare] = r.ansible[k];
      delete r.ansible[k];
    }
  }
  const names = (s: unknown) => String(s).split(',');
  for (const h of ['h1', 'h2']) {
    assert.deepEqual(names(r.kbs.names[h]), names(r.ansible.names[h]), h);
    delete r.kbs.names[h];
    delete r.ansible.names[h];
  }
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(r.kbs['play task search path'].h1, `['${join(d, 'sub')}', '${d}']|['h1']|['h2']|['h1', 'h2']`);
  assert.deepEqual(r.kbs['dep search path'].h1, [join(d, 'roles/dep'), join(d, 'roles/r'), join(d, 'roles/dep/tasks'), d]);
});
