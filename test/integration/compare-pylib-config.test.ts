/**
 * Custom modules and module_utils found through ansible.cfg (`library`, `module_utils`, relative
 * to the file's folder), run on local-connection hosts by kbs and by ansible-playbook 2.14: the
 * same debug messages. Also a module's result that is not JSON (MODULE FAILURE) and noise around
 * the JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { compareLocal } from '../helpers/compare-debug.js';

const HELLO = `#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.greeting_util.words import greeting

m = AnsibleModule(argument_spec=dict(who=dict(type='str', default='world')), supports_check_mode=True)
m.exit_json(changed=False, text=greeting(m.params['who']))
`;

const NOISY = `#!/usr/bin/python
import sys
from ansible.module_utils.basic import AnsibleModule

m = AnsibleModule(argument_spec=dict(mode=dict(type='str')))
if m.params['mode'] == 'crash':
    sys.stderr.write('Traceback (most recent call last):\\n  oops\\n')
    sys.exit(3)
print('banner before the result')
m.exit_json(changed=True, ok=1)
`;

test('library and module_utils of ansible.cfg: the same results as ansible-playbook; noise and MODULE FAILURE as Ansible reads them', async () => {
  const { ansible, kbs, dir } = await compareLocal({
    'ansible.cfg': '[defaults]\nlibrary = ./mods\nmodule_utils = ./utils\n',
    'mods/hello.py': HELLO,
    'mods/noisy.py': NOISY,
    'utils/greeting_util/__init__.py': '',
    'utils/greeting_util/words.py': 'from .. import greeting_util  # noqa: F401 (a relative import)\n\n\ndef greeting(who):\n    return "hello " + who\n',
    'site.yml': [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - hello: {who: kbs}',
      '      register: h',
      '    - noisy: {mode: fine}',
      '      register: n',
      '    - noisy: {mode: crash}',
      '      register: c',
      '      ignore_errors: true',
      '    - debug: {msg: "{{ h.text }} {{ n.ok }} {{ n.changed }}"}',
      '    - debug: {msg: "{{ c.msg }}|{{ c.rc }}|{{ c.module_stdout }}|{{ c.module_stderr }}|{{ c.exception | default(\'\') }}"}',
      '',
    ].join('\n'),
  });
  try {
    assert.equal(ansible.code, 0, ansible.out.slice(-2000));
    assert.equal(kbs.code, 0, kbs.out.slice(-2000));
    assert.deepEqual(kbs.msgs, ansible.msgs);
    assert.equal(kbs.msgs.h1[0], 'hello kbs 1 True');
    assert.match(String(kbs.msgs.h1[1]), /^MODULE FAILURE\nSee stdout\/stderr for the exact error\|3\|\|Traceback/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
