/**
 * Ansible settings computed from their definitions (src/cli/config-value.ts): precedence
 * (variables, environment, ini file, default), ansible-core 2.14's ensure_type conversions and
 * path resolution, and kbs's own table of the settings it honours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSource, configValue, ensureType, resolvePath, type ConfigSource } from '../../src/cli/config-value.js';
import { KBS_PLUGIN_SETTINGS, KBS_SETTINGS } from '../../src/cli/config-table.js';

const src = (env: NodeJS.ProcessEnv = {}, file?: string, ini: ConfigSource['ini'] = {}): ConfigSource => ({ env, cwd: '/work', home: '/home/u', file, ini });

test('ensure_type: booleans, integers, floats, lists and text as Ansible converts them', () => {
  const s = src();
  for (const v of ['yes', 'On', ' TRUE ', '1', 't', 'y', true, 1]) assert.equal(ensureType(v, 'boolean', undefined, s), true, String(v));
  for (const v of ['no', 'off', '0', 'maybe', '', false, 2]) assert.equal(ensureType(v, 'bool', undefined, s), false, String(v));
  assert.equal(ensureType(' 42 ', 'integer', undefined, s), 42);
  assert.throws(() => ensureType('4.5', 'int', undefined, s), /invalid literal for int\(\) with base 10: '4.5'/);
  assert.equal(ensureType('2.5', 'float', undefined, s), 2.5);
  assert.deepEqual(ensureType(` a, "b" ,'c',`, 'list', undefined, s), ['a', 'b', 'c', '']);
  assert.deepEqual(ensureType(['x'], 'list', undefined, s), ['x']);
  assert.equal(ensureType('"quoted"', undefined, undefined, s), 'quoted');
  assert.equal(ensureType(true, 'string', undefined, s), 'True');
  assert.equal(ensureType(null, 'integer', undefined, s), null);
  assert.equal(ensureType('None', 'none', undefined, s), null);
});

test('paths: ~, $VARS, {{CWD}}, relative to the config file folder or the current folder, normalised as Python', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-cfgval-'));
  try {
    const file = join(dir, 'ansible.cfg');
    writeFileSync(file, '');
    const s = src({ HOME: '/home/u', R: '/opt/r' });
    assert.equal(resolvePath('~/x/', undefined, s), '/home/u/x');
    assert.equal(resolvePath('$R/../y', undefined, s), '/opt/y');
    assert.equal(resolvePath('${R}/z', undefined, s), '/opt/r/z');
    assert.equal(resolvePath('$UNSET/z', undefined, s), '/work/$UNSET/z');
    assert.equal(resolvePath('{{CWD}}/a', undefined, s), '/work/a');
    assert.equal(resolvePath('roles', file, s), join(dir, 'roles'));
    assert.deepEqual(ensureType('roles:/abs:~/r', 'pathspec', file, s), [join(dir, 'roles'), '/abs', '/home/u/r']);
    assert.deepEqual(ensureType('a, /b', 'pathlist', 'env: X', s), ['/work/a', '/b']);
    assert.equal(ensureType('p', 'path', 'default', s), '/work/p');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('precedence: variables, then the last environment variable set, then the last ini entry, then the default', () => {
  const def = KBS_PLUGIN_SETTINGS.connection.ssh.timeout;
  const ini = { defaults: { timeout: { value: '20', line: 2 } }, ssh_connection: { timeout: { value: '25', line: 4 } } };
  assert.equal(configValue('t', def, src({}, '/x/ansible.cfg', ini)), 25);
  assert.equal(configValue('t', def, src({ ANSIBLE_TIMEOUT: '30' }, '/x/ansible.cfg', ini)), 30);
  assert.equal(configValue('t', def, src({ ANSIBLE_TIMEOUT: '30', ANSIBLE_SSH_TIMEOUT: '31' }, '/x/ansible.cfg', ini)), 31);
  assert.equal(configValue('t', def, src({ ANSIBLE_TIMEOUT: '30' }), { variables: (n) => (n === 'ansible_ssh_timeout' ? 40 : undefined) }), 40);
  assert.equal(configValue('t', def, src()), 10);
  // an empty environment variable of a typed setting falls back to the default, as in Ansible
  assert.equal(configValue('t', def, src({ ANSIBLE_TIMEOUT: '' })), 10);
  assert.throws(() => configValue('setting: DEFAULT_FORKS ', KBS_SETTINGS.DEFAULT_FORKS, src({ ANSIBLE_FORKS: 'many' })), /Invalid type for configuration option setting: DEFAULT_FORKS \(from env: ANSIBLE_FORKS\): invalid literal/);
  // the [DEFAULT] section applies to the sections the file has
  assert.equal(configValue('u', KBS_SETTINGS.DEFAULT_BECOME_USER, src({}, '/x/a.cfg', { DEFAULT: { become_user: { value: 'd', line: 1 } }, privilege_escalation: {} })), 'd');
});

test('templated defaults: {{ ANSIBLE_HOME ~ "..." }} with the ANSIBLE_HOME in use', () => {
  const s = src({ ANSIBLE_HOME: '/ah' });
  const home = configValue('h', KBS_SETTINGS.ANSIBLE_HOME, s);
  assert.equal(home, '/ah');
  assert.deepEqual(configValue('r', KBS_SETTINGS.DEFAULT_ROLES_PATH, s, { setting: () => home }), ['/ah/roles', '/usr/share/ansible/roles', '/etc/ansible/roles']);
});

test('configSource finds the file named by ANSIBLE_CONFIG and parses it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-cfgsrc-'));
  try {
    writeFileSync(join(dir, 'my.cfg'), '[defaults]\nforks = 9 ; inline comment\n');
    const s = configSource({ ANSIBLE_CONFIG: join(dir, 'my.cfg'), HOME: dir }, dir, join(dir, 'none'));
    assert.equal(s.file, join(dir, 'my.cfg'));
    assert.equal(configValue('f', KBS_SETTINGS.DEFAULT_FORKS, s), 9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
