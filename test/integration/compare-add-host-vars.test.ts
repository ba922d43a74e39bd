/**
 * The inventory_file and inventory_dir of a host add_host made, against ansible-playbook 2.14
 * (both None, as Ansible's InventoryData.add_host sets them without a source), next to a host
 * listed in the inventory file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - add_host: {name: newhost, groups: [g1], ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
- hosts: newhost
  gather_facts: false
  tasks:
    - copy:
        dest: "{{ out }}/vars.json"
        content: >-
          {{ {'file': inventory_file, 'dir': inventory_dir, 'defined': inventory_file is defined,
              'none': inventory_file is none, 'names': lookup('varnames', '^inventory_') | split(',') | sort,
              'local_dir': hostvars.localhost.inventory_dir | basename} | to_json }}
      delegate_to: localhost
`;

test('inventory_file and inventory_dir of an add_host host as ansible-playbook 2.14', async () => {
  const r = await compareFiles(PLAYBOOK);
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const a = JSON.parse(r.ansible.files['vars.json']);
  const k = JSON.parse(r.kbs.files['vars.json']);
  assert.deepEqual(k, a);
  assert.match(a.local_dir, /^kbs-cmp-local-/);
  assert.equal(a.none, true);
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
