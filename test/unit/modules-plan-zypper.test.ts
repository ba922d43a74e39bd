/**
 * community.general.zypper planned from recorded probe output (the shared runner,
 * test/helpers/plan-table.ts): the installed-state search → the one zypper call, or none, or
 * Ansible's failure; and its runs through a recorded host: check mode's dry run, the second run
 * after exit code 103, the failures of a run and of the refresh, simple_errors, zypper's XML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleContext } from '../../src/modules/types.js';
import type { Planner } from '../../src/modules/util/change.js';
import { zypper, zypperPlanner } from '../../src/modules/zypper.js';
import { splitNameVersion } from '../../src/modules/pkg/zypper.js';
import { readZypperXml } from '../../src/modules/pkg/zypperxml.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const Z = 'zypper\t/usr/bin/zypper\n';
const XML = (body: string) => `<?xml version='1.0'?>\n<stream>\n${body}</stream>\n`;
/** the probe's output with the search's run */
const searched = (xml: string, rc = 0, err = '') => `${Z}@@out\n${xml}\n@@err\n${err}\n@@rc\n${rc}\n`;
const installed = (...names: string[]) =>
  searched(XML(`<search-result version="0.0">\n<solvable-list>\n${names.map((n) => `<solvable status="installed" name="${n}" kind="package" edition="1.0-1" arch="noarch"/>\n`).join('')}</solvable-list>\n</search-result>\n`));
const NONE = searched(XML('<message type="info">No matching items found.</message>\n'), 104);
const ENV = 'LANG=C LC_ALL=C LC_MESSAGES=C /usr/bin/zypper --quiet --non-interactive --xmlout';
const INSTALL = '--auto-agree-with-licenses --no-recommends';

const ROWS: PlanRow[] = [
  { what: 'a missing package is installed', module: 'z', args: { name: 'nginx' }, probe: NONE, changes: [`install +nginx: ${ENV} install --type package ${INSTALL} -- +nginx`] },
  { what: 'installed already: nothing runs', module: 'z', args: { name: ['nginx', ''] }, probe: installed('nginx'), changes: [], result: { changed: false, rc: 0 } },
  {
    what: 'a - prefix removes an installed package in the same install',
    module: 'z',
    args: { pkg: ['nginx', '~apache2', '-exim'], state: 'installed' },
    probe: installed('apache2'),
    changes: [`install +nginx -apache2: ${ENV} install --type package ${INSTALL} -- +nginx -apache2`],
  },
  {
    what: 'latest: no search, zypper decides',
    module: 'z',
    args: { name: ['nginx'], state: 'latest', replacefiles: true, force: true, force_resolution: true },
    probe: Z,
    changes: [`install +nginx: ${ENV} install --type package ${INSTALL} --force --force-resolution --replacefiles -- +nginx`],
  },
  {
    what: 'a version bound implies --oldpackage; rpm files and URLs go first',
    module: 'z',
    args: { name: ['docker>=1.10', '/tmp/x.rpm', 'https://example.invalid/y'], disable_gpg_check: true },
    probe: Z,
    changes: [
      `install /tmp/x.rpm https://example.invalid/y +docker>=1.10: ${ENV} --no-gpg-checks install --type package ${INSTALL} --oldpackage -- /tmp/x.rpm https://example.invalid/y '+docker>=1.10'`,
    ],
  },
  { what: 'absent and installed: remove', module: 'z', args: { name: ['nginx', 'vim=9'], state: 'absent', clean_deps: true }, probe: installed('nginx', 'vim'), changes: [`remove nginx vim=9: ${ENV} remove --type package --clean-deps nginx vim=9`] },
  { what: 'absent already', module: 'z', args: { name: 'nginx', state: 'removed' }, probe: NONE, changes: [], result: { changed: false, rc: 0 } },
  { what: "'*' latest: update", module: 'z', args: { name: '*', state: 'latest' }, probe: Z, changes: [`update all packages: ${ENV} update --type package ${INSTALL}`] },
  { what: "'*' latest patches: patch", module: 'z', args: { name: '*', state: 'latest', type: 'patch' }, probe: Z, changes: [`patch all patches: ${ENV} patch ${INSTALL}`] },
  {
    what: 'dist-upgrade with options, global options before the subcommand',
    module: 'z',
    args: { name: '*', state: 'dist-upgrade', allow_vendor_change: true, extra_args: '--allow-arch-change', extra_args_precommand: ' --root  /mnt ', quiet: false },
    probe: Z,
    changes: [`dist-upgrade all packages: LANG=C LC_ALL=C LC_MESSAGES=C /usr/bin/zypper --non-interactive --xmlout --root /mnt dist-upgrade ${INSTALL} --allow-vendor-change --allow-arch-change`],
  },
  {
    what: 'update_cache: the refresh first; in check mode none, and the install a dry run',
    module: 'z',
    args: { name: 'nginx', refresh: true },
    probe: NONE,
    changes: [`refresh the repositories: ${ENV} refresh`, `install +nginx: ${ENV} install --type package ${INSTALL} -- +nginx`],
  },
  { what: 'check mode', module: 'z', args: { name: 'nginx', update_cache: true }, probe: NONE, check: true, changes: [`dry-run install +nginx: ${ENV} install --type package --dry-run ${INSTALL} -- +nginx`] },
  {
    what: 'a read-only btrfs root: through transactional-update',
    module: 'z',
    args: { name: 'nginx', state: 'latest' },
    probe: `${Z}transactional-update\t/usr/sbin/transactional-update\n`,
    changes: [`install +nginx: LANG=C LC_ALL=C LC_MESSAGES=C /usr/sbin/transactional-update --continue --drop-if-no-change --quiet run /usr/bin/zypper --quiet --non-interactive --xmlout install --type package ${INSTALL} -- +nginx`],
  },
  { what: 'extra_args split on single spaces (an empty word)', module: 'z', args: { name: '*', state: 'latest', extra_args: 'a  b' }, probe: Z, changes: [`update all packages: ${ENV} update --type package ${INSTALL} a '' b`] },
  { what: 'no zypper', module: 'z', args: { name: 'nginx' }, probe: 'zypper-missing\t/usr/bin:/sbin\n', changes: [], result: { failed: true, msg: 'Failed to find required executable "zypper" in paths: /usr/bin:/sbin' } },
  { what: 'no zypper, nothing to run', module: 'z', args: { name: [''] }, probe: 'zypper-missing\t/usr/bin\n', changes: [], result: { changed: false, rc: 0 } },
  { what: 'dist-upgrade of named packages', module: 'z', args: { name: 'a', state: 'dist-upgrade', update_cache: true }, probe: Z, changes: [`refresh the repositories: ${ENV} refresh`], result: { failed: true, msg: 'Can not dist-upgrade specific packages.' } },
  { what: 'absent with +', module: 'z', args: { name: '+a', state: 'absent' }, probe: Z, changes: [], result: { msg: "Can not combine '+' prefix with state=remove/absent." } },
  { what: 'absent by URL', module: 'z', args: { name: 'a.rpm', state: 'absent' }, probe: Z, changes: [], result: { msg: 'Can not remove via URL.' } },
  { what: 'absent patch', module: 'z', args: { name: 'p', state: 'absent', type: 'patch' }, probe: Z, changes: [], result: { msg: 'Can not remove patches.' } },
  {
    what: 'a failing search',
    module: 'z',
    args: { name: 'a' },
    probe: searched(XML('<message type="error">Repository not found.</message>\n'), 6),
    changes: [],
    result: { failed: true, msg: 'Zypper run command failed with return code 6.', rc: 6, cmd: ['/usr/bin/zypper', '--quiet', '--non-interactive', '--xmlout', '--disable-repositories', 'search', '--type', 'package', '--match-exact', '--details', '--installed-only', 'a'] },
  },
  { what: 'a search that is not XML', module: 'z', args: { name: 'a' }, probe: searched('', 1, 'boom'), changes: [], result: { msg: 'Failed to parse zypper xml output: no element found: line 1, column 0', stderr: 'boom' } },
];

test('zypper planning table', () => {
  checkPlanRows({ z: zypperPlanner as Planner<never> }, ROWS);
  assert.throws(() => zypperPlanner.args.read({ name: 'x', state: 'upgraded' }), /value of state must be one of: absent, installed, latest, present, removed, dist-upgrade, got: upgraded/);
  assert.throws(() => zypperPlanner.args.read({}), /missing required argument: name/);
  assert.doesNotMatch(zypperPlanner.probe(zypperPlanner.args.read({ name: '*', state: 'latest' })), /search/, "no search for '*'");
  assert.match(zypperPlanner.probe(zypperPlanner.args.read({ name: 'a', state: 'absent' })), /--disable-repositories search --type package --match-exact --details --installed-only a/);
});

test('zypper: names, versions and XML as the module reads them', () => {
  assert.deepEqual(splitNameVersion('docker>=1.10'), { prefix: '', name: 'docker', version: '>=1.10' });
  assert.deepEqual(splitNameVersion('~apache=2.4-1'), { prefix: '-', name: 'apache', version: '=2.4-1' });
  assert.deepEqual(splitNameVersion('pkg=1.0.x86_64'), { prefix: '', name: 'pkg=1.0.x86_64', version: '' });
  assert.deepEqual(readZypperXml('Error: x\n<a/>'), { error: 'syntax error: line 1, column 0' });
  assert.deepEqual(readZypperXml("<?xml version='1.0'?>\n<stream>\n<x></y></stream>"), { error: 'mismatched tag: line 3, column 5' });
  assert.deepEqual(readZypperXml('<a></a>junk'), { error: 'junk after document element: line 1, column 7' });
  assert.deepEqual(readZypperXml('<a>\n<b>\n'), { error: 'no element found: line 3, column 0' });
  assert.deepEqual(readZypperXml(XML('<message type="error">No provider of &apos;x&apos; found.</message>\n')), { solvables: [], messages: ["No provider of 'x' found."] });
});

/** a host that answers the probe and then each zypper call in turn, recording the calls */
function host(probe: string, answers: { rc: number; stdout: string; stderr?: string }[], check = false) {
  const ran: string[] = [];
  const ctx = {
    host: 'h1',
    check,
    diff: true,
    async run(cmd: string) {
      ran.push(cmd);
      if (ran.length === 1) return { rc: 0, stdout: probe, stderr: '' };
      const a = answers.shift();
      assert.ok(a, `unexpected call: ${cmd}`);
      return { stderr: '', ...a };
    },
  } as unknown as ModuleContext;
  return { ctx, ran };
}

const TO = (group: string, name: string, extra = '') => XML(`<install-summary>\n<${group}>\n<solvable type="package" name="${name}" edition="2-1"${extra} arch="noarch"/>\n</${group}>\n</install-summary>\n`);

test('zypper: check mode runs the dry run and reports what it would do', async () => {
  const { ctx, ran } = host(NONE, [{ rc: 0, stdout: TO('to-install', 'nginx') }], true);
  const r = await zypper.run({ name: 'nginx', update_cache: true }, ctx);
  assert.equal(ran.length, 2, 'no refresh in check mode');
  assert.match(ran[1], / install --type package --dry-run /);
  assert.equal(r.changed, true);
  assert.deepEqual(r.diff, { prepared: 'installed: nginx\n' });
  assert.deepEqual([r.name, r.state, r.update_cache, r.rc], [['nginx'], 'present', true, 0]);
});

test('zypper: exit code 103 runs the same command again; upgrades in the diff', async () => {
  const { ctx, ran } = host(Z, [
    { rc: 103, stdout: TO('to-upgrade', 'zypper', ' edition-old="1-1"') },
    { rc: 0, stdout: XML('') },
  ]);
  const r = await zypper.run({ name: '*', state: 'latest' }, ctx);
  assert.equal(ran.length, 3);
  assert.equal(ran[1], ran[2]);
  assert.deepEqual([r.changed, r.rc, r.diff], [true, 0, { prepared: 'upgraded: zypper (1-1 => 2-1)\n' }]);
  assert.deepEqual(r.stdout_lines, ["<?xml version='1.0'?>", '<stream>', '</stream>']);
});

test('zypper: failures of a run and of the refresh, with and without simple_errors', async () => {
  const skipped = await zypper.run({ name: 'a', state: 'latest' }, host(Z, [{ rc: 106, stdout: TO('to-install', 'a') }]).ctx);
  assert.deepEqual([skipped.failed, skipped.msg, skipped.changed, skipped.rc, skipped.diff], [true, 'Zypper run failed.', false, 106, { prepared: 'installed: a\n' }]);
  const msgs = XML('<message type="error">one</message>\n<message type="error">two</message>\n');
  const plain = await zypper.run({ name: 'a', state: 'latest' }, host(Z, [{ rc: 8, stdout: msgs }]).ctx);
  assert.deepEqual([plain.msg, plain.stdout], ['Zypper run command failed with return code 8.', msgs]);
  const simple = await zypper.run({ name: 'a', state: 'latest', simple_errors: true }, host(Z, [{ rc: 8, stdout: msgs }]).ctx);
  assert.equal(simple.stdout, 'one \ntwo');
  const notFound = await zypper.run({ name: 'a', state: 'latest', update_cache: true }, host(Z, [{ rc: 104, stdout: msgs }]).ctx);
  assert.deepEqual([notFound.msg, notFound.rc, (notFound.cmd as string[]).at(-1)], ['two', 104, 'refresh']);
  const refresh = await zypper.run({ name: 'a', state: 'latest', update_cache: true }, host(Z, [{ rc: 106, stdout: XML('') }]).ctx);
  assert.deepEqual([refresh.failed, refresh.msg, refresh.rc], [true, 'Zypper refresh run failed.', 106]);
  const broken = { ...host('', []).ctx, run: async () => ({ rc: 2, stdout: '', stderr: 'sh: syntax error\n' }) } as ModuleContext;
  await assert.rejects(zypper.run({ name: 'a' }, broken), /cannot find zypper: sh: syntax error \(rc=2\)/);
});
