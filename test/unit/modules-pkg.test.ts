/** Pure parts of the package modules: versions, globs, apt state parsing and plans, commands, sources, deb822. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compareDebVersions } from '../../src/modules/pkg/debver.js';
import { fnmatch, globToEre } from '../../src/util/glob.js';
import { parsePolicy, parseQuery, queryScript } from '../../src/modules/pkg/aptquery.js';
import { PlanError, planInstall, planRemove, splitSpec } from '../../src/modules/pkg/aptplan.js';
import { changesDiff, installCommand, parseSimulation, preparedDiff, removeCommand, upgradeCommand, DEFAULT_APT_OPTIONS } from '../../src/modules/pkg/aptcmd.js';
import { SourcesList, parseSourceLine, suggestFilename } from '../../src/modules/pkg/sources.js';
import { fieldName, renderDeb822, slugOf } from '../../src/modules/pkg/deb822.js';
import { listArg } from '../../src/modules/pkg/names.js';

const fx = (f: string) => readFileSync(new URL(`../fixtures/modules-pkg/${f}`, import.meta.url), 'utf8');

export function queryOutput(dpkg = fx('dpkg.txt'), policy = fx('policy.txt'), auto = 'liblua5.3-0\n'): string {
  return `@@mtime0\t100\n@@mtime\t100\n@@arch\tamd64\n@@dpkg\n${dpkg}@@auto\n${auto}@@policy\n${policy}@@end\n`;
}

test('Debian version comparison follows dpkg (epochs, ~, revisions, letters)', () => {
  const lt = (a: string, b: string) => assert.ok(compareDebVersions(a, b) < 0, `${a} < ${b}`);
  lt('1.0', '1.1');
  lt('1.0~rc1', '1.0');
  lt('1.0', '1.0+b1');
  lt('2.6.9', '2.6.12');
  lt('1:0.9', '2:0.1');
  lt('9.9', '1:0.1');
  lt('1.0-1', '1.0-2');
  lt('1.0a', '1.0b');
  lt('1.0', '1.0a');
  lt('1.0-1~bpo1', '1.0-1');
  assert.equal(compareDebVersions('1.0', '1.0-0'), 0);
  assert.equal(compareDebVersions('0:1.2-3', '1.2-3'), 0);
  assert.ok(compareDebVersions('3.4.23-4+b4', '3.4.23-4') > 0);
});

test('fnmatch: * ? [seq] [!seq], whole string, regex characters literal', () => {
  assert.ok(fnmatch('2.6.12-1+deb12u4', '2.6.*'));
  assert.ok(!fnmatch('2.60.1', '2.6.?'));
  assert.ok(fnmatch('2.6.1', '2.6.?'));
  assert.ok(!fnmatch('12.6.1', '2.6.*'));
  assert.ok(fnmatch('a+b', 'a+b'));
  assert.ok(fnmatch('v1', 'v[0-9]'));
  assert.ok(!fnmatch('v1', 'v[!0-9]'));
  assert.equal(globToEre('lib*.so+'), 'lib.*\\.so\\+');
});

test('splitSpec: = and >= as Ansible package_split; list args split commas', () => {
  assert.deepEqual(splitSpec('haproxy'), { spec: 'haproxy', name: 'haproxy' });
  assert.deepEqual(splitSpec('haproxy=2.6.*'), { spec: 'haproxy=2.6.*', name: 'haproxy', cmp: '=', version: '2.6.*' });
  assert.deepEqual(splitSpec('etcd>=3.4'), { spec: 'etcd>=3.4', name: 'etcd', cmp: '>=', version: '3.4' });
  assert.deepEqual(listArg('a, b,c', 'name'), ['a', 'b', 'c']);
  assert.deepEqual(listArg(['x', 1], 'name'), ['x', '1']);
});

test('apt-cache policy output: installed, candidate, version table in order', () => {
  const p = parsePolicy(fx('policy.txt'));
  const h = p.get('haproxy')!;
  assert.equal(h.installed, '2.6.1-1');
  assert.equal(h.candidate, '2.6.12-1+deb12u4');
  assert.deepEqual(h.versions.map((v) => [v.version, v.priority, v.installed]), [
    ['2.6.12-1+deb12u4', 500, false],
    ['2.6.1-1', 100, true],
    ['2.4.22-1', 500, false],
  ]);
  assert.equal(p.get('awk')!.candidate, null);
  assert.equal(p.get('etcd-client')!.installed, null);
  assert.equal(p.has('nosuch'), false);
});

test('query output: dpkg states, provides, auto marks, cache times', () => {
  const q = parseQuery(queryOutput().replace('@@mtime\t100', '@@updated\tyes\n@@mtime\t200'));
  assert.equal(q.updated, 'yes');
  assert.deepEqual([q.mtime0, q.mtime, q.arch], [100, 200, 'amd64']);
  const socat = q.dpkg.find((e) => e.name === 'socat')!;
  assert.deepEqual([socat.want, socat.status], ['r', 'c']);
  assert.deepEqual(q.dpkg.find((e) => e.name === 'mawk')!.provides, ['awk']);
  assert.ok(q.auto.has('liblua5.3-0'));
  const failedQ = parseQuery('@@mtime0\t5\n@@updatefailed\t100\n');
  assert.equal(failedQ.updateFailed, 100);
});

test('query script: names quoted, update only when older than cache_valid_time, check mode does not update', () => {
  const s = queryScript({ names: ['haproxy', "we'ird"], lockTimeout: 30, update: { validSec: 3600, check: false, retries: 3, maxDelay: 12 } });
  assert.match(s, /apt-cache policy -- haproxy 'we'\\''ird'/);
  assert.match(s, /\$\(\(m0 \+ 3600\)\) -lt/);
  assert.match(s, /kbs_lockwait apt-get -q update/);
  assert.match(s, /DEBIAN_FRONTEND=noninteractive/);
  const c = queryScript({ names: ['x'], lockTimeout: 30, update: { validSec: 0, check: true, retries: 3, maxDelay: 12 } });
  assert.doesNotMatch(c, /apt-get -q update/);
  assert.match(c, /@@updated\\tcheck/);
  assert.doesNotMatch(queryScript({ names: ['x'], lockTimeout: 30 }), /apt-get -q update|@@updated/);
});

test('install plan: missing, installed, pinned glob, >=, latest, virtual, no candidate', () => {
  const q = parseQuery(queryOutput());
  const plan = (specs: string[], latest = false) => planInstall(q, specs.map(splitSpec), latest).install;
  assert.deepEqual(plan(['haproxy']), [], 'installed: nothing to do for present');
  assert.deepEqual(plan(['haproxy'], true), ['haproxy=2.6.12-1+deb12u4'], 'latest upgrades to the candidate');
  assert.deepEqual(plan(['etcd-client']), ['etcd-client=3.4.23-4+b4']);
  assert.deepEqual(plan(['haproxy=2.6.1-1']), [], 'the pinned version is installed');
  assert.deepEqual(plan(['haproxy=2.4.*']), ['haproxy=2.4.22-1'], 'pin to an older version: the best match');
  assert.deepEqual(plan(['haproxy=2.6.*']), ['haproxy=2.6.*'], "Ansible's legacy: a glob matching installed and newer upgrades");
  assert.deepEqual(plan(['haproxy>=2.6']), []);
  assert.deepEqual(plan(['haproxy>=2.6.5']), ['haproxy=2.6.12-1+deb12u4']);
  assert.deepEqual(plan(['awk']), [], 'virtual package provided by mawk');
  assert.deepEqual(plan(['socat']), ['socat=1.7.4.4-2'], 'config-files only is not installed');
  assert.throws(() => plan(['nosuch']), (e: unknown) => e instanceof PlanError && e.message === "No package matching 'nosuch' is available");
  assert.throws(() => plan(['etcd-client=9.9']), /no available installation candidate for etcd-client=9.9/);
  assert.throws(() => plan(['haproxy>=3']), /no available installation candidate for haproxy>=3/);
  const p = planInstall(q, [splitSpec('liblua5.3-0')], false);
  assert.deepEqual(p.markManual, ['liblua5.3-0'], 'an auto-installed package asked for is marked manual');
});

test('remove plan: installed, version mismatch, purge of config files, unknown', () => {
  const q = parseQuery(queryOutput());
  const rm = (specs: string[], purge = false) => planRemove(q, specs.map(splitSpec), purge);
  assert.deepEqual(rm(['haproxy', 'etcd-client', 'nosuch']), ['haproxy']);
  assert.deepEqual(rm(['haproxy=9.*']), []);
  assert.deepEqual(rm(['socat']), []);
  assert.deepEqual(rm(['socat'], true), ['socat']);
});

test('apt-get command lines as Ansible builds them', () => {
  const o = { ...DEFAULT_APT_OPTIONS };
  assert.equal(
    installCommand(['haproxy=2.6.12-1+deb12u4', 'etcd-client'], o),
    `apt-get -y -o DPkg::Lock::Timeout=60 -o "Dpkg::Options::=--force-confdef" -o "Dpkg::Options::=--force-confold" install haproxy=2.6.12-1+deb12u4 etcd-client`,
  );
  const all = installCommand(['a b'], {
    ...o,
    simulate: true,
    installRecommends: false,
    allowDowngrade: true,
    allowChangeHeld: true,
    force: true,
    autoremove: true,
    defaultRelease: 'bookworm-backports',
    lockTimeout: 5,
  });
  assert.equal(
    all,
    `apt-get -y -o DPkg::Lock::Timeout=5 -o "Dpkg::Options::=--force-confdef" -o "Dpkg::Options::=--force-confold" --force-yes --auto-remove --simulate install 'a b' -t bookworm-backports -o APT::Install-Recommends=no --allow-downgrades --allow-change-held-packages`,
  );
  assert.match(installCommand(['x'], { ...o, installRecommends: true }), /-o APT::Install-Recommends=yes$/);
  assert.match(removeCommand(['haproxy'], { ...o, purge: true }), /^apt-get -q -y .* --purge remove haproxy$/);
  assert.match(upgradeCommand('dist', o), / dist-upgrade$/);
  assert.match(upgradeCommand('yes', o), / upgrade --with-new-pkgs$/);
  assert.match(installCommand(['x'], { ...o, dpkgOptions: 'force-confnew' }), /"Dpkg::Options::=--force-confnew" install/);
});

test('apt-get -s output: the change set and the before/after package list', () => {
  const ch = parseSimulation(fx('simulate.txt'));
  assert.deepEqual(ch, [
    { op: 'install', name: 'haproxy', from: '2.6.1-1', to: '2.6.12-1+deb12u4' },
    { op: 'install', name: 'etcd-client', from: undefined, to: '3.4.23-4+b4' },
    { op: 'remove', name: 'liblua5.3-0', from: '5.3.6-2' },
  ]);
  const d = changesDiff(ch);
  assert.equal(d.before, 'haproxy 2.6.1-1\nliblua5.3-0 5.3.6-2\n');
  assert.equal(d.after, 'etcd-client 3.4.23-4+b4\nhaproxy 2.6.12-1+deb12u4\n');
  assert.match(preparedDiff(fx('simulate.txt')), /^The following packages will be upgraded:[\s\S]*1 upgraded, 1 newly installed/);
});

test("apt sources: Ansible's parsing, file names, add/remove, no duplicate", () => {
  assert.deepEqual(parseSourceLine('#  deb  http://x  stable main # mine'), { valid: true, enabled: false, source: 'deb http://x stable main', comment: 'mine' });
  assert.equal(parseSourceLine('Types: deb').valid, false);
  assert.equal(suggestFilename('deb [signed-by=/k.asc] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /'), 'pkgs_k8s_io_core_stable_v1_31_deb.list');
  assert.equal(suggestFilename('deb http://user:pw@dl.google.com/linux/chrome/deb/ stable main'), 'dl_google_com_linux_chrome_deb.list');
  assert.equal(suggestFilename('deb http://x ./', 'kubernetes'), 'kubernetes.list');

  const s = new SourcesList();
  s.load('/etc/apt/sources.list', '# a comment\n\ndeb http://deb.debian.org/debian bookworm main\n');
  s.load('/etc/apt/sources.list.d/kbs-fleet.list', '# deb [trusted=yes] http://10.0.0.1:18080/ ./\n');
  const before = s.dump();
  s.add('deb  http://deb.debian.org/debian  bookworm main', 'x.list');
  assert.deepEqual(s.dump(), before, 'an existing source (other spacing) is not added again');
  s.add('deb [trusted=yes] http://10.0.0.1:18080/ ./', 'y.list');
  assert.equal(s.dump().get('/etc/apt/sources.list.d/kbs-fleet.list'), 'deb [trusted=yes] http://10.0.0.1:18080/ ./\n', 'a disabled source is enabled');
  s.add('deb http://new/ ./', 'new.list');
  assert.equal(s.dump().get('/etc/apt/sources.list.d/new.list'), 'deb http://new/ ./\n');
  assert.ok(s.newFiles.has('/etc/apt/sources.list.d/new.list'));
  s.remove('deb http://new/ ./');
  assert.equal(s.dump().has('/etc/apt/sources.list.d/new.list'), false, 'an emptied file is left out (removed)');
  assert.equal(s.dump().get('/etc/apt/sources.list'), '# a comment\n\ndeb http://deb.debian.org/debian bookworm main\n');
  assert.throws(() => SourcesList.normalise('# deb http://x ./'), /Invalid repository string/);
});

test("deb822: the file Ansible's deb822_repository writes (its integration test's expected text)", () => {
  assert.equal(slugOf('ansible-test focal archive'), 'ansible-test-focal-archive');
  assert.equal(slugOf('Kubernetes_v1.31 (core)'), 'kubernetes-v131-core');
  assert.equal(fieldName('date_max_future'), 'Date-Max-Future');
  assert.equal(fieldName('uris'), 'URIs');
  const focal = renderDeb822({
    name: 'ansible-test focal archive',
    uris: ['http://us.archive.ubuntu.com/ubuntu'],
    suites: ['focal', 'focal-updates'],
    components: ['main', 'restricted'],
    date_max_future: 10,
    types: ['deb'],
  });
  assert.equal(
    focal.trim(),
    ['Components: main restricted', 'Date-Max-Future: 10', 'X-Repolib-Name: ansible-test focal archive', 'Suites: focal focal-updates', 'Types: deb', 'URIs: http://us.archive.ubuntu.com/ubuntu'].join('\n'),
  );
  const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEYCQjIxYJKwYBBAHaRw8BAQdAD\n=IE0r\n-----END PGP PUBLIC KEY BLOCK-----';
  const inline = renderDeb822({ name: 'ansible-test', types: ['deb'], uris: ['https://deb.debian.org'], suites: ['stable'], components: ['main', 'contrib', 'non-free'], signed_by: key, enabled: true });
  assert.equal(
    inline,
    [
      'Components: main contrib non-free',
      'Enabled: yes',
      'X-Repolib-Name: ansible-test',
      'Signed-By:',
      '    -----BEGIN PGP PUBLIC KEY BLOCK-----',
      '    .',
      '    mDMEYCQjIxYJKwYBBAHaRw8BAQdAD',
      '    =IE0r',
      '    -----END PGP PUBLIC KEY BLOCK-----',
      'Suites: stable',
      'Types: deb',
      'URIs: https://deb.debian.org',
      '',
    ].join('\n'),
  );
});
