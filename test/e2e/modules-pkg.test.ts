/**
 * The package modules on real Debian 12 machines (the fleet, id "kbspkg", 2 machines), through
 * the in-process CLI: apt from the fleet's repository (first run changed, second ok, check mode
 * installs nothing, diff shown, removal, pins, missing package), dpkg_selections, deb: files,
 * apt_repository / deb822_repository sources and keyrings, and a comparison with ansible-playbook
 * on two fresh machines. Needs root (the fleet); skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory, type FleetInfo } from '../fleet/index.js';
import { kbs, results, type KbsRun } from '../helpers/kbs.js';
import { ansiblePlaybook } from '../helpers/ansible.js';

const ID = 'kbspkg';
const opts = { id: ID };
const isRoot = process.getuid?.() === 0;
const T = { timeout: 900_000 };
const M1 = `${ID}-1`;
const M2 = `${ID}-2`;
// Ansible's apt module needs python3-apt on the host: the fleet repository must offer it
process.env.KBS_FLEET_EXTRA_PACKAGES = [process.env.KBS_FLEET_EXTRA_PACKAGES ?? '', 'python3-apt'].join(' ').trim();

const work = mkdtempSync(join(tmpdir(), 'kbs-pkg-e2e-'));
const releaseDir = join(work, 'release');
const inv = join(work, 'inv.yml');
let info: FleetInfo;
let n = 0;

async function sh(host: string, cmd: string): Promise<string> {
  const r = await ssh(host, cmd, opts);
  assert.equal(r.rc, 0, `${host}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

/** run TASKS (YAML, indented under tasks:) on HOST with kbs; returns the run */
async function play(host: string, tasks: string, flags: string[] = []): Promise<KbsRun> {
  const pb = join(work, `pb${++n}.yml`);
  writeFileSync(pb, `- hosts: ${host}\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`);
  return kbs(['run', pb, '-i', inv, ...flags]);
}

function only(run: KbsRun) {
  const r = results(run);
  assert.equal(r.length, 1, run.stdout.slice(-2000));
  return r[0];
}

/** the dpkg status and version of PKG ("" when dpkg does not know it) */
async function dpkgStatus(host: string, pkg: string): Promise<string> {
  const r = await ssh(host, `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${pkg} 2>/dev/null`, opts);
  return r.stdout.trim();
}

function buildDeb(version: string): string {
  const root = join(work, `deb-${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/kbs-pkgtest'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN/control'), `Package: kbs-pkgtest\nVersion: ${version}\nArchitecture: all\nMaintainer: kbs <kbs@example.invalid>\nDepends: socat\nDescription: kbs test package\n`);
  writeFileSync(join(root, 'usr/share/kbs-pkgtest/version'), `${version}\n`);
  const out = join(work, `kbs-pkgtest_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', root, out], { stdio: 'ignore' });
  return out;
}

describe('package modules on the fleet', { skip: isRoot ? false : 'needs root' }, () => {
  before(async () => {
    mkdirSync(releaseDir, { recursive: true });
    writeFileSync(join(releaseDir, 'kbs-test-key.asc'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a real key\n-----END PGP PUBLIC KEY BLOCK-----\n');
    info = await up(2, { ...opts, releaseDir, replace: true });
    await writeInventory(inv, {}, opts);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
  }, T);

  test('check mode on a fresh machine installs nothing, and shows what it would install', T, async () => {
    const u = only(await play(M1, `- apt: {update_cache: true}`));
    assert.equal(u.status, 'changed', 'the first cache update on a fresh machine changes the cache');
    assert.equal(u.result.cache_updated, true);
    const run = await play(M1, `- apt: {name: [haproxy, etcd-client]}`, ['--check', '--diff']);
    const r = only(run);
    assert.equal(r.status, 'changed');
    const d = r.result.diff as { before: string; after: string };
    assert.match(d.after, /^haproxy 2\.6\./m);
    assert.match(d.after, /^etcd-client 3\.4\./m);
    assert.match(run.stdout + run.stderr, /haproxy/);
    assert.equal(await dpkgStatus(M1, 'haproxy'), '', 'check mode installed haproxy');
    assert.equal(await dpkgStatus(M1, 'etcd-client'), '');
  });

  test('install: first run changed with a diff, second run ok; dpkg agrees', T, async () => {
    const task = `- apt: {name: [haproxy, etcd-client], update_cache: true, cache_valid_time: 3600}`;
    const r1 = only(await play(M1, task, ['--diff']));
    assert.equal(r1.status, 'changed', JSON.stringify(r1.result).slice(0, 1500));
    assert.match((r1.result.diff as { after: string }).after, /^haproxy 2\.6\./m);
    assert.equal(r1.result.cache_updated, false, 'cache_valid_time: the cache is fresh');
    assert.equal(typeof r1.result.cache_update_time, 'number');
    assert.match(String(r1.result.stdout), /Setting up haproxy/);
    assert.match(await dpkgStatus(M1, 'haproxy'), /^ii 2\.6\./);
    assert.match(await dpkgStatus(M1, 'etcd-client'), /^ii 3\.4\./);
    const r2 = only(await play(M1, task));
    assert.equal(r2.status, 'ok');
    assert.equal(r2.result.changed, false);
  });

  test('version pins: exact and glob pins of the installed version are ok; a missing version fails clearly', T, async () => {
    const v = (await dpkgStatus(M1, 'etcd-client')).slice(3);
    const ok = await play(M1, `- apt: {name: ["etcd-client=${v}", "haproxy=2.6.*"]}`);
    assert.equal(only(ok).status, 'ok');
    const bad = await play(M1, `- apt: {name: "etcd-client=9.*"}`);
    const r = only(bad);
    assert.equal(r.status, 'failed');
    assert.equal(r.result.msg, 'no available installation candidate for etcd-client=9.*');
    assert.equal(bad.code, 2);
  });

  test("a missing package fails with one clear message (Ansible's)", T, async () => {
    const run = await play(M1, `- apt: {name: [haproxy, kbs-no-such-package]}`);
    const r = only(run);
    assert.equal(r.status, 'failed');
    assert.equal(r.result.msg, "No package matching 'kbs-no-such-package' is available");
    assert.equal(run.recap[M1].failed, 1);
  });

  test('dpkg_selections hold: changed then ok; a held package is not removed without allow_change_held_packages', T, async () => {
    const hold = `- dpkg_selections: {name: haproxy, selection: hold}`;
    const h1 = only(await play(M1, hold, ['--diff']));
    assert.equal(h1.status, 'changed');
    assert.deepEqual([h1.result.before, h1.result.after], ['install', 'hold']);
    assert.match(await sh(M1, 'dpkg --get-selections haproxy'), /^haproxy\s+hold$/m);
    assert.equal(only(await play(M1, hold)).status, 'ok');
    const rm = only(await play(M1, `- apt: {name: haproxy, state: absent}`));
    assert.equal(rm.status, 'failed');
    assert.match(String(rm.result.msg), /held packages/i);
    assert.match(await dpkgStatus(M1, 'haproxy'), /^hi /);
    const missing = only(await play(M1, `- dpkg_selections: {name: kbs-no-such-package, selection: hold}`));
    assert.equal(missing.result.msg, "Failed to find package 'kbs-no-such-package' to perform selection 'hold'.");
  });

  test('remove: check mode keeps the package, then removed (changed), then ok', T, async () => {
    const task = `- apt: {name: haproxy, state: absent, purge: true, allow_change_held_packages: true}`;
    const chk = only(await play(M1, task, ['--check', '--diff']));
    assert.equal(chk.status, 'changed');
    assert.match((chk.result.diff as { before: string }).before, /^haproxy 2\.6\./m);
    assert.match(await dpkgStatus(M1, 'haproxy'), /^hi /, 'check mode removed haproxy');
    assert.equal(only(await play(M1, task)).status, 'changed');
    assert.equal(await dpkgStatus(M1, 'haproxy'), '', 'purged: dpkg forgets it');
    assert.equal(only(await play(M1, task)).status, 'ok');
  });

  test('deb: a .deb copied to the host installs with its dependency, once; upgrades; downgrades only when allowed', T, async () => {
    const d1 = buildDeb('1.0');
    const d2 = buildDeb('2.0');
    const copy = (f: string) => `- copy: {src: ${f}, dest: /root/}\n`;
    const install = (f: string, extra = '') => `- apt: {deb: /root/${f.split('/').pop()}${extra}}`;
    const r1 = await play(M2, `- apt: {update_cache: true}\n` + copy(d1) + install(d1), ['--diff']);
    const a1 = results(r1).filter((e) => e.action === 'apt').pop()!;
    assert.equal(a1.status, 'changed', JSON.stringify(a1.result).slice(0, 1500));
    assert.match((a1.result.diff as { after: string }).after, /^kbs-pkgtest 1\.0$/m);
    assert.match(await dpkgStatus(M2, 'kbs-pkgtest'), /^ii 1\.0$/);
    assert.match(await dpkgStatus(M2, 'socat'), /^ii /, 'the dependency came from the repository');
    assert.equal(only(await play(M2, install(d1))).status, 'ok');
    const up2 = await play(M2, copy(d2) + install(d2));
    assert.equal(results(up2).find((e) => e.action === 'apt')!.status, 'changed');
    assert.match(await dpkgStatus(M2, 'kbs-pkgtest'), /^ii 2\.0$/);
    const down1 = only(await play(M2, install(d1)));
    assert.deepEqual([down1.status, down1.result.msg], ['failed', 'A later version is already installed']);
    assert.equal(only(await play(M2, install(d1, ', allow_downgrade: true'))).status, 'changed');
    assert.match(await dpkgStatus(M2, 'kbs-pkgtest'), /^ii 1\.0$/);
    const gone = only(await play(M2, `- apt: {deb: /root/nothere.deb}`));
    assert.equal(gone.result.msg, 'Unable to install package: /root/nothere.deb: no such file on the host');
  });

  test('apt_repository: a one-line source written once, found again whatever its spacing or file, removed', T, async () => {
    const repo = `deb [trusted=yes arch=amd64] ${info.aptRepo} ./`;
    const task = `- apt_repository: {repo: "${repo}", filename: kbs-pkgtest}`;
    const chk = only(await play(M2, task, ['--check', '--diff']));
    assert.equal(chk.status, 'changed');
    assert.equal((await ssh(M2, 'test -e /etc/apt/sources.list.d/kbs-pkgtest.list', opts)).rc, 1, 'check mode wrote the file');
    const r1 = only(await play(M2, task, ['--diff']));
    assert.equal(r1.status, 'changed');
    const d = (r1.result.diff as { after: string; after_header: string }[])[0];
    assert.deepEqual([d.after_header, d.after], ['/etc/apt/sources.list.d/kbs-pkgtest.list', `${repo}\n`]);
    assert.equal(await sh(M2, 'cat /etc/apt/sources.list.d/kbs-pkgtest.list'), `${repo}\n`);
    assert.equal((await sh(M2, 'stat -c %a /etc/apt/sources.list.d/kbs-pkgtest.list')).trim(), '644');
    assert.match(await sh(M2, 'ls -l --time-style=+ /var/lib/apt/lists/'), /Packages/, 'the cache was updated');
    assert.equal(only(await play(M2, task)).status, 'ok');
    assert.equal(only(await play(M2, `- apt_repository: {repo: "deb   [trusted=yes arch=amd64]   ${info.aptRepo}  ./", filename: other}`)).status, 'ok');
    assert.equal(only(await play(M2, `- apt_repository: {repo: "deb [trusted=yes] ${info.aptRepo} ./"}`)).status, 'ok', 'the fleet line itself is present');
    const bad = only(await play(M2, `- apt_repository: {repo: "# deb http://x ./"}`));
    assert.equal(bad.result.msg, 'Invalid repository string:  deb http://x ./');
    assert.equal(only(await play(M2, `- apt_repository: {repo: "${repo}", state: absent}`)).status, 'changed');
    assert.equal((await ssh(M2, 'test -e /etc/apt/sources.list.d/kbs-pkgtest.list', opts)).rc, 1, 'the emptied file is removed');
  });

  test('deb822_repository and a keyring from a URL (the pkgs.k8s.io pattern without apt-key)', T, async () => {
    const keyUrl = `${info.releaseUrl}/kbs-test-key.asc`;
    const task = [
      '- deb822_repository:',
      '    name: kbs_test repo',
      `    uris: "${info.aptRepo}"`,
      '    suites: ./',
      '    trusted: true',
      `    signed_by: "${keyUrl}"`,
    ].join('\n');
    const chk = only(await play(M2, task, ['--check']));
    assert.equal(chk.status, 'changed');
    assert.equal((await ssh(M2, 'test -e /etc/apt/sources.list.d/kbs-test-repo.sources || test -e /etc/apt/keyrings/kbs-test-repo.asc', opts)).rc, 1, 'check mode wrote files');
    const r1 = only(await play(M2, task, ['--diff']));
    assert.equal(r1.status, 'changed');
    const want = `X-Repolib-Name: kbs_test repo\nSigned-By: /etc/apt/keyrings/kbs-test-repo.asc\nSuites: ./\nTrusted: yes\nTypes: deb\nURIs: ${info.aptRepo}\n`;
    assert.equal(r1.result.repo, want);
    assert.equal(r1.result.key_filename, '/etc/apt/keyrings/kbs-test-repo.asc');
    assert.equal(await sh(M2, 'cat /etc/apt/sources.list.d/kbs-test-repo.sources'), want);
    assert.match(await sh(M2, 'stat -c "%a %n" /etc/apt/keyrings /etc/apt/keyrings/kbs-test-repo.asc /etc/apt/sources.list.d/kbs-test-repo.sources'), /^755 .*\n644 .*\n644 /);
    assert.match(await sh(M2, 'cat /etc/apt/keyrings/kbs-test-repo.asc'), /not a real key/);
    assert.equal(only(await play(M2, task)).status, 'ok');
    const rm = only(await play(M2, `- deb822_repository: {name: kbs_test repo, state: absent}`));
    assert.equal(rm.status, 'changed');
    assert.equal((await ssh(M2, 'ls /etc/apt/sources.list.d/kbs-test-repo.sources /etc/apt/keyrings/kbs-test-repo.asc', opts)).rc, 2, 'files removed');
    assert.equal(only(await play(M2, `- deb822_repository: {name: kbs_test repo, state: absent}`)).status, 'ok');
  });

  test('package picks apt on the Debian host', T, async () => {
    const r = only(await play(M2, `- package: {name: etcd-client, state: present}`));
    assert.equal(r.status, 'changed');
    assert.match(await dpkgStatus(M2, 'etcd-client'), /^ii /);
    assert.equal(only(await play(M2, `- package: {name: etcd-client}`)).status, 'ok');
  });
});

/** the installed packages, selections, manual marks and sources of a machine */
async function machineState(host: string): Promise<Record<string, string>> {
  const q = async (cmd: string) => (await ssh(host, cmd, opts)).stdout;
  return {
    packages: await q(`dpkg-query -W -f='\${Package} \${Version} \${db:Status-Abbrev}\\n' | sort`),
    selections: await q('dpkg --get-selections | sort'),
    manual: await q('apt-mark showmanual | sort'),
    sources: await q('cd /etc/apt/sources.list.d && for f in $(ls); do echo "== $f $(stat -c %a $f)"; cat $f; done'),
  };
}

describe('the same playbook under ansible-playbook and kbs run', { skip: isRoot ? false : 'needs root' }, () => {
  before(async () => {
    mkdirSync(releaseDir, { recursive: true });
    info = await up(2, { ...opts, releaseDir, replace: true });
    await writeInventory(inv, {}, opts);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('apt + dpkg_selections + deb822_repository + apt_repository: both machines end in the same state', T, async () => {
    const pb = resolve('test/fixtures/modules-pkg/compare/site.yml');
    const env: Record<string, string> = {};
    const doc = await new Promise<string>((res) => execFile('ansible-doc', ['-t', 'module', 'ansible.builtin.deb822_repository'], (_e, o, e) => res(o + e)));
    // Debian 12's ansible-core 2.14 has no deb822_repository: a stand-in writes the same file
    if (/was not found/.test(doc)) env.ANSIBLE_LIBRARY = resolve('test/fixtures/modules-pkg/ansible-shim');
    const a = await ansiblePlaybook(['-i', inv, pb, '-l', M1, '-e', `repo=${info.aptRepo}`], work, env);
    assert.equal(a.code, 0, a.out.slice(-4000));
    const k = await kbs(['run', pb, '-i', inv, '-l', M2, '-e', `repo=${info.aptRepo}`]);
    assert.equal(k.code, 0, k.stdout.slice(-4000));

    const sa = await machineState(M1);
    const sk = await machineState(M2);
    assert.match(sa.packages, /^haproxy 2\.6\.\S+ hi $/m, 'the comparison saw the packages');
    assert.match(sa.sources, /kbs-fleet-mirror\.sources 644\nArchitectures: amd64\nEnabled: no\n/);
    assert.match(sa.sources, /== kbs-compare\.list 644\ndeb \[trusted=yes arch=amd64\]/);
    assert.doesNotMatch(sa.packages, /^socat /m);
    for (const key of Object.keys(sa)) assert.equal(sk[key], sa[key], `${key} differ`);

    // a second run of kbs changes nothing
    const k2 = await kbs(['run', pb, '-i', inv, '-l', M2, '-e', `repo=${info.aptRepo}`]);
    assert.equal(k2.code, 0);
    const changedTasks = results(k2).filter((r) => r.status === 'changed').map((r) => r.task);
    // socat is installed, then purged, on every run; the last task updates the cache (changed
    // only when the lists changed, as Ansible); everything else is converged
    assert.deepEqual(
      changedTasks.filter((t) => !/cache still updates/.test(t)),
      ['packages, one pinned with a glob', 'socat again, then removed with its config files'],
    );
    assert.deepEqual(await machineState(M2), sk, 'the second run leaves the same state');
  });
});
