/**
 * A boolean or number given to a module's str argument: Ansible up to 2.10 warned "The value True
 * (type bool) in a string field was converted to 'True' (type str). If this does not look like
 * what you expect, quote the entire value to ensure it does not change." (AnsibleModule's
 * _check_type_str, STRING_CONVERSION_ACTION). ansible-core 2.14 validates arguments with
 * ArgumentSpecValidator, whose check_type_str converts without a word, whatever
 * string_conversion_action says (its FIXME in module_utils/common/validation.py). kbs converts the
 * same way (compare-str-args.test.ts) and must not warn either: kbs against ansible-playbook on
 * built-in modules (lineinfile, blockinfile) and on a custom module from library/ (Ansible's own
 * AnsibleModule), with string_conversion_action = warn set explicitly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-debug.js';

let out: string;
before(() => {
  out = mkdtempSync(join(tmpdir(), 'kbs-strconv-'));
});
after(() => rmSync(out, { recursive: true, force: true }));

const MODULE = `#!/usr/bin/python3
from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec=dict(text=dict(type='str'), other=dict(type='str')))
m.exit_json(changed=False, text=m.params['text'], other=m.params['other'])
`;

test('no warning when a str argument gets a bool or a number, as ansible-playbook 2.14', async () => {
  const pb = `- hosts: all
  gather_facts: false
  tasks:
    - lineinfile: {path: "${out}/{{ inventory_hostname }}-lines", line: yes, create: true}
    - lineinfile: {path: "${out}/{{ inventory_hostname }}-lines", line: 1.0}
    - blockinfile: {path: "${out}/{{ inventory_hostname }}-block", block: true, create: true}
    - strmod: {text: true, other: 5}
      register: r
    - debug: {msg: "{{ r.text }} {{ r.other }}"}
`;
  const r = await compareLocal(
    { 'site.yml': pb, 'library/strmod.py': MODULE },
    { env: { ANSIBLE_STRING_CONVERSION_ACTION: 'warn' }, inventory: '[local]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' },
  );
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-3000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-3000));
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.deepEqual(r.kbs.msgs.h1, ['True 5']);
  for (const [tool, o] of [['ansible-playbook', r.ansible.out], ['kbs', r.kbs.out]]) {
    assert.doesNotMatch(o, /converted to|quote the entire value/, `${tool} warned:\n${o.slice(-3000)}`);
  }
  assert.equal(readFileSync(join(out, 'h1-lines'), 'utf8'), 'True\n1.0\n');
});
