/**
 * Where a role is found, compared with ansible-playbook 2.14: a name with a slash
 * (kubernetes/preinstall, as Kubespray names its roles) in the playbook's roles/ and in the roles
 * path, a dependency beside the role that depends on it, a role in the playbook's own folder;
 * the role keeps the name it was given (role_name).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-debug.js';

const say = (what: string) => `- debug: msg="${what} {{ role_name }} {{ role_path | basename }}"\n`;

test('role names with a slash, dependencies beside their parent, the playbook folder and the roles path', async () => {
  const rp = mkdtempSync(join(tmpdir(), 'kbs-rolespath-'));
  try {
    mkdirSync(join(rp, 'group/far/tasks'), { recursive: true });
    writeFileSync(join(rp, 'group/far/tasks/main.yml'), say('far'));
    const files = {
      'roles/kubernetes/preinstall/meta/main.yml': 'dependencies:\n  - role: sibling\n  - role: kubernetes/other\n',
      'roles/kubernetes/preinstall/tasks/main.yml': say('preinstall'),
      // found beside the role that depends on it (roles/kubernetes/), not in roles/
      'roles/kubernetes/sibling/tasks/main.yml': say('sibling'),
      'roles/kubernetes/other/tasks/main.yml': say('other'),
      // found in the playbook's own folder
      'toplevel/tasks/main.yml': say('toplevel'),
      'site.yml': `
- hosts: local
  gather_facts: false
  roles:
    - kubernetes/preinstall
    - toplevel
    - group/far
  tasks:
    - include_role: {name: kubernetes/other}
    - debug: msg="{{ role_names }}"
`,
    };
    const r = await compareLocal(files, { env: { ANSIBLE_ROLES_PATH: rp } });
    assert.equal(r.ansible.code, 0, r.ansible.out);
    assert.equal(r.kbs.code, 0, r.kbs.out);
    assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
    assert.equal(r.kbs.msgs.h1[0], 'sibling sibling sibling');
    assert.equal(r.kbs.msgs.h1[2], 'preinstall kubernetes/preinstall preinstall');
  } finally {
    rmSync(rp, { recursive: true, force: true });
  }
});
