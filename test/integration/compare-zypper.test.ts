/**
 * community.general.zypper, kbs against ansible-playbook 2.14 (community.general 6.6.2) over a real
 * sshd, with Debian's zypper on a temporary root (`extra_args_precommand: --root DIR`), so that
 * this machine's rpm database is not touched: tiny noarch rpms built for the test (kbsz-a 1.0 and
 * 2.0, kbsz-b needing kbsz-a, kbsz-c installed from its file) in a local repository made with
 * createrepo_c. Install in check mode and for real, a second run, missing packages, a refresh,
 * latest in check mode and for real, a version bound (a downgrade), `*` with latest, removal in
 * check mode and for real, the `-` prefix, an rpm file, dist-upgrade, the argument checks, all
 * with --diff (zypper's log goes to the work folder); ansible.builtin.package with `use: zypper`. Every registered result is compared (but `invocation`). The root and the
 * repository are made afresh before each tool's run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { USERS, registeredResult, registeredStep, runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;

const SPEC = (name: string, version: string, requires = '') => `Name: ${name}
Version: ${version}
Release: 1
Summary: kbs zypper test ${name}
License: MIT
BuildArch: noarch
${requires ? `Requires: ${requires}\n` : ''}%description
A package of the kbs zypper comparison test.
%files
`;

const rpmFile = (name: string, version: string) => join(work, 'rpms', `${name}-${version}-1.noarch.rpm`);

function buildRpm(name: string, version: string, requires = ''): void {
  const spec = join(work, `${name}-${version}.spec`);
  writeFileSync(spec, SPEC(name, version, requires));
  execFileSync('rpmbuild', ['-bb', '--define', `_topdir ${join(work, 'build')}`, '--define', `_rpmdir ${join(work, 'rpms')}`, '--define', '_build_name_fmt %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm', spec], { stdio: 'ignore' });
}

/** a fresh root whose only repository holds kbsz-a 1.0 and kbsz-b */
function resetRoot(): void {
  for (const d of ['root', 'repo']) rmSync(join(work, d), { recursive: true, force: true });
  mkdirSync(join(work, 'repo'));
  copyFileSync(rpmFile('kbsz-a', '1.0'), join(work, 'repo', 'kbsz-a-1.0-1.noarch.rpm'));
  copyFileSync(rpmFile('kbsz-b', '1.0'), join(work, 'repo', 'kbsz-b-1.0-1.noarch.rpm'));
  execFileSync('createrepo_c', ['-q', join(work, 'repo')]);
  mkdirSync(join(work, 'root', 'etc', 'zypp', 'repos.d'), { recursive: true });
  writeFileSync(join(work, 'root', 'etc', 'zypp', 'repos.d', 'kbsz.repo'), `[kbsz]\nname=kbsz\nbaseurl=file://${join(work, 'repo')}\nenabled=1\ngpgcheck=0\nautorefresh=0\n`);
}

before(async () => {
  ({ sshd, work, inv } = await startHosts('zypper', { asroot: USERS.asroot }));
  buildRpm('kbsz-a', '1.0');
  buildRpm('kbsz-a', '2.0');
  buildRpm('kbsz-b', '1.0', 'kbsz-a');
  buildRpm('kbsz-c', '1.0');
});
after(async () => {
  await stopHosts(sshd, work);
});

function playbook(): string {
  const z = (args: string, extra = '') => registeredStep('community.general.zypper', `{${args}, extra_args_precommand: "--root ${join(work, 'root')}"}`, extra);
  // ansible.builtin.package hands its arguments to zypper (use: zypper; this host's own manager is apt)
  const p = (args: string) => registeredStep('package', `{${args}, extra_args_precommand: "--root ${join(work, 'root')}"}`);
  const check = '      check_mode: true\n';
  const newer = `    - shell: cp ${rpmFile('kbsz-a', '2.0')} ${join(work, 'repo')}/ && createrepo_c -q --update ${join(work, 'repo')}\n`;
  return `- hosts: asroot
  gather_facts: false
  environment: {ZYPP_LOGFILE: "${join(work, 'zypper.log')}"}
  tasks:
${z('name: kbsz-b', check)}${z('name: kbsz-b')}${z('name: kbsz-b')}${z('name: nope')}${z('name: [kbsz-a, nope], state: latest')}${newer}${z('name: kbsz-b, update_cache: true')}${z('name: kbsz-a, state: latest', check)}${z('name: kbsz-a, state: latest')}${z('name: kbsz-a, state: latest')}${z('name: "kbsz-a=1.0"')}${z('name: "*", state: latest')}${z('name: "*", state: latest')}${z('name: kbsz-b, state: absent', check)}${z('name: kbsz-b, state: removed')}${z('name: kbsz-b, state: absent')}${z(`name: "${rpmFile('kbsz-c', '1.0')}", disable_gpg_check: true`)}${z(`name: "${rpmFile('kbsz-c', '1.0')}", disable_gpg_check: true`)}${z('name: "-kbsz-a"')}${z('name: "*", state: dist-upgrade')}${z('name: kbsz-a, state: dist-upgrade')}${z('name: "+kbsz-a", state: absent')}${z('name: kbsz-a, type: patch, state: absent')}${z('name: kbsz-a, disable_recommends: false, extra_args: "--no-force-resolution"')}${z('name: kbsz-b, state: latest, disable_recommends: false, force: true, extra_args: "--no-force-resolution"')}${p('name: kbsz-b, use: zypper')}${p('name: kbsz-b, state: absent, use: zypper')}${p('name: kbsz-b, use: zypper, install_recommends: true')}`;
}

test('zypper: as ansible-playbook', async () => {
  const run = async (tool: 'a' | 'k') => {
    resetRoot();
    const pb = join(work, `zypper-${tool}.yml`);
    writeFileSync(pb, playbook());
    return runTool(tool, work, ['-i', inv, '--diff', pb]);
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  // kbs's zypper also takes community.general 10.2's quiet and simple_errors (docs/modules.md), which
  // the list of supported arguments in package's refusal names
  const kmsgs = JSON.parse(JSON.stringify(k.msgs).replace('quiet, replacefiles, simple_errors, ', 'replacefiles, ')) as typeof k.msgs;
  assert.deepEqual(kmsgs, a.msgs);
  // what the results are, so that the comparison cannot pass on two wrong answers
  const m = k.msgs.asroot.map(registeredResult);
  assert.deepEqual(
    m.map((r) => [r.changed, r.failed]),
    [
      ...[[true, false], [true, false], [false, false], [false, true], [false, true], [false, false], [true, false], [true, false], [false, false]],
      ...[[true, false], [true, false], [false, false], [true, false], [true, false], [false, false], [true, false], [false, false], [true, false]],
      ...[[false, false], [false, true], [false, true], [false, true], [false, true], [true, false]],
      ...[[false, false], [true, false], [false, true]],
    ],
  );
  assert.equal(m[3].msg, "No provider of '+nope' found.");
  assert.deepEqual(m[7].diff, { prepared: 'upgraded: kbsz-a (1.0-1 => 2.0-1)\n' });
  assert.match(String((m[0].cmd as string[]).join(' ')), / install --type package --dry-run --auto-agree-with-licenses --no-recommends -- \+kbsz-b$/);
  assert.equal(m[19].msg, 'Can not dist-upgrade specific packages.');
  // extra_args go to the installed-state search too, which refuses an install option
  assert.equal(m[22].msg, 'Zypper run command failed with return code 2.');
  assert.deepEqual(m[23].diff, { prepared: 'installed: kbsz-a, kbsz-b\n' });
});
