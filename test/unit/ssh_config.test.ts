import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import {
  clearSshConfigCache,
  expandTokens,
  hostPatternsMatch,
  resolveSshConfig,
  splitConfigLine,
} from '../../src/transport/ssh_config.js';
import { acceptNewFrom, parseProxyJump, parseSshArgs, shellWords } from '../../src/transport/ssh_args.js';
import { resolveTarget } from '../../src/transport/resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'kbs-sshcfg-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function cfg(text: string): string {
  const f = join(dir, `config${n++}`);
  writeFileSync(f, text);
  clearSshConfigCache();
  return f;
}

test('splitConfigLine: spaces, = and quotes', () => {
  assert.deepEqual(splitConfigLine('HostName  example.com'), ['HostName', 'example.com']);
  assert.deepEqual(splitConfigLine('Port=2222'), ['Port', '2222']);
  assert.deepEqual(splitConfigLine('User = bob'), ['User', 'bob']);
  assert.deepEqual(splitConfigLine('IdentityFile "/a b/key"'), ['IdentityFile', '/a b/key']);
  assert.deepEqual(splitConfigLine('Host a b !c'), ['Host', 'a', 'b', '!c']);
});

test('host patterns: *, ?, negation, several', () => {
  assert.ok(hostPatternsMatch('web1', ['web?']));
  assert.ok(!hostPatternsMatch('web10', ['web?']));
  assert.ok(hostPatternsMatch('x.prod', ['*.prod', '*.dev']));
  assert.ok(!hostPatternsMatch('db.prod', ['*.prod', '!db.*']));
  assert.ok(!hostPatternsMatch('anything', ['!db']));
});

test('first obtained value wins; IdentityFile accumulates; keys are case-insensitive', () => {
  const f = cfg(`
# comment
Host web1
  HostName 10.0.0.1
  user alice
  IdentityFile ~/.ssh/web_key

Host web* !web9
  Port 2200
  User bob
  IdentityFile /keys/%r@%h:%p
  ProxyJump jump@bastion:2022

Host *
  Port 22
  User default
  ConnectTimeout 7
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/kh1 ~/kh2
`);
  const c = resolveSshConfig(f, 'web1');
  assert.equal(c.hostName, '10.0.0.1');
  assert.equal(c.user, 'alice');
  assert.equal(c.port, 2200);
  assert.deepEqual(c.identityFiles, ['~/.ssh/web_key', '/keys/%r@%h:%p']);
  assert.equal(c.proxyJump, 'jump@bastion:2022');
  assert.equal(c.connectTimeout, 7);
  assert.equal(c.strictHostKeyChecking, 'accept-new');
  assert.deepEqual(c.userKnownHostsFile, ['~/kh1', '~/kh2']);
  const w9 = resolveSshConfig(f, 'web9');
  assert.equal(w9.port, 22);
  assert.equal(w9.user, 'default');
  assert.equal(w9.proxyJump, undefined);
  const other = resolveSshConfig(f, 'db');
  assert.equal(other.hostName, undefined);
  assert.deepEqual(other.identityFiles, []);
});

test('Match blocks are skipped; options before any Host apply to all', () => {
  const f = cfg(`User top
Match host web1
  User matched
  Port 1
Host web1
  Port 3
`);
  const c = resolveSshConfig(f, 'web1');
  assert.equal(c.user, 'top');
  assert.equal(c.port, 3);
});

test('Include: relative to the config dir, globs, only inside a matching block', () => {
  const d = join(dir, 'inc');
  mkdirSync(join(d, 'conf.d'), { recursive: true });
  writeFileSync(join(d, 'conf.d', 'a.conf'), 'Host a1\n  HostName a1.example\n');
  writeFileSync(join(d, 'conf.d', 'b.conf'), 'Host b1\n  HostName b1.example\n');
  writeFileSync(join(d, 'only-db'), 'User dbuser\n');
  writeFileSync(join(d, 'config'), 'Include conf.d/*.conf\nHost db\n  Include only-db\nHost *\n  User other\n');
  clearSshConfigCache();
  assert.equal(resolveSshConfig(join(d, 'config'), 'a1').hostName, 'a1.example');
  assert.equal(resolveSshConfig(join(d, 'config'), 'b1').hostName, 'b1.example');
  assert.equal(resolveSshConfig(join(d, 'config'), 'db').user, 'dbuser');
  assert.equal(resolveSshConfig(join(d, 'config'), 'web').user, 'other');
});

test('missing config file -> empty config', () => {
  assert.deepEqual(resolveSshConfig(join(dir, 'nope'), 'x'), { identityFiles: [] });
});

test('tokens and ~ expansion', () => {
  const ctx = { host: '10.0.0.1', original: 'web1', user: 'bob', port: 2200 };
  assert.equal(expandTokens('~/.ssh/%r@%h:%p-%n%%', ctx), join(homedir(), '.ssh', 'bob@10.0.0.1:2200-web1%'));
  assert.equal(expandTokens('%d/k-%u', ctx), `${homedir()}/k-${userInfo().username}`);
});

test('ansible_ssh_common_args: -o forms, -J, quoting, unknown options ignored', () => {
  const a = parseSshArgs(
    `-o ProxyJump=ops@bastion:2022 -o 'UserKnownHostsFile=/tmp/kh' -oStrictHostKeyChecking=no -o "ConnectTimeout 4" -o ForwardAgent=yes -C`,
  );
  assert.equal(a.proxyJump, 'ops@bastion:2022');
  assert.deepEqual(a.userKnownHostsFile, ['/tmp/kh']);
  assert.equal(a.strictHostKeyChecking, 'no');
  assert.equal(a.connectTimeout, 4);
  assert.deepEqual(a.ignored, ['-o ForwardAgent=yes', '-C']);
  assert.equal(parseSshArgs('-J a@b:1,c').proxyJump, 'a@b:1,c');
  assert.equal(parseSshArgs('-Jx').proxyJump, 'x');
  assert.deepEqual(shellWords(`a "b c" 'd e' f\\ g`), ['a', 'b c', 'd e', 'f g']);
  assert.throws(() => parseSshArgs('-o ConnectTimeout=soon'), /ConnectTimeout/);
});

test('ProxyJump values', () => {
  assert.deepEqual(parseProxyJump('ops@bastion:2022'), [{ user: 'ops', host: 'bastion', port: 2022 }]);
  assert.deepEqual(parseProxyJump('a,ssh://b@[::1]:23'), [
    { user: undefined, host: 'a', port: undefined },
    { user: 'b', host: '::1', port: 23 },
  ]);
  assert.deepEqual(parseProxyJump('none'), []);
  assert.deepEqual(parseProxyJump(undefined), []);
});

test('StrictHostKeyChecking=no is accept-new, never "off"', () => {
  assert.equal(acceptNewFrom('no'), true);
  assert.equal(acceptNewFrom('accept-new'), true);
  assert.equal(acceptNewFrom('yes'), false);
  assert.equal(acceptNewFrom(undefined), undefined);
});

test('resolveTarget: inventory > common args > run options > ssh_config', () => {
  const f = cfg(`Host web1
  HostName 10.9.9.9
  User cfguser
  Port 2201
  IdentityFile /keys/%r-%h
  ProxyJump jumper
  UserKnownHostsFile /cfg/kh
  StrictHostKeyChecking yes
  ConnectTimeout 9
Host jumper
  HostName 10.0.0.254
  User jumpuser
`);
  const base = { name: 'w', type: 'ssh' as const, address: 'web1' };
  const r = resolveTarget(base, { sshConfigFile: f, agentSocket: '' });
  assert.deepEqual(r.target, { host: '10.9.9.9', port: 2201, user: 'cfguser', keyFiles: ['/keys/cfguser-10.9.9.9'], password: undefined });
  assert.deepEqual(r.jumps, [{ host: '10.0.0.254', port: 22, user: 'jumpuser', keyFiles: ['/keys/cfguser-10.9.9.9'] }]);
  assert.deepEqual(r.policy, { files: ['/cfg/kh'], acceptNew: false });
  assert.equal(r.connectTimeoutMs, 9000);

  const r2 = resolveTarget(
    { ...base, port: 22, user: 'inv', privateKeyFiles: ['/inv/key'], commonArgs: '-o ProxyJump=none -o UserKnownHostsFile=/args/kh -o StrictHostKeyChecking=no -o ConnectTimeout=2' },
    { sshConfigFile: f, knownHostsFile: '/run/kh', connectTimeout: 5 },
  );
  assert.equal(r2.target.port, 22);
  assert.equal(r2.target.user, 'inv');
  assert.deepEqual(r2.target.keyFiles, ['/inv/key', '/keys/inv-10.9.9.9']);
  assert.deepEqual(r2.jumps, []);
  assert.deepEqual(r2.policy, { files: ['/args/kh'], acceptNew: true });
  assert.equal(r2.connectTimeoutMs, 2000);

  const r3 = resolveTarget(base, { sshConfigFile: f, knownHostsFile: '/run/kh', acceptNewHostKeys: true, connectTimeout: 5 });
  assert.deepEqual(r3.policy, { files: ['/run/kh'], acceptNew: true });
  assert.equal(r3.connectTimeoutMs, 5000);

  const r4 = resolveTarget({ name: 'x', type: 'ssh', address: '10.1.1.1' }, { sshConfigFile: null });
  assert.equal(r4.target.port, 22);
  assert.equal(r4.target.user, userInfo().username);
  assert.deepEqual(r4.target.keyFiles, []);
  assert.deepEqual(r4.policy.files, [join(homedir(), '.ssh', 'known_hosts')]);
});
