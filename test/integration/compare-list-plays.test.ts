/**
 * --list-tasks and --list-hosts of plays whose hosts and name are templates, compared with
 * ansible-playbook 2.14: both are shown rendered with the play's vars and the extra vars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listBoth } from '../helpers/compare-list.js';
import { parseTaskList } from '../../bench/kubespray/tasklist.js';

const SITE = `
- name: "Confirm {{ what }}"
  hosts: "{{ node | default('local') }}"
  gather_facts: false
  vars: {what: removal}
  tasks:
    - {name: one, debug: {msg: x}}
- hosts: "{{ node | default('h2') }}"
  gather_facts: false
  tasks:
    - {name: two, debug: {msg: y}}
`;

/** the listing without the playbook: line (Ansible prints the path as given) */
const body = (out: string) => out.split('\n').filter((l) => !l.startsWith('playbook:') && !l.startsWith('[WARNING]')).join('\n').trim();

test('templated play hosts and names are listed rendered, with and without -e', async () => {
  for (const extra of [[], ['-e', 'node=h1']]) {
    const r = await listBoth({ 'site.yml': SITE }, ['--list-tasks', ...extra]);
    const want = parseTaskList(r.ansible);
    assert.deepEqual(parseTaskList(r.kbs).lines, want.lines);
    assert.ok(want.lines[0].startsWith(extra.length ? 'play (h1): Confirm removal' : 'play (local): Confirm removal'), r.ansible);
  }
  const h = await listBoth({ 'site.yml': SITE }, ['--list-hosts', '-e', 'node=h1']);
  assert.equal(body(h.kbs), body(h.ansible));
  assert.match(h.ansible, /pattern: \['h1'\]/);
});
