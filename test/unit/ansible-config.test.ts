import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { checkBecomeConfig, findConfigFile, parseIni, readAnsibleConfig } from '../../src/cli/ansible-config.js';
import { toRunOptions } from '../../src/cli/run.js';

function tree(): { root: string; cwd: string; home: string; sys: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'kbs-cfg-'));
  const cwd = join(root, 'project');
  const home = join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(home);
  chmodSync(cwd, 0o755);
  return { root, cwd, home, sys: join(root, 'etc-ansible.cfg'), done: () => rmSync(root, { recursive: true, force: true }) };
}

test('the config file: ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg; the first that exists wins', () => {
  const t = tree();
  try {
    const where = (env: NodeJS.ProcessEnv = {}) => findConfigFile({ env, cwd: t.cwd, home: t.home, systemFile: t.sys });
    assert.equal(where().file, undefined);
    writeFileSync(t.sys, '[defaults]\n');
    assert.equal(where().file, t.sys);
    writeFileSync(join(t.home, '.ansible.cfg'), '[defaults]\n');
    assert.equal(where().file, join(t.home, '.ansible.cfg'));
    writeFileSync(join(t.cwd, 'ansible.cfg'), '[defaults]\n');
    assert.equal(where().file, join(t.cwd, 'ansible.cfg'));
    const other = join(t.root, 'other.cfg');
    writeFileSync(other, '[defaults]\n');
    assert.equal(where({ ANSIBLE_CONFIG: other }).file, other);
    // a folder in ANSIBLE_CONFIG means its ansible.cfg; a missing file falls through to the next
    assert.equal(where({ ANSIBLE_CONFIG: t.cwd }).file, join(t.cwd, 'ansible.cfg'));
    assert.equal(where({ ANSIBLE_CONFIG: join(t.root, 'missing.cfg') }).file, join(t.cwd, 'ansible.cfg'));
    // a world-writable current folder is skipped, with Ansible's warning
    chmodSync(t.cwd, 0o777);
    const ww = where();
    assert.equal(ww.file, join(t.home, '.ansible.cfg'));
    assert.match(ww.warnings[0], /world writable directory .*ignoring it as an ansible.cfg source/);
    // no warning when ANSIBLE_CONFIG names the file read
    assert.deepEqual(where({ ANSIBLE_CONFIG: other }).warnings, []);
  } finally {
    t.done();
  }
});

test('INI as Python configparser reads it: sections, = and :, comments, inline ; comments, continuation lines, keys in any case', () => {
  const ini = parseIni('# c\n; c\n[defaults]\nForks = 7 ; seven\nroles_path: a:b\n  :c\n\n[privilege_escalation]\nbecome=True\n', 'x.cfg');
  assert.deepEqual(ini.defaults.forks, { value: '7', line: 4 });
  assert.equal(ini.defaults.roles_path.value, 'a:b\n:c');
  assert.equal(ini.privilege_escalation.become.value, 'True');
  assert.throws(() => parseIni('forks = 1\n', 'x.cfg'), (e: unknown) => e instanceof KbsError && e.code === 'USAGE' && e.where() === 'x.cfg:1:1');
});

test('settings: types, paths relative to the file (environment: to the current folder), environment wins, unknown ones ignored', () => {
  const t = tree();
  try {
    const cfgDir = join(t.root, 'conf');
    mkdirSync(cfgDir);
    const file = join(cfgDir, 'ansible.cfg');
    writeFileSync(
      file,
      [
        '[defaults]',
        'roles_path = roles:~/more:$EXTRA/r',
        'inventory = hosts.ini, /abs/inv',
        'forks = 12',
        'remote_user = deploy',
        'private_key_file = keys/id',
        'host_key_checking = False',
        'private_role_vars = yes',
        'timeout = 33',
        'callbacks_enabled = timer',
        '[privilege_escalation]',
        'become = on',
        'become_user = admin',
        '[ssh_connection]',
        'pipelining = True',
        '',
      ].join('\n'),
    );
    const env = { ANSIBLE_CONFIG: file, EXTRA: '/x' };
    const c = readAnsibleConfig({ env, cwd: t.cwd, home: t.home, systemFile: t.sys });
    assert.equal(c.file, file);
    assert.deepEqual(c.rolesPath, [join(cfgDir, 'roles'), join(t.home, 'more'), '/x/r']);
    assert.deepEqual(c.inventory, [join(cfgDir, 'hosts.ini'), '/abs/inv']);
    assert.equal(c.forks, 12);
    assert.equal(c.remoteUser, 'deploy');
    assert.equal(c.privateKeyFile, join(cfgDir, 'keys/id'));
    assert.equal(c.hostKeyChecking, false);
    assert.equal(c.privateRoleVars, true);
    assert.equal(c.timeout, 33);
    assert.equal(c.become, true);
    assert.equal(c.becomeUser, 'admin');
    assert.equal(c.becomeMethod, 'sudo');
    const e = readAnsibleConfig({ env: { ...env, ANSIBLE_FORKS: '3', ANSIBLE_ROLES_PATH: 'here', ANSIBLE_PRIVATE_ROLE_VARS: 'no' }, cwd: t.cwd, home: t.home, systemFile: t.sys });
    assert.equal(e.forks, 3);
    assert.deepEqual(e.rolesPath, [join(t.cwd, 'here')]);
    assert.equal(e.privateRoleVars, false);
    // defaults without a file
    const none = readAnsibleConfig({ env: {}, cwd: t.cwd, home: t.home, systemFile: t.sys });
    assert.equal(none.file, undefined);
    assert.deepEqual(none.rolesPath, [join(t.home, '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles']);
    assert.equal(none.hostKeyChecking, true);
    assert.equal(none.privateRoleVars, false);
    assert.equal(none.forks, undefined);
  } finally {
    t.done();
  }
});

test('an integer setting that is not one is an error naming the file and line', () => {
  const t = tree();
  try {
    const file = join(t.cwd, 'ansible.cfg');
    writeFileSync(file, '[defaults]\n\nforks = many\n');
    assert.throws(
      () => readAnsibleConfig({ env: {}, cwd: t.cwd, home: t.home, systemFile: t.sys }),
      (e: unknown) => e instanceof KbsError && e.code === 'USAGE' && e.where() === `${file}:3:1` && /forks in \[defaults\] must be an integer, got "many"/.test(e.message),
    );
    rmSync(file);
    assert.throws(() => readAnsibleConfig({ env: { ANSIBLE_TIMEOUT: 'soon' }, cwd: t.cwd, home: t.home, systemFile: t.sys }), /ANSIBLE_TIMEOUT must be an integer/);
  } finally {
    t.done();
  }
});

test('become_method other than sudo and become_ask_pass are refused; the run options take the rest', () => {
  const base = readAnsibleConfig({ env: {}, cwd: '/nonexistent', home: '/nonexistent', systemFile: '/nonexistent' });
  assert.throws(() => checkBecomeConfig({ ...base, becomeMethod: 'su' }), /become_method "su" .* is not supported/);
  assert.throws(() => checkBecomeConfig({ ...base, becomeAskPass: true }), /does not prompt/);
  const cfg = { ...base, forks: 8, timeout: 20, remoteUser: 'deploy', become: true, becomeUser: 'admin', privateRoleVars: true, hostKeyChecking: false, file: '/x/ansible.cfg' };
  const o = toRunOptions({}, cfg);
  assert.equal(o.forks, 8);
  assert.equal(o.transport.connectTimeout, 20);
  assert.equal(o.transport.acceptNewHostKeys, true);
  assert.equal(o.remoteUser, 'deploy');
  assert.equal(o.become, true);
  assert.equal(o.becomeUser, 'admin');
  assert.equal(o.privateRoleVars, true);
  assert.equal(o.configFile, '/x/ansible.cfg');
  // the command line wins
  const f = toRunOptions({ forks: '2', connectTimeout: '5' }, cfg);
  assert.equal(f.forks, 2);
  assert.equal(f.transport.connectTimeout, 5);
  assert.equal(toRunOptions({}, base).forks, 50);
});
