/**
 * Which handler a notify: reaches, compared with ansible-playbook 2.14: a role's handler by its
 * own name and by "role : name", a play handler, a listen topic, and a handler of a role brought
 * in by include_role notified as "role : name".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLocal } from '../helpers/compare-debug.js';

const handler = (name: string, extra = '') => `- name: ${name}\n  debug: msg="handler ${name}"\n${extra}`;

test('notify by a role-qualified handler name, a plain name and a listen topic', async () => {
  const r = await compareLocal({
    'roles/web/handlers/main.yml': handler('restart') + handler('reload', '  listen: web changed\n'),
    'roles/web/tasks/main.yml': '- command: "true"\n  notify: restart\n',
    'roles/db/handlers/main.yml': handler('restart db'),
    'roles/db/tasks/main.yml': '- debug: msg="db role"\n',
    'site.yml': `
- hosts: local
  gather_facts: false
  roles: [web]
  handlers:
    - name: play handler
      debug: msg="handler play"
  tasks:
    - meta: flush_handlers
    - command: "true"
      notify: ["web : restart", "play handler"]
    - command: "true"
      notify: web changed
    - meta: flush_handlers
    - include_role: {name: db}
    - command: "true"
      notify: "db : restart db"
`,
  });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.deepEqual(r.kbs.msgs.h1, ['handler restart', 'handler restart', 'handler reload', 'handler play', 'db role', 'handler restart db']);
});

test("a notify that is one handler's name and other handlers' listen topic reaches all of them, each once", async () => {
  const r = await compareLocal({
    'roles/rt/handlers/main.yml': handler('Restart rt') + handler('note rt', '  listen: Restart rt\n'),
    'roles/rt/tasks/main.yml': '- command: "true"\n  notify: Restart rt\n- command: "true"\n  notify: [Restart rt, other]\n',
    'site.yml': `
- hosts: local
  gather_facts: false
  roles: [rt]
  handlers:
    - name: early listener
      debug: msg="handler early"
      listen: Restart rt
    - name: other
      debug: msg="handler other"
      notify: chained
    - name: chained
      debug: msg="handler chained"
      listen: Restart rt
  tasks:
    - meta: flush_handlers
    - command: "true"
      notify: "rt : Restart rt"
`,
  });
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
});
