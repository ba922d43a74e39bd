/**
 * ansible.posix.mount through `kbs run` over a real sshd (as root, tmpfs mounts under a temp
 * folder), against ansible-playbook 2.14 on the same playbook
 * (test/fixtures/modules-host/mount.yml): the fstab and files left behind and the recap must be
 * the same on the first run, on the second run and under --check; no mount is left behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, results, sshdInventory } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const PB = resolve('test/fixtures/modules-host/mount.yml');
const HOSTS = ['h1', 'h2'];
let sshd: Sshd;
let work: string;
let inv: string;

/** mount points under the work folder */
const mountsUnder = (dir: string) =>
  readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((p) => p?.startsWith(dir));

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-modmount-'));
  inv = sshdInventory(join(work, 'inv.yml'), sshd, HOSTS);
});
after(async () => {
  if (work) for (const m of mountsUnder(work).reverse()) execFileSync('umount', [m]);
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ansible = (base: string, extra: string[] = []) => ansiblePlaybook(['-i', inv, PB, '-e', `base=${base}`, ...extra], work);
const run = (base: string, extra: string[] = []) => kbs(['run', PB, '-i', inv, '-e', `base=${base}`, ...extra]);

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const head = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out[r] = `dir ${head}`;
        walk(p, r);
      } else out[r] = `file ${head} ${readFileSync(p, 'utf8').split(dir).join('<base>')}`;
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

test('ansible-playbook and kbs run leave the same fstab and recap; the second run too; nothing stays mounted', async () => {
  const aBase = join(work, 'by-ansible');
  const kBase = join(work, 'by-kbs');
  const a1 = await ansible(aBase);
  assert.equal(a1.code, 0, a1.out.slice(-4000));
  const aTree = Object.fromEntries(HOSTS.map((h) => [h, tree(join(aBase, h))]));
  const k1 = await run(kBase);
  assert.equal(k1.code, 0, k1.stdout.slice(-4000));
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');
  for (const h of HOSTS) assert.deepEqual(tree(join(kBase, h)), aTree[h], `files on ${h}`);
  assert.deepEqual(mountsUnder(work), [], 'nothing left mounted');
  assert.equal(
    readFileSync(join(kBase, 'h1/fstab'), 'utf8'),
    '# static file system information\nUUID=1234 / ext4 errors=remount-ro 0 1\n/dev/sdb1 /data ext4 defaults 0 0\nUUID=abcd /srv/my\\040data xfs noatime,noauto 0 2\n',
  );
  const st = Object.fromEntries(results(k1).filter((r) => r.host === 'h1').map((r) => [r.task, r.status]));
  assert.equal(st['Tmpfs mounted'], 'changed');
  assert.equal(st['Tmpfs mounted again'], 'ok');
  assert.equal(st['Tmpfs unmounted again'], 'ok');

  const a2 = await ansible(aBase);
  const k2 = await run(kBase);
  assert.equal(k2.code, 0, k2.stdout.slice(-4000));
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  for (const h of HOSTS) assert.deepEqual(tree(join(kBase, h)), tree(join(aBase, h)), `files on ${h} after the second run`);
  assert.deepEqual(mountsUnder(work), [], 'nothing left mounted');
});

test('--check: the same recap as ansible-playbook --check, nothing written or mounted', async () => {
  const aBase = join(work, 'check-ansible');
  const kBase = join(work, 'check-kbs');
  // the folders and fstab exist (Ansible creates a missing fstab even in check mode; kbs does not)
  for (const base of [aBase, kBase]) for (const h of HOSTS) mkdirSync(join(base, h), { recursive: true });
  for (const base of [aBase, kBase]) for (const h of HOSTS) execFileSync('touch', [join(base, h, 'fstab')]);
  const before = tree(kBase);
  const a = await ansible(aBase, ['--check']);
  const k = await run(kBase, ['--check', '--diff']);
  assert.equal(k.code, a.code, `${a.out.slice(-3000)}\n${k.stdout.slice(-3000)}`);
  assert.deepEqual(k.recap, parseRecap(a.out), 'check-mode recap');
  assert.deepEqual(tree(kBase), before, 'check mode wrote nothing');
  assert.deepEqual(mountsUnder(work), [], 'nothing mounted');
  assert.match(JSON.stringify(results(k, 'New line').find((r) => r.host === 'h1')?.result.diff), /UUID=abcd \/srv\/my\\\\040data xfs noatime,noauto 0 2/);
});
