/**
 * Magic variables and ansible.cfg settings that show in templates, compared with
 * ansible-playbook 2.14 on the same playbook and command line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLocal } from '../helpers/compare-debug.js';

const MAGIC = [
  'ansible_version',
  'inventory_file',
  'inventory_dir',
  'inventory_hostname',
  'inventory_hostname_short',
  'groups',
  'group_names',
  'playbook_dir',
  'ansible_play_name',
  'ansible_play_hosts',
  'ansible_play_hosts_all',
  'ansible_play_batch',
  'play_hosts',
  'ansible_check_mode',
  'ansible_diff_mode',
  'ansible_verbosity',
  'ansible_forks',
  'ansible_run_tags',
  'ansible_skip_tags',
  'ansible_limit',
  'ansible_inventory_sources',
  'ansible_config_file',
  'role_names',
  'ansible_play_role_names',
];

const debugAll = (names: string[]) =>
  names.map((n) => `    - debug: msg="${n}={{ ${n} | default('UNDEFINED') }}"\n      tags: [x]`).join('\n');

test('magic variables: the same values as ansible-playbook 2.14.18', async () => {
  const files = {
    'site.yml': `- hosts: local\n  gather_facts: false\n  tasks:\n${debugAll(MAGIC)}\n    - import_role: {name: r}\n      tags: [x]\n`,
    'roles/r/tasks/main.yml': `- debug: msg="{{ role_name }} {{ role_path }} {{ ansible_role_name }} {{ role_names }} {{ ansible_role_names }}"\n`,
  };
  const r = await compareLocal(files, { args: ['-f', '7', '-t', 'x', '--skip-tags', 'z', '-l', 'h1:h2', '-C', '-D'] });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.equal(r.kbs.msgs.h1.length, MAGIC.length + 1);
  assert.ok(!r.kbs.msgs.h1.some((m) => String(m).endsWith('=UNDEFINED')), 'every magic variable is defined');
  assert.match(String(r.kbs.msgs.h1[0]), /'full': '2\.14\.18'/);
});

test('without options: run tags, limit and the config file as Ansible has them', async () => {
  // (not ansible_forks: kbs's default is 50, Ansible's 5)
  const names = ['ansible_run_tags', 'ansible_skip_tags', 'ansible_limit', 'ansible_config_file', 'ansible_check_mode', 'ansible_diff_mode'];
  const files = { 'site.yml': `- hosts: local\n  gather_facts: false\n  tasks:\n${debugAll(names)}\n` };
  const r = await compareLocal(files);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.deepEqual(r.kbs.msgs.h1.slice(0, 3), ["ansible_run_tags=['all']", 'ansible_skip_tags=[]', 'ansible_limit=UNDEFINED']);
});

test('ansible.cfg: forks, roles_path and inventory are read from the file (and ansible_config_file names it)', async () => {
  const files = {
    'ansible.cfg': [
      '# a comment',
      '[defaults]',
      'forks = 9 ; an inline comment',
      'roles_path = elsewhere/roles:~/nowhere',
      'inventory = hosts.ini',
      'gathering = explicit',
      'stdout_callback = json',
      '[privilege_escalation]',
      'become_user = nobody',
      '[unknown_section]',
      'x = 1',
      '',
    ].join('\n'),
    'hosts.ini': '[cfg]\nc1 ansible_connection=local\n',
    'elsewhere/roles/far/tasks/main.yml': '- debug: msg="far away {{ role_path | basename }}"\n',
    'site.yml': `- hosts: all\n  gather_facts: false\n  roles: [far]\n  tasks:\n${debugAll(['ansible_forks', 'ansible_config_file', 'ansible_inventory_sources', 'groups'])}\n`,
  };
  // no -i: the inventory comes from ansible.cfg
  const r = await compareLocal(files, { noInventory: true });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.equal(r.kbs.msgs.c1[1], 'ansible_forks=9');
});

test('the play host lists as hosts fail and add_host adds one: ansible_play_hosts(_all), ansible_play_batch and play_hosts as ansible-playbook 2.14.18', async () => {
  const show = `    - debug: msg="{{ ansible_play_hosts }} {{ ansible_play_batch }} {{ ansible_play_hosts_all }} {{ play_hosts }} {{ groups['all'] }}"\n`;
  const files = {
    'site.yml': `- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - fail: {msg: boom}
      when: inventory_hostname == 'h2'
${show}    - add_host: {name: added, ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
${show}- hosts: all
  gather_facts: false
  tasks:
${show}`,
  };
  const r = await compareLocal(files);
  assert.equal(r.ansible.code, 2, r.ansible.out);
  assert.equal(r.kbs.code, 2, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.ok(Object.values(r.kbs.msgs).flat().some((m) => String(m).includes("'added'")), 'the added host shows');
});
