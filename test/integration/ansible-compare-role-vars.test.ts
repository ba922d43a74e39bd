/**
 * Role variables as ansible-playbook 2.14 sees them, compared on the same playbook: the defaults
 * and vars of the play's roles (roles:, import_role, include_role with public: true once
 * included) are seen by the whole play; a role's own defaults/vars/params and its dependencies';
 * defaults/ and vars/ folders merged in name order; private_role_vars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLocal } from '../helpers/compare-debug.js';

const show = (vars: string[]) => vars.map((v) => `${v}={{ ${v} | default('U') }}`).join(' ');

const ROLES: Record<string, string> = {
  'roles/a/defaults/main.yml': 'a_def: a-default\nshared: from-a\n',
  'roles/a/vars/main.yml': 'a_var: a-var\n',
  'roles/a/tasks/main.yml': `- debug: msg="in a ${show(['a_def', 'a_var', 'shared', 'b_def'])}"\n`,
  'roles/b/defaults/main.yml': 'b_def: b-default\nshared: from-b\n',
  'roles/b/tasks/main.yml': `- debug: msg="in b ${show(['shared'])}"\n`,
  'roles/c/defaults/main.yml': 'c_def: c-default\n',
  'roles/c/vars/main.yml': 'c_var: c-var\n',
  'roles/c/tasks/main.yml': '- debug: msg="in c"\n',
  'roles/d/vars/main.yml': 'd_var: d-var\n',
  'roles/d/defaults/main.yml': 'd_def: d-default\n',
  'roles/d/tasks/main.yml': `- debug: msg="in d ${show(['d_var', 'd_def'])}"\n`,
  'roles/e/vars/main.yml': 'e_var: e-var\n',
  'roles/e/defaults/main.yml': 'e_def: e-default\n',
  'roles/e/tasks/main.yml': `- debug: msg="in e ${show(['e_var', 'e_def'])}"\n`,
};

const SITE = `
- hosts: local
  gather_facts: false
  pre_tasks:
    - debug: msg="pre ${show(['a_def', 'a_var', 'c_def', 'c_var', 'd_var', 'e_var'])}"
  roles:
    - a
    - role: b
      vars: {b_entry: b-entry-var}
  tasks:
    - debug: msg="tasks ${show(['a_def', 'a_var', 'b_def', 'b_entry', 'shared'])}"
    - include_role: {name: e}
    - debug: msg="after e ${show(['e_var', 'e_def'])}"
    - include_role: {name: d, public: true}
    - debug: msg="after d ${show(['d_var', 'd_def'])}"
    - import_role: {name: c}
- hosts: local
  gather_facts: false
  tasks:
    - debug: msg="next play ${show(['a_def', 'a_var', 'd_var'])}"
`;

test("the play's roles share their defaults and vars with the whole play, as in Ansible", async () => {
  const r = await compareLocal({ ...ROLES, 'site.yml': SITE });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  // the comparison saw what it is about
  assert.match(String(r.kbs.msgs.h1[0]), /a_var=a-var c_def=c-default c_var=c-var d_var=U e_var=U/);
  assert.match(String(r.kbs.msgs.h1.at(-3)), /d_var=d-var/);
});

test('private_role_vars: role vars stay private, defaults are still shared (ANSIBLE_PRIVATE_ROLE_VARS, ansible.cfg)', async () => {
  const viaEnv = await compareLocal({ ...ROLES, 'site.yml': SITE }, { env: { ANSIBLE_PRIVATE_ROLE_VARS: 'true' } });
  assert.equal(viaEnv.kbs.code, 0, viaEnv.kbs.out);
  assert.deepEqual(viaEnv.kbs.msgs, viaEnv.ansible.msgs);
  assert.match(String(viaEnv.kbs.msgs.h1[0]), /a_def=a-default a_var=U c_def=c-default c_var=U/);
  const viaCfg = await compareLocal({ ...ROLES, 'site.yml': SITE, 'ansible.cfg': '[defaults]\nprivate_role_vars = yes\n' });
  assert.deepEqual(viaCfg.kbs.msgs, viaEnv.kbs.msgs);
  assert.deepEqual(viaCfg.ansible.msgs, viaEnv.ansible.msgs);
});

test('dependencies, parent roles, role params and include params: the precedence of Ansible', async () => {
  const files = {
    'roles/top/meta/main.yml': 'dependencies:\n  - role: dep\n    dep_param: from-top\n',
    'roles/top/defaults/main.yml': 'top_def: top-default\nlevel: top-default\n',
    'roles/top/vars/main.yml': 'top_var: top-var\n',
    'roles/top/tasks/main.yml': [
      `- debug: msg="top ${show(['top_def', 'dep_def', 'dep_var', 'level', 'p', 'fact'])}"`,
      '- include_role: {name: inner}',
      '- import_role: {name: inner2}',
      '',
    ].join('\n'),
    'roles/dep/defaults/main.yml': 'dep_def: dep-default\nlevel: dep-default\n',
    'roles/dep/vars/main.yml': 'dep_var: dep-var\n',
    'roles/dep/tasks/main.yml': `- debug: msg="dep ${show(['top_def', 'top_var', 'dep_param', 'level', 'p', 'role_name'])}"\n`,
    'roles/inner/tasks/main.yml': `- debug: msg="inner ${show(['top_var', 'p', 'role_name'])} parents={{ ansible_parent_role_names | default('U') }}"\n`,
    'roles/inner2/tasks/main.yml': `- debug: msg="inner2 parents={{ ansible_parent_role_names | default('U') }}"\n`,
    'site.yml': `
- hosts: local
  gather_facts: false
  pre_tasks:
    - set_fact: {p: from-set-fact, fact: from-set-fact}
  roles:
    - role: top
      p: role-param
  tasks:
    - include_tasks: inc.yml
      vars: {fact: include-param}
    - debug:
        msg: "names {{ role_names }} {{ ansible_play_role_names }} {{ ansible_role_names | sort }} {{ ansible_dependent_role_names | sort }}"
`,
    'inc.yml': `- debug: msg="include ${show(['fact'])}"\n`,
  };
  const r = await compareLocal(files);
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.match(String(r.kbs.msgs.h1[0]), /top .* p=role-param/);
});

test('defaults/main/ and vars/main/ folders: files merged in name order (.yml, .yaml, .json, none)', async () => {
  const files = {
    'roles/f/defaults/main/01-base.yml': 'one: 1\nover: base\n',
    'roles/f/defaults/main/02-more.yaml': 'over: more\ntwo: 2\n',
    'roles/f/defaults/main/03.json': '{"over": "json", "three": 3}',
    'roles/f/defaults/main/04-plain': 'four: yes\n',
    'roles/f/defaults/main/05.txt': 'five: 5\n',
    'roles/f/defaults/main/.hidden.yml': 'hidden: 1\n',
    'roles/f/defaults/main/sub/x.yml': 'sub: 1\nover: sub\n',
    'roles/f/vars/main/a.yml': 'v1: a\n',
    'roles/f/vars/main/b.yml': 'v1: b\nv2: b\n',
    'roles/f/vars/other/z.yml': 'v3: other\n',
    'roles/f/tasks/main.yml': `- debug: msg="f ${show(['one', 'two', 'three', 'four', 'five', 'hidden', 'sub', 'over', 'v1', 'v2', 'v3'])}"\n`,
    // a tasks/main/ folder is not read as tasks (Ansible reads only files there)
    'roles/g/tasks/main/x.yml': '- debug: msg="never"\n',
    'site.yml': `
- hosts: local
  gather_facts: false
  roles:
    - f
    - g
  tasks:
    - import_role: {name: f, vars_from: other}
`,
  };
  const r = await compareLocal(files);
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.match(String(r.kbs.msgs.h1[0]), /one=1 two=2 three=3 four=True five=U hidden=U sub=1 over=sub v1=b v2=b/);
});

test("hostvars hold neither the play's vars nor role variables, as in Ansible", async () => {
  const files = {
    ...ROLES,
    'site.yml': `
- hosts: local
  gather_facts: false
  vars: {pv: play-var}
  roles: [a]
  tasks:
    - set_fact: {sf: set-fact}
    - debug: msg="{{ ['pv', 'a_def', 'a_var', 'sf', 'inventory_file'] | map('extract', hostvars[inventory_hostname]) | map('default', 'U') | list }}"
    - debug: msg="{{ pv }} {{ hostvars['h2'].sf | default('U') }}"
`,
  };
  const r = await compareLocal(files);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.equal(r.kbs.msgs.h1.at(-1), 'play-var set-fact');
  assert.deepEqual((r.kbs.msgs.h1.at(-2) as unknown[]).slice(0, 4), ['U', 'U', 'U', 'set-fact']);
});
