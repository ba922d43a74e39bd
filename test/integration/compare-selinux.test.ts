/**
 * ansible.posix.selinux through `kbs run` over a real sshd (as root and as a user becoming root)
 * on this host without SELinux, against ansible-playbook 2.14 with ansible.posix 1.5 on the same
 * playbook (test/fixtures/modules-host/selinux.yml; Ansible's module needs python3-selinux on the
 * host, which test/setup.sh installs): the config files left behind byte for byte (with mode and
 * owner), the registered results (changed, msg, policy, state, reboot_required, warnings, the
 * failures) and the recap must be the same on the first run, on the second run and under --check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kbs } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { HOSTS, startHosts, stopHosts, type SshdHosts } from './modules-ssh-shared.js';

const PB = resolve('test/fixtures/modules-host/selinux.yml');
let h: SshdHosts | undefined;

before(async () => {
  h = await startHosts('selinux');
});
after(async () => {
  await stopHosts(h?.sshd, h?.work);
});

const vars = (base: string, out: string) => ['-e', `base=${base}`, '-e', `out=${out}`];
const ansible = (base: string, out: string, extra: string[] = []) => ansiblePlaybook(['-i', h!.inv, PB, ...vars(base, out), ...extra], h!.work);
const run = (base: string, out: string, extra: string[] = []) => kbs(['run', PB, '-i', h!.inv, ...vars(base, out), ...extra]);

/** path -> "type mode uid:gid content" for everything under dir */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const head = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isDirectory()) {
        out[r] = `dir ${head}`;
        walk(p, r);
      } else out[r] = `file ${head} ${readFileSync(p, 'utf8')}`;
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

const registered = (out: string) => Object.fromEntries(HOSTS.map((x) => [x, readFileSync(`${out}-${x}`, 'utf8')]));

test('the config files, registered results and recap equal ansible-playbook\'s; the second run changes nothing', async () => {
  const w = h!.work;
  const aBase = join(w, 'by-ansible');
  const kBase = join(w, 'by-kbs');
  const a1 = await ansible(aBase, join(w, 'a1'));
  assert.equal(a1.code, 0, a1.out.slice(-4000));
  const k1 = await run(kBase, join(w, 'k1'));
  assert.equal(k1.code, 0, k1.stdout.slice(-4000));
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');
  assert.deepEqual(tree(kBase), tree(aBase), 'files after the first run');
  assert.deepEqual(registered(join(w, 'k1')), registered(join(w, 'a1')), 'registered results of the first run');
  // what the files hold, so that a shared mistake cannot pass
  assert.equal(
    readFileSync(join(kBase, 'asroot/config'), 'utf8'),
    '# This file controls the state of SELinux on the system.\nSELINUX=disabled\n# SELINUXTYPE= can take one of these values\nSELINUXTYPE=targeted\nSELINUX=disabled\n',
  );
  assert.equal(lstatSync(join(kBase, 'asroot/config')).mode & 0o777, 0o640);
  assert.equal(readFileSync(join(kBase, 'asuser/bare'), 'utf8'), '# nothing set\n\nSELINUX=disabled\n');
  assert.match(registered(join(w, 'k1')).asroot, /msg=Config SELinux state changed from 'enforcing' to 'permissive'\npolicy=targeted state=permissive reboot_required=True/);

  const a2 = await ansible(aBase, join(w, 'a2'));
  const k2 = await run(kBase, join(w, 'k2'));
  assert.equal(k2.code, 0, k2.stdout.slice(-4000));
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  assert.deepEqual(tree(kBase), tree(aBase), 'files after the second run');
  assert.deepEqual(registered(join(w, 'k2')), registered(join(w, 'a2')), 'registered results of the second run');
});

test('--check: the same recap and registered results as ansible-playbook --check; nothing written', async () => {
  const w = h!.work;
  const aBase = join(w, 'check-ansible');
  const kBase = join(w, 'check-kbs');
  // the config files exist (the copy tasks write nothing in check mode)
  for (const base of [aBase, kBase]) {
    for (const x of HOSTS) {
      mkdirSync(join(base, x), { recursive: true });
      writeFileSync(join(base, x, 'config'), 'SELINUX=permissive\nSELINUXTYPE=targeted\n');
      // the fixture's mode: kbs's copy with force: false still applies mode to an existing file (Ansible's does not)
      chmodSync(join(base, x, 'config'), 0o640);
      writeFileSync(join(base, x, 'bare'), '');
    }
  }
  const before = tree(kBase);
  const a = await ansible(aBase, join(w, 'ca'), ['--check']);
  const k = await run(kBase, join(w, 'ck'), ['--check']);
  assert.equal(k.code, a.code, `${a.out.slice(-3000)}\n${k.stdout.slice(-3000)}`);
  assert.deepEqual(k.recap, parseRecap(a.out), 'check-mode recap');
  assert.deepEqual(tree(kBase), before, 'check mode wrote nothing');
  assert.deepEqual(registered(join(w, 'ck')), registered(join(w, 'ca')), 'registered results in check mode');
});
