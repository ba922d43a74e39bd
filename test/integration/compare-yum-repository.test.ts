/**
 * yum_repository through `kbs run` over a real sshd (as root and as a user becoming root), against
 * ansible-playbook 2.14 on the same playbook (test/fixtures/modules-pkg/yum_repository.yml): the
 * .repo files left behind byte for byte (with mode and owner), the registered results (changed,
 * repo, state, msg, the diff) and the recap must be the same on the first run, on the second run
 * and under --check (where nothing may be written).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { kbs } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { HOSTS, startHosts, stopHosts, type SshdHosts } from './modules-ssh-shared.js';

const PB = resolve('test/fixtures/modules-pkg/yum_repository.yml');
let h: SshdHosts | undefined;

before(async () => {
  h = await startHosts('yumrepo');
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

const lsattr = (path: string) => execFileSync('lsattr', ['-d', path], { encoding: 'utf8' });

const registered = (out: string) => Object.fromEntries(HOSTS.map((x) => [x, readFileSync(`${out}-${x}`, 'utf8')]));

test('the .repo files, registered results and recap equal ansible-playbook\'s; the second run changes nothing', async () => {
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
  const ext = readFileSync(join(kBase, 'asroot/repos/ext.repo'), 'utf8');
  assert.equal(
    ext,
    '[epel]\nbaseurl = http://a/$basearch\n\thttp://b/\ncost = 5\nenabled = 0\nexclude = kernel* foo\ngpgcheck = 1\ngpgkey = http://a/key.gpg\nname = EPEL $basearch\npriority = 10\nrepo_gpgcheck = 0\nskip_if_unavailable = 1\nsslverify = 0\n\n' +
      '[alpha]\nasync = 1\nincludepkgs = a b\nip_resolve = 4\nmirrorlist = http://m/list\nname = Alpha\n\n',
  );
  assert.equal(lstatSync(join(kBase, 'asroot/repos/ext.repo')).mode & 0o777, 0o600);
  assert.equal(existsSync(join(kBase, 'asroot/repos/lonely.repo')), false, 'the file of the last section removed');
  // attributes: chattr's A flag on the file, set by both tools
  for (const base of [aBase, kBase]) for (const x of HOSTS) assert.match(lsattr(join(base, x, 'repos/attr.repo')), /^[^ ]*A/, `${base} ${x}`);

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
  // the repos folders exist (the file task that makes them does nothing in check mode)
  for (const base of [aBase, kBase]) for (const x of HOSTS) mkdirSync(join(base, x, 'repos'), { recursive: true });
  const before = tree(kBase);
  const a = await ansible(aBase, join(w, 'ca'), ['--check']);
  const k = await run(kBase, join(w, 'ck'), ['--check']);
  assert.equal(k.code, a.code, `${a.out.slice(-3000)}\n${k.stdout.slice(-3000)}`);
  assert.deepEqual(k.recap, parseRecap(a.out), 'check-mode recap');
  assert.deepEqual(tree(kBase), before, 'check mode wrote nothing');
  assert.deepEqual(registered(join(w, 'ck')), registered(join(w, 'ca')), 'registered results in check mode');
});
