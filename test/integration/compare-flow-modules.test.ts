/**
 * The flow modules (include_vars, group_by, add_host, set_stats), compared with ansible-playbook
 * 2.14 on the same playbooks (connection local): what later tasks see, the precedence of loaded
 * variables, run-time groups and hosts in later plays, custom stats.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { compareLocal, writeTree } from '../helpers/compare-local.js';
import { kbs } from '../helpers/kbs.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-flow-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const INV = `[web]\nw1\nw2\n[db]\nd1\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n`;

/** Ansible's json callback names a role's task "role : task" */
function unprefixed(shown: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(shown).map(([k, v]) => [k.replace(/^[\w.-]+ : /, ''), v]));
}

const REL = "| map('replace', playbook_dir + '/', '') | list";

const INCLUDE_VARS = `
- hosts: web
  gather_facts: false
  vars:
    pv: play
    tv: play
    dd: {a: 1, b: {c: 1}}
  roles: [r]
  tasks:
    - name: load
      include_vars: vars1.yml
      register: r1
    - name: precedence over play and role vars, under extra vars
      debug: msg="{{ pv }} {{ rv }} {{ ev }} {{ templ }}"
    - name: above task vars
      debug: msg="{{ tv }}"
      vars: {tv: task}
    - name: files
      debug: msg="{{ r1.ansible_included_var_files ${REL} }} {{ r1.ansible_facts.pv }}"
    - name: set_fact
      set_fact: {sf: fact}
    - name: load again
      include_vars: {file: vars1.yml}
    - name: set_fact wins
      debug: msg="{{ sf }}"
    - name: loop with when
      include_vars: "{{ item }}.yml"
      loop: [a, b, c]
      when: item != 'c'
      register: lw
    - name: loop result
      debug: msg="{{ av }} {{ bv }} {{ cv | default('no c') }} {{ lw.results | map(attribute='ansible_included_var_files', default='-') | list | length }}"
    - name: name
      include_vars: {file: a.yml, name: bundle}
    - name: bundle
      debug: msg="{{ bundle }}"
    - name: merge
      include_vars: {file: d2.yml, hash_behaviour: merge}
    - name: merged
      debug: msg="{{ dd }}"
    - name: replace
      include_vars: {file: d3.yml, hash_behaviour: replace}
    - name: replaced
      debug: msg="{{ dd }}"
    - name: merge a new variable
      include_vars: {file: a.yml, hash_behaviour: merge}
      ignore_errors: true
    - name: missing file
      include_vars: nope.yml
      ignore_errors: true
    - name: not a mapping
      include_vars: list.yml
      ignore_errors: true
    - name: mixing
      include_vars: {file: a.yml, depth: 1}
      ignore_errors: true
    - name: empty file
      include_vars: empty.yml
      register: em
    - name: empty result
      debug: msg="{{ em.ansible_facts }}"
    - name: fqcn and free-form in a subfolder
      ansible.builtin.include_vars: sub/s.yml
    - name: sub
      debug: msg="{{ sv }}"
    - name: run_once
      include_vars: once.yml
      run_once: true
    - name: run_once seen by all
      debug: msg="{{ ov }}"
    - name: delegate facts
      include_vars: deleg.yml
      delegate_to: d1
      delegate_facts: true
      when: inventory_hostname == 'w1'
    - name: delegated
      debug: msg="{{ hostvars['d1'].dv | default('none') }} {{ dv | default('none') }}"
    - name: include tasks in a folder
      include_tasks: tasks/inner.yml
    - name: inner
      debug: msg="{{ iv }}"

- hosts: w1
  gather_facts: false
  tasks:
    - name: next play keeps them
      debug: msg="{{ pv }} {{ av }}"
`;

const ROLE_TASKS = `
- name: role file
  include_vars: extra.yml
- name: role file seen
  debug: msg="{{ xv }}"
- name: role dir
  include_vars: {dir: more}
  register: rd
- name: role dir files
  debug: msg="{{ rd.ansible_included_var_files | map('replace', role_path + '/', '') | list }} {{ m1 }} {{ m2 }}"
`;

test('include_vars: files, precedence, loops, name, hash_behaviour, run_once, delegate_facts, roles as ansible-playbook', async () => {
  const d = join(dir, 'iv');
  writeTree(d, {
    'inv.ini': INV,
    'pb.yml': INCLUDE_VARS,
    'vars/vars1.yml': 'pv: inc\nrv: inc\ntv: inc\nev: inc\nsf: inc\ntempl: "{{ pv }}-t"\n',
    'vars/a.yml': 'av: A\n',
    'b.yml': 'bv: B\n',
    'vars/c.yml': 'cv: C\n',
    'vars/d2.yml': 'dd: {b: {d: 2}}\n',
    'vars/d3.yml': 'dd: {z: 26}\n',
    'vars/list.yml': '- 1\n- 2\n',
    'vars/empty.yml': '',
    'sub/s.yml': 'sv: S\n',
    'vars/once.yml': 'ov: O\n',
    'vars/deleg.yml': 'dv: D\n',
    'vars/extra.yml': 'xv: playbook\n',
    'tasks/inner.yml': '- name: in folder\n  include_vars: i.yml\n',
    'tasks/i.yml': 'iv: beside the task file\n',
    'vars/i.yml': 'iv: playbook vars\n',
    'roles/r/vars/main.yml': 'rv: role\n',
    'roles/r/vars/extra.yml': 'xv: role\n',
    'roles/r/vars/more/m1.yml': 'm1: one\nm2: one\n',
    'roles/r/vars/more/m2.yaml': 'm2: two\n',
    'roles/r/tasks/main.yml': ROLE_TASKS,
  });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini', ['-e', 'ev=extra']);
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  const a = unprefixed(r.ansible);
  delete a['include tasks in a folder']; // Ansible reports the include itself, kbs does not
  assert.ok(Object.keys(a).length >= 30, 'ansible ran every task');
  assert.deepEqual(r.kbs, a);
  assert.deepEqual(r.kbs['precedence over play and role vars, under extra vars'], { w1: 'inc inc extra inc-t', w2: 'inc inc extra inc-t' });
  assert.deepEqual(r.kbs['set_fact wins'], { w1: 'fact', w2: 'fact' });
});

const DIRS = `
- hosts: w1
  gather_facts: false
  tasks:
    - name: all
      include_vars: {dir: conf, ignore_unknown_extensions: true}
      register: all
    - name: all files
      debug: msg="{{ all.ansible_included_var_files ${REL} }} {{ k }}"
    - name: depth 1
      include_vars: {dir: conf, depth: 1, ignore_unknown_extensions: true, name: d1}
      register: r1
    - name: depth 1 files
      debug: msg="{{ r1.ansible_included_var_files ${REL} }} {{ d1 }}"
    - name: depth 2
      include_vars: {dir: conf, depth: 2, ignore_unknown_extensions: true, name: d2}
      register: r2
    - name: depth 2 files
      debug: msg="{{ r2.ansible_included_var_files ${REL} }}"
    - name: files_matching
      include_vars: {dir: conf, files_matching: "^b", name: fm}
      register: r3
    - name: files_matching files
      debug: msg="{{ r3.ansible_included_var_files ${REL} }} {{ fm }}"
    - name: ignore_files
      include_vars: {dir: conf, ignore_files: [b.yml, "t.*"], name: ig}
      register: r4
    - name: ignore_files files
      debug: msg="{{ r4.ansible_included_var_files ${REL} }}"
    - name: ignore_files string
      include_vars: {dir: conf, ignore_files: "b.yml txt.txt", name: ig2}
      register: r5
    - name: ignore_files string files
      debug: msg="{{ r5.ansible_included_var_files ${REL} }}"
    - name: extensions
      include_vars: {dir: conf, extensions: [json, txt], ignore_unknown_extensions: true, name: ex}
      register: r6
    - name: extensions files
      debug: msg="{{ r6.ansible_included_var_files ${REL} }} {{ ex }}"
    - name: unknown extension fails
      include_vars: {dir: conf}
      ignore_errors: true
      register: r7
    - name: unknown extension loaded before
      debug: msg="{{ r7.ansible_included_var_files ${REL} }} {{ r7.message | replace(playbook_dir + '/', '') }}"
    - name: missing dir
      include_vars: {dir: nothere}
      ignore_errors: true
      register: r8
    - name: missing dir message
      debug: msg="{{ r8.message | replace(playbook_dir + '/', '') }}"
    - name: not a dir
      include_vars: {dir: conf/a.yml}
      ignore_errors: true
      register: r9
    - name: not a dir message
      debug: msg="{{ r9.message | replace(playbook_dir + '/', '') }}"
    - name: from a task file in a folder
      include_tasks: sub/t.yml
    - name: relative to the task file
      debug: msg="{{ tf.ansible_included_var_files ${REL} }}"
`;

test('include_vars dir: depth, files_matching, ignore_files, extensions, ignore_unknown_extensions as ansible-playbook', async () => {
  const d = join(dir, 'dirs');
  writeTree(d, {
    'inv.ini': INV,
    'pb.yml': DIRS,
    'conf/a.yml': 'k: a\na: 1\n',
    'conf/b.yml': 'k: b\nb: 1\n',
    'conf/c.json': '{"k": "c", "c": 1}',
    'conf/txt.txt': 'k: txt\n',
    'conf/x/x.yml': 'k: x\n',
    'conf/x/deep/y.yml': 'k: y\n',
    'conf/w/w.yaml': 'k: w\n',
    'sub/t.yml': '- name: in sub\n  include_vars: {dir: near}\n  register: tf\n',
    'sub/near/n.yml': 'n: 1\n',
  });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  delete r.ansible['from a task file in a folder'];
  assert.ok(Object.keys(r.ansible).length >= 20, 'ansible ran every task');
  assert.deepEqual(r.kbs, r.ansible);
});

const GROUPS = `
- hosts: all
  gather_facts: false
  tasks:
    - name: group_by
      group_by: {key: "kind_{{ 'w' if inventory_hostname.startswith('w') else 'd' }}"}
    - name: groups after group_by
      debug: msg="{{ groups | dict2items | map(attribute='key') | sort }} {{ groups.kind_w | default([]) | sort }} {{ group_names }}"
    - name: group_by again
      group_by: {key: "kind {{ inventory_hostname[0] }}"}
    - name: group_by parents
      group_by: {key: "child_{{ inventory_hostname }}", parents: [top, web]}
      when: inventory_hostname != 'w2'
    - name: parents seen
      debug: msg="{{ groups.top | default([]) | sort }} {{ groups.web }} {{ group_names }}"
    - name: add_host once for the batch
      add_host: {name: "new_{{ inventory_hostname }}", groups: fresh, ansible_connection: local, color: blue}
    - name: add_host loop
      add_host:
        hostname: "{{ item }}"
        groups: [fresh, more]
        ansible_connection: local
        ansible_python_interpreter: /usr/bin/python3
      loop: [n1, "n2:2222"]
      register: ah
    - name: add_host loop result
      debug: msg="{{ ah.results | map(attribute='add_host') | list }} {{ ah.changed }}"
      when: inventory_hostname == 'w1'
    - name: add_host registers on the first host only
      debug: msg="{{ ah is defined }}"
    - name: add_host existing host
      add_host: {name: d1, groups: "fresh, other", color: red}
    - name: groups after add_host
      debug: msg="{{ groups.all }} {{ groups.fresh }} {{ groups.ungrouped }} {{ hostvars.n2.ansible_ssh_port | default('-') }}"
    - name: add_host ungrouped
      add_host: {name: lonely, ansible_connection: local}
    - name: ungrouped
      debug: msg="{{ groups.ungrouped }} {{ groups.all }}"

- hosts: kind_w
  gather_facts: false
  tasks:
    - name: play on a group_by group
      debug: msg="{{ group_names }}"

- hosts: "kind-d:fresh:!n2"
  gather_facts: false
  tasks:
    - name: play on add_host groups
      debug: msg="{{ color | default('-') }} {{ group_names }}"

- hosts: top
  gather_facts: false
  tasks:
    - name: play on a parent group
      debug: msg="{{ inventory_hostname }}"
`;

test('group_by and add_host: run-time groups and hosts in groups and later plays as ansible-playbook', async () => {
  const d = join(dir, 'groups');
  writeTree(d, { 'inv.ini': INV, 'pb.yml': GROUPS, 'group_vars/kind_w.yml': 'gv: from group_vars\n', 'host_vars/n1.yml': 'color: green\n' });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.ok(Object.keys(r.ansible).length >= 15, 'ansible ran every task');
  assert.deepEqual(r.kbs, r.ansible);
});

const STATS = `
- hosts: web
  gather_facts: false
  tasks:
    - name: run stats
      # a templated value that is the same on every host: which host's result comes first varies
      # with load (in Ansible as in kbs), and lists are concatenated in that order
      set_stats: {data: {count: 1, names: ["{{ groups.web | length }}"], deep: {a: {b: 1}}, text: x}}
    - name: run stats again
      set_stats: {data: {count: 2, names: [again], deep: {a: {c: 2}}, text: y, other: 1.25}}
    - name: replace
      set_stats: {data: {text: replaced}, aggregate: false}
      when: inventory_hostname == 'w1'
    - name: mismatched type kept
      set_stats: {data: {count: nope}}
      when: inventory_hostname == 'w1'
    - name: per host
      set_stats:
        data: {mine: "{{ inventory_hostname }}", n: 1}
        per_host: true
    - name: per host again
      set_stats: {data: {n: 10}, per_host: yes}
    - name: per host run_once
      set_stats: {data: {once: true}, per_host: true}
      run_once: true
    - name: bad name
      set_stats: {data: {"bad name": 1}}
      ignore_errors: true
    - name: not a mapping
      set_stats: {data: "{{ [1, 2] }}"}
      ignore_errors: true

- hosts: db
  gather_facts: false
  tasks:
    - name: later play adds up
      set_stats: {data: {count: 100}}
`;

test('set_stats: custom stats per host and per run, aggregated, shown as CUSTOM STATS as ansible-playbook', async () => {
  const d = join(dir, 'stats');
  writeTree(d, { 'inv.ini': INV, 'pb.yml': STATS });
  const env = { ANSIBLE_SHOW_CUSTOM_STATS: 'true' };
  const a = await ansiblePlaybook(['-i', join(d, 'inv.ini'), join(d, 'pb.yml')], d, env);
  assert.equal(a.code, 0, a.out.slice(-3000));
  const before = process.env.ANSIBLE_SHOW_CUSTOM_STATS;
  process.env.ANSIBLE_SHOW_CUSTOM_STATS = 'true';
  let plain;
  try {
    plain = await kbs(['run', join(d, 'pb.yml'), '-i', join(d, 'inv.ini'), '--output', 'plain']);
  } finally {
    if (before === undefined) delete process.env.ANSIBLE_SHOW_CUSTOM_STATS;
    else process.env.ANSIBLE_SHOW_CUSTOM_STATS = before;
  }
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  const custom = (out: string) => out.slice(out.indexOf('CUSTOM STATS')).trimEnd();
  assert.match(custom(a.out), /RUN: /);
  assert.equal(custom(plain.stdout), custom(a.out));
  // without show_custom_stats: not shown; --output json carries them in the recap event
  const j = await kbs(['run', join(d, 'pb.yml'), '-i', join(d, 'inv.ini')]);
  const recap = j.events.find((e) => e.type === 'recap');
  assert.ok(recap && recap.type === 'recap');
  assert.deepEqual(recap.custom?._run?.count, 106);
  assert.deepEqual(recap.custom?.w1, { mine: 'w1', n: 11, once: true });
  assert.deepEqual(recap.custom?.w2, { mine: 'w2', n: 11, once: true });
  const quiet = await kbs(['run', join(d, 'pb.yml'), '-i', join(d, 'inv.ini'), '--output', 'plain']);
  assert.doesNotMatch(quiet.stdout, /CUSTOM STATS/);
});
