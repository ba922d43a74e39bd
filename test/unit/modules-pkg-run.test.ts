/**
 * The package modules driven through a scripted host: which commands they run for a given state
 * (dnf/yum cannot run on the Debian fleet; apt's flow is also tested on the fleet).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getModule } from '../../src/modules/registry.js';
import type { ModuleContext, ModuleResult } from '../../src/modules/types.js';
import type { ExecResult } from '../../src/transport/types.js';
import { txCommand, DEFAULT_RPM_OPTIONS } from '../../src/modules/pkg/rpm.js';
import { readRpmArgs } from '../../src/modules/pkg/rpmmodule.js';

type Reply = Partial<ExecResult> | ((cmd: string) => Partial<ExecResult>);

/** a context whose host answers each command with the first matching reply */
function fakeCtx(replies: [RegExp, Reply][], o: { check?: boolean; diff?: boolean; vars?: Record<string, unknown> } = {}) {
  const commands: string[] = [];
  const ctx: ModuleContext & { commands: string[] } = {
    host: 'h1',
    conn: undefined as never,
    commands,
    check: o.check ?? false,
    diff: o.diff ?? false,
    vars: o.vars ?? {},
    verbosity: 0,
    async run(cmd) {
      commands.push(cmd);
      for (const [re, r] of replies) {
        if (re.test(cmd)) {
          const x = typeof r === 'function' ? r(cmd) : r;
          return { rc: 0, stdout: '', stderr: '', ...x };
        }
      }
      throw new Error(`unexpected command: ${cmd.slice(0, 200)}`);
    },
    render: (s) => s,
    condition: () => true,
    findFile: () => {
      throw new Error('no files');
    },
  };
  return ctx;
}

const run = (name: string, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> => getModule(name)!.run(args, ctx);
const fx = (f: string) => readFileSync(new URL(`../fixtures/modules-pkg/${f}`, import.meta.url), 'utf8');
const aptQuery = `@@mtime0\t100\n@@mtime\t100\n@@arch\tamd64\n@@dpkg\n${fx('dpkg.txt')}@@auto\n@@policy\n${fx('policy.txt')}@@end\n`;

test('dnf: missing package installed, installed one left alone, one query round trip', async () => {
  const ctx = fakeCtx([
    [/rpm -q/, { stdout: '@@0\n@@none\n@@1\nnginx\t0:1.20.1-1.el9\tx86_64\n@@end\n' }],
    [/^export LC_ALL=C\ndnf -y .*install/, { stdout: 'Installed:\n  htop-3.2.1-1.el9.x86_64\nComplete!\n' }],
  ]);
  const r = await run('dnf', { name: ['htop', 'nginx'], enablerepo: 'epel', disable_gpg_check: true }, ctx);
  assert.equal(r.changed, true);
  assert.deepEqual(r.results, ['Installed: htop']);
  assert.equal(ctx.commands.length, 2);
  assert.match(ctx.commands[1], /dnf -y --enablerepo=epel --nogpgcheck install htop$/);

  const ok = fakeCtx([[/rpm -q/, { stdout: '@@0\nhtop\t0:3.2.1-1.el9\tx86_64\n@@end\n' }]]);
  const r2 = await run('ansible.builtin.dnf', { name: 'htop', state: 'installed' }, ok);
  assert.deepEqual([r2.changed, r2.msg, ok.commands.length], [false, 'Nothing to do', 1]);
});

test('dnf: latest upgrades only when check-update says so; absent removes; check mode runs no transaction', async () => {
  const q = (cu: number) => `@@0\nnginx\t0:1.20.1-1.el9\tx86_64\n@@cu\t${cu}\n@@end\n`;
  const up = fakeCtx([
    [/check-update/, { stdout: q(100) }],
    [/dnf -y .*upgrade nginx$/, { stdout: 'Upgraded:\n  nginx\nComplete!\n' }],
  ]);
  const r = await run('dnf', { name: 'nginx', state: 'latest', update_cache: true }, up);
  assert.equal(r.changed, true);
  assert.match(up.commands[1], /dnf -y --refresh upgrade nginx$/);
  const same = fakeCtx([[/check-update/, { stdout: q(0) }]]);
  assert.equal((await run('dnf', { name: 'nginx', state: 'latest' }, same)).changed, false);

  const rm = fakeCtx([[/rpm -q/, { stdout: q(0).replace('@@cu\t0\n', '') }], [/dnf -y remove nginx$/, { stdout: 'Removed:\n  nginx\nComplete!\n' }]]);
  const r3 = await run('dnf', { name: 'nginx', state: 'removed' }, rm);
  assert.deepEqual([r3.changed, r3.results], [true, ['Removed: nginx']]);

  const chk = fakeCtx([[/rpm -q/, { stdout: '@@0\n@@none\n@@end\n' }]], { check: true, diff: true });
  const r4 = await run('dnf', { name: 'htop' }, chk);
  assert.equal(r4.changed, true);
  assert.equal(chk.commands.length, 1, 'check mode: only the query');
  assert.deepEqual(r4.diff, { before: '', after: 'Installed: htop\n', before_header: 'packages', after_header: 'packages' });
});

test("dnf/yum: a package that does not exist fails with Ansible's message", async () => {
  const ctx = fakeCtx([
    [/rpm -q/, { stdout: '@@0\n@@none\n@@end\n' }],
    [/install nosuch/, { rc: 1, stdout: 'No match for argument: nosuch\n', stderr: 'Error: Unable to find a match: nosuch\n' }],
  ]);
  const r = await run('dnf', { name: 'nosuch' }, ctx);
  assert.equal(r.failed, true);
  assert.equal(r.msg, 'Failed to install some of the specified packages');
  assert.deepEqual(r.failures, ['No package nosuch available.']);
});

test('yum: the same logic with yum (update for latest); dnf/yum argument errors', async () => {
  const o = { ...DEFAULT_RPM_OPTIONS, tool: 'yum' as const };
  assert.equal(txCommand('upgrade', ['a'], o), 'yum -y update a');
  assert.equal(txCommand('install', ['a', '@Dev Tools'], { ...o, installWeakDeps: false, exclude: ['k*'], releasever: '7' }), "yum -y --releasever=7 --exclude='k*' --setopt=install_weak_deps=False install a '@Dev Tools'");
  assert.equal(txCommand('remove', ['a'], { ...o, disableGpgCheck: true }), 'yum -y remove a', 'gpg options only for transactions that install');
  const ctx = fakeCtx([
    [/rpm -q/, { stdout: '@@0\nhtop\t0:3\tx86_64\n@@cu\t100\n@@end\n' }],
    [/yum -y update htop/, { stdout: 'Updated:\n  htop\nComplete!\n' }],
  ]);
  assert.equal((await run('yum', { name: 'htop', state: 'latest' }, ctx)).changed, true);
  assert.throws(() => readRpmArgs('dnf', { state: 'present' }), /one of the following is required: name, list, update_cache/);
  assert.throws(() => readRpmArgs('dnf', { name: 'x', state: 'gone' }), /value of state must be one of: absent, present, installed, latest, removed, got: gone/);
  assert.throws(() => readRpmArgs('dnf', { name: 'x', autoremove: true, state: 'present' }), /Autoremove should be used alone or with state=absent/);
  assert.equal(readRpmArgs('dnf', { autoremove: true }).state, 'absent');
  const special = fakeCtx([[/echo '@@end'/, { stdout: '@@0\n@@special\n@@end\n' }], [/install/, { stdout: 'Nothing to do.\nComplete!\n' }]]);
  assert.equal((await run('dnf', { name: '/tmp/x.rpm' }, special)).changed, false, 'a file spec is changed only when dnf did something');
});

test('package: the backend comes from ansible_pkg_mgr, ansible_facts.pkg_mgr, use:, or a probe of the host', async () => {
  const dnfCtx = fakeCtx([[/rpm -q/, { stdout: '@@0\nhtop\t0:3\tx86_64\n@@end\n' }]], { vars: { ansible_facts: { pkg_mgr: 'dnf' } } });
  assert.equal((await run('package', { name: 'htop', state: 'installed' }, dnfCtx)).changed, false);
  assert.equal(dnfCtx.commands.length, 1);

  const probe = fakeCtx([
    [/command -v/, { stdout: 'yum\n' }],
    [/rpm -q/, { stdout: '@@0\n@@none\n@@end\n' }],
    [/yum -y install htop/, { stdout: 'Installed:\n  htop\n' }],
  ]);
  assert.equal((await run('package', { name: 'htop' }, probe)).changed, true);
  assert.match(probe.commands[0], /command -v/);

  const aptCtx = fakeCtx([[/@@dpkg/, { stdout: aptQuery }]], { vars: { ansible_pkg_mgr: 'apt' } });
  const r = await run('package', { pkg: 'haproxy', state: 'present' }, aptCtx);
  assert.equal(r.changed, false, "apt's pkg through package");
  await assert.rejects(run('package', { name: 'haproxy', state: 'installed' }, aptCtx), /value of state must be one of: .*got: installed/, 'apt refuses installed, as in Ansible');
  const other = await run('package', { name: 'haproxy', enablerepo: 'epel' }, aptCtx);
  assert.deepEqual([other.failed, String(other.msg).split('. ')[0]], [true, 'Unsupported parameters for (ansible.legacy.apt) module: enablerepo']);
  const none = fakeCtx([[/command -v/, { stdout: 'unknown\n' }]]);
  await assert.rejects(run('package', { name: 'x' }, none), /Could not detect which package manager to use/);
  await assert.rejects(run('package', { name: 'x', use: 'pacman' }, none), /package manager "pacman" is not supported/);
  // a host whose first package tool is zypper: the zypper module runs
  const zy = fakeCtx([[/for t in apt-get dnf5 dnf yum zypper/, { stdout: 'zypper\n' }], [/zypper/, { rc: 1, stderr: 'a scripted host' }]]);
  await run('package', { name: 'x' }, zy).catch(() => undefined);
  assert.match(zy.commands[1] ?? '', /zypper/, zy.commands.join('\n---\n'));
});

test('apt: check mode simulates, reports the change set, and never runs apt-get for real', async () => {
  const sim = fx('simulate.txt');
  const ctx = fakeCtx(
    [
      [/@@dpkg/, { stdout: aptQuery }],
      [/--simulate install etcd-client=3\.4\.23-4\+b4$/m, { stdout: sim }],
    ],
    { check: true, diff: true },
  );
  const r = await run('apt', { name: ['haproxy', 'etcd-client'] }, ctx);
  assert.equal(r.changed, true);
  assert.equal(ctx.commands.length, 2);
  assert.ok(!ctx.commands.some((c) => /install/.test(c) && !/--simulate/.test(c) && !/apt-cache/.test(c)));
  const d = r.diff as { before: string; after: string };
  assert.match(d.after, /etcd-client 3\.4\.23-4\+b4/);
  assert.deepEqual([r.cache_updated, r.cache_update_time], [false, 100]);
});

test('apt: argument rules of Ansible', async () => {
  const ctx = fakeCtx([[/@@dpkg/, { stdout: aptQuery }]]);
  const nothing = await run('apt', { state: 'present' }, ctx);
  assert.deepEqual([nothing.changed, nothing.failed, nothing.cache_update_time], [false, undefined, 100], 'nothing asked: the cache reported, as Ansible 2.14');
  await assert.rejects(run('apt', { name: 'x', deb: '/x.deb' }, ctx), /parameters are mutually exclusive: deb\|package\|upgrade/);
  await assert.rejects(run('apt', { name: 'x=1=2' }, ctx), /invalid package spec: x=1=2/);
  await assert.rejects(run('apt', { name: 'x', state: 'build-dep' }, ctx), /state=build-dep is not supported by kbs/);
  assert.equal((await run('apt', { deb: '/x.deb', state: 'absent' }, ctx)).msg, 'deb only supports state=present');
  const miss = await run('apt', { name: 'nosuch' }, ctx);
  assert.deepEqual([miss.failed, miss.msg], [true, "No package matching 'nosuch' is available"]);
  const up = fakeCtx([[/@@dpkg/, { stdout: '@@mtime0\t1\n@@updated\tyes\n@@mtime\t2\n@@arch\tamd64\n@@dpkg\n@@auto\n@@policy\n@@end\n' }]]);
  assert.deepEqual(await run('apt', { update_cache: 'yes' }, up), { changed: true, cache_updated: true, cache_update_time: 2 });
  const bad = fakeCtx([[/@@dpkg/, { stdout: '@@mtime0\t1\n@@updatefailed\t100\n', stderr: 'E: Failed to fetch http://x/Release\n' }]]);
  const f = await run('apt', { name: 'x', update_cache: true }, bad);
  assert.equal(f.msg, 'Failed to update apt cache: E: Failed to fetch http://x/Release');
});

test('dpkg_selections: before/after, check mode, unknown package', async () => {
  const ctx = fakeCtx([[/--get-selections/, { stdout: 'haproxy\t\t\t\t\tinstall\n' }], [/--set-selections/, {}]], { diff: true });
  const r = await run('dpkg_selections', { name: 'haproxy', selection: 'hold' }, ctx);
  assert.deepEqual([r.changed, r.before, r.after], [true, 'install', 'hold']);
  assert.match(ctx.commands[1], /haproxy hold \| dpkg --set-selections/);
  const same = fakeCtx([[/--get-selections/, { stdout: 'haproxy\t\t\t\t\thold\n' }]]);
  assert.equal((await run('dpkg_selections', { name: 'haproxy', selection: 'hold' }, same)).changed, false);
  const chk = fakeCtx([[/--get-selections/, { stdout: 'haproxy\tinstall\n' }]], { check: true });
  assert.equal((await run('dpkg_selections', { name: 'haproxy', selection: 'hold' }, chk)).changed, true);
  assert.equal(chk.commands.length, 1);
  const unknown = fakeCtx([[/--get-selections/, { stdout: '', stderr: 'dpkg: no packages found matching nosuch\n' }]]);
  assert.equal((await run('dpkg_selections', { name: 'nosuch', selection: 'hold' }, unknown)).msg, "Failed to find package 'nosuch' to perform selection 'hold'.");
});
