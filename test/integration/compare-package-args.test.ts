/**
 * The package module passing its arguments to apt as Ansible's package action does (`pkg`,
 * apt's own options, no package at all; a dnf option and dnf's `installed` refused by apt; the
 * backend's module_defaults under the task's arguments),
 * through `kbs run` over a real sshd against ansible-playbook 2.14 on the same playbook
 * (test/fixtures/modules-pkg/package-args.yml): registered results and recap, also under --check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kbs } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { HOSTS, startHosts, stopHosts, type SshdHosts } from './modules-ssh-shared.js';

const PB = resolve('test/fixtures/modules-pkg/package-args.yml');
let h: SshdHosts | undefined;

before(async () => {
  h = await startHosts('pkgargs');
});
after(async () => {
  await stopHosts(h?.sshd, h?.work);
});

const registered = (out: string) => Object.fromEntries(HOSTS.map((x) => [x, readFileSync(`${out}-${x}`, 'utf8')]));

for (const mode of [[], ['--check']]) {
  test(`package arguments reach apt as in ansible-playbook ${mode.join(' ')}`, async () => {
    const w = h!.work;
    const tag = mode.length ? 'check' : 'run';
    const a = await ansiblePlaybook(['-i', h!.inv, PB, '-e', `out=${join(w, `a-${tag}`)}`, ...mode], w);
    assert.equal(a.code, 0, a.out.slice(-4000));
    const k = await kbs(['run', PB, '-i', h!.inv, '-e', `out=${join(w, `k-${tag}`)}`, ...mode]);
    assert.equal(k.code, 0, k.stdout.slice(-4000));
    assert.deepEqual(k.recap, parseRecap(a.out), 'recap');
    const kr = registered(join(w, `k-${tag}`));
    assert.deepEqual(kr, registered(join(w, `a-${tag}`)), 'registered results');
    assert.match(kr.asroot, /msg=Unsupported parameters for \(ansible\.legacy\.apt\) module: enablerepo cache/);
    assert.equal(kr.asroot.split('\n')[5], 'changed=False failed=False msg=- cache_updated=-', 'apt: state=absent from module_defaults, nothing to remove: changed alone');
  });
}
