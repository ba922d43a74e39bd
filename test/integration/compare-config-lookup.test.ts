/**
 * `lookup('config', ...)` and `query('config', ...)`, kbs against ansible-playbook 2.14 on the same
 * playbook (connection local): settings from a test ansible.cfg (a relative, a `~` and a $VAR
 * path; an int; a string; a [colors] entry), from ANSIBLE_* environment variables (which win over
 * the file), defaults (with their ANSIBLE_HOME), types (bool, int, list, pathspec, pathlist), a
 * fixed constant (a tuple), a default templated from one, CONFIG_FILE, a missing setting under each on_missing, the ssh connection's
 * options (from the file, and from a host variable), and the errors (on_missing, plugin_type
 * without plugin_name, an unknown plugin, a term that is not a string). Then kbs alone without
 * ansible-core: its own settings still answer, the others say they are unknown to kbs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-debug.js';

let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'kbs-cfg-home-'));
});
after(() => rmSync(home, { recursive: true, force: true }));

const CFG = `[defaults]
forks = 7
roles_path = roles:~/more-roles:$KBS_CFG_TEST/x
remote_user = cfguser
timeout = 20
inventory = hosts.ini, /srv/other

[privilege_escalation]
become_user = cfgbecome

[colors]
ok = blue

[inventory]
ignore_extensions = .bak, '.orig'
`;

const INV = '[local]\nh1 ansible_connection=local\nh2 ansible_connection=local ansible_port=2222\n';

const tasks = [
  `lookup('config', 'DEFAULT_ROLES_PATH')`,
  `lookup('config', 'DEFAULT_FORKS')`,
  `lookup('config', 'DEFAULT_REMOTE_USER')`,
  `lookup('config', 'HOST_KEY_CHECKING')`,
  `lookup('config', 'DEFAULT_BECOME_USER')`,
  `lookup('config', 'DEFAULT_TIMEOUT')`,
  `lookup('config', 'COLOR_OK', 'COLOR_CHANGED')`,
  `query('config', 'COLOR_OK', 'DEFAULT_FORKS', 'HOST_KEY_CHECKING')`,
  `lookup('config', 'DEFAULT_FORKS', wantlist=True)`,
  `lookup('config', 'DEFAULT_HOST_LIST')`,
  `lookup('config', 'DEFAULT_MODULE_PATH')`,
  `lookup('config', 'INVENTORY_IGNORE_EXTS')`,
  `lookup('config', 'DEFAULT_KEEP_REMOTE_FILES')`,
  `lookup('config', 'DEFAULT_GATHERING')`,
  `lookup('config', 'DEFAULT_PASSWORD_CHARS')`,
  `lookup('config', 'LOCALHOST')`,
  `lookup('config', 'MODULE_IGNORE_EXTS')`,
  `query('config', 'MODULE_IGNORE_EXTS')`,
  `lookup('config', 'CONFIG_FILE') | basename`,
  `lookup('config', 'NO_SUCH_SETTING', on_missing='skip')`,
  `query('config', 'NO_SUCH_SETTING', 'DEFAULT_FORKS', on_missing='warn')`,
  `query('config', 'remote_user', 'port', 'host_key_checking', 'timeout', plugin_type='connection', plugin_name='ssh')`,
  `query('config', 'remote_tmp', plugin_type='shell', plugin_name='sh')`,
  // ssh options kbs does not define itself: ansible-core's, beside kbs's five
  `query('config', 'ssh_args', 'control_path_dir', 'scp_if_ssh', 'remote_user', plugin_type='connection', plugin_name='ssh')`,
  `query('config', 'nope', plugin_type='connection', plugin_name='ssh', on_missing='skip')`,
];
const failing = [
  `lookup('config', 'NO_SUCH_SETTING')`,
  `lookup('config', 'DEFAULT_FORKS', on_missing='bad')`,
  `lookup('config', 'port', plugin_type='connection')`,
  `lookup('config', 'port', plugin_type='connection', plugin_name='no_such_plugin')`,
  `lookup('config', 'nope', plugin_type='connection', plugin_name='ssh')`,
  `lookup('config', 5)`,
];

const PB = `- hosts: all
  gather_facts: false
  tasks:
${tasks.map((t) => `    - debug: {msg: "{{ ${t} }}"}\n`).join('')}${failing.map((t) => `    - debug: {msg: "{{ ${t} }}"}\n      ignore_errors: true\n`).join('')}`;

/** kbs's failure text without the file:line:col and task name it puts first */
const bare = (m: unknown) => String(m).replace(/^.*?: task "[^"]*": /, '');

test('lookup config: the same values, warnings and errors as ansible-playbook', async () => {
  const env = { ANSIBLE_HOME: home, ANSIBLE_BECOME_USER: 'envbecome', ANSIBLE_TIMEOUT: '33', ANSIBLE_GATHERING: 'explicit', KBS_CFG_TEST: '/opt/kbs-test' };
  const r = await compareLocal({ 'ansible.cfg': CFG, 'site.yml': PB }, { inventory: INV, env });
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-3000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-3000));
  for (const h of ['h1', 'h2']) {
    const a = r.ansible.msgs[h];
    const k = r.kbs.msgs[h];
    assert.equal(k.length, tasks.length + failing.length, r.kbs.out.slice(-3000));
    assert.deepEqual(k.slice(0, tasks.length), a.slice(0, tasks.length), r.kbs.out.slice(-3000));
    // Ansible repeats the cause of an error after it; kbs says it once
    for (let i = tasks.length; i < k.length; i++) assert.ok(String(a[i]).startsWith(bare(k[i])), `${failing[i - tasks.length]}:\n  ansible: ${String(a[i])}\n  kbs: ${bare(k[i])}`);
  }
  assert.deepEqual(r.kbs.msgs.h1[1], '7');
  assert.deepEqual(r.kbs.msgs.h2[tasks.findIndex((t) => t.includes("'remote_user'"))], ['cfguser', 2222, true, 33]);
  for (const out of [r.ansible.out, r.kbs.out]) assert.match(out, /Skipping, did not find setting NO_SUCH_SETTING/);
});

test('lookup config without ansible-core: kbs answers for its own settings, the others are unknown to it', async () => {
  const pb = `- hosts: h1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ lookup('config', 'DEFAULT_FORKS') }}"}
    - debug: {msg: "{{ query('config', 'port', plugin_type='connection', plugin_name='ssh') }}"}
    - debug: {msg: "{{ query('config', 'COLOR_OK', on_missing='skip') }}"}
    - debug: {msg: "{{ lookup('config', 'COLOR_OK') }}"}
      ignore_errors: true
    - debug: {msg: "{{ lookup('config', 'remote_tmp', plugin_type='shell', plugin_name='sh') }}"}
      ignore_errors: true
`;
  const r = await compareLocal({ 'ansible.cfg': CFG, 'site.yml': pb }, { inventory: INV, env: { ANSIBLE_HOME: home, KBS_ANSIBLE_PYTHON: join(home, 'no-python') } });
  const k = (r.kbs.msgs.h1 ?? []).map((m) => (typeof m === 'string' ? bare(m) : m));
  assert.deepEqual(k.slice(0, 3), ['7', [null], []], r.kbs.out.slice(-3000));
  assert.match(String(k[3]), /^Unable to find setting COLOR_OK\. COLOR_OK is not known to kbs without ansible-core installed \(hint: install ansible-core/);
  assert.match(String(k[4]), /^Unable to load shell plugin "sh": its options are not known to kbs without ansible-core installed/);
});
