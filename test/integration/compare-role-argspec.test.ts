/**
 * Role argument specs (meta/argument_specs.yml), compared with ansible-playbook 2.14: the
 * validation task comes first in the role (listed by --list-tasks, tagged always), passes with
 * good values, and fails with Ansible's message for a missing required argument, a wrong type and
 * a value outside the choices (nested options too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLocal } from '../helpers/compare-debug.js';
import { listBoth } from '../helpers/compare-list.js';
import { parseTaskList } from '../../bench/kubespray/tasklist.js';

const SPEC = `argument_specs:
  main:
    short_description: Install a list of charts.
    options:
      releases:
        type: list
        elements: dict
        required: true
        options:
          name: {type: str, required: true}
          namespace: {type: str}
      mode: {type: str, choices: [fast, slow]}
      count: {type: int}
  other:
    options:
      flag: {type: bool, required: true}
`;

const ROLE = {
  'roles/charts/meta/argument_specs.yml': SPEC,
  'roles/charts/tasks/main.yml': '- {name: installing, debug: {msg: "installing {{ releases | length }}"}}\n',
  'roles/charts/tasks/other.yml': '- {name: other, debug: {msg: "other {{ flag }}"}}\n',
};

/** a task list entry: the role included with `vars`, in a block whose rescue shows the failure */
const attempt = (vars: string) => `    - block:
        - include_role: {name: charts}
          vars: ${vars}
      rescue:
        - debug: {msg: "{{ ansible_failed_result.msg }}"}
`;

test('role argument specs: the validation task passes or fails as in Ansible, with its messages', async () => {
  const files = {
    ...ROLE,
    'site.yml': `
- hosts: local
  gather_facts: false
  roles:
    - {role: charts, releases: [{name: a}, {name: b, namespace: n}], mode: fast, count: "3"}
  tasks:
${attempt('{}')}${attempt('{releases: [{namespace: x}], mode: quick}')}${attempt('{releases: [{name: y}], count: [1]}')}${attempt('{releases: [{name: z}], mode: [fast, other]}')}${attempt('{releases: [{name: z, extra: 1}]}')}    - include_role: {name: charts, tasks_from: other}
      vars: {flag: "yes"}
    - block:
        - include_role: {name: charts, rolespec_validate: false}
          vars: {releases: []}
`,
  };
  const r = await compareLocal(files);
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  const h1 = r.kbs.msgs.h1 as string[];
  assert.equal(h1[0], 'installing 2');
  assert.match(h1[1], /^Validation of arguments failed:\nmissing required arguments: releases/);
  assert.equal(h1.filter((m) => /Validation of arguments failed/.test(m)).length, 5, h1.join('\n---\n'));
});

test('--list-tasks shows the validation task of a role with argument specs', async () => {
  const r = await listBoth({
    ...ROLE,
    'site.yml': `
- hosts: local
  gather_facts: false
  roles:
    - role: charts
      tags: [charts]
  tasks:
    - import_role: {name: charts, tasks_from: other}
    - import_role: {name: charts, rolespec_validate: false}
`,
  });
  const want = parseTaskList(r.ansible);
  assert.deepEqual(parseTaskList(r.kbs).lines, want.lines);
  assert.ok(want.lines.includes("    charts : Validating arguments against arg spec 'main' - Install a list of charts.  [always, charts]"), r.ansible);
});
