/**
 * known_hosts, authorized_key and cron through `kbs run` over a real sshd, against
 * ansible-playbook 2.14 on the same playbook (test/fixtures/modules-host/access.yml): the files
 * left behind (content, mode, owner), kbstest's crontab and the recap must be the same on the
 * first run, on the second run (nothing changes) and under --check (nothing is written).
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

const PB = resolve('test/fixtures/modules-host/access.yml');
const HOSTS = ['h1', 'h2'];
let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-modaccess-'));
  inv = sshdInventory(join(work, 'inv.yml'), sshd, HOSTS);
});
after(async () => {
  crontab(['-r']);
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ansible = (base: string, extra: string[] = []) => ansiblePlaybook(['-i', inv, PB, '-e', `base=${base}`, ...extra], work);
const run = (base: string, extra: string[] = []) => kbs(['run', PB, '-i', inv, '-e', `base=${base}`, ...extra]);

/** kbstest's crontab (crontab -u kbstest ARGS), '' when it has none */
function crontab(args: string[]): string {
  try {
    return execFileSync('crontab', ['-u', 'kbstest', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** path -> "type mode owner content" for everything under dir (dir itself written as <base>) */
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
      } else out[r] = `file ${head} ${readFileSync(p, 'utf8').split(dir).join('<base>')}`;
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

const KEY1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFe4/xNh6zaLpgRLX73BexIAx6hjzaUYJNRuOxyZkZfR';
const KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHMpC9+zEBc/pRipMncJyVqKkYgnTPwIg76iSNUjMsZw';

test('ansible-playbook and kbs run leave the same files, crontab and recap; the second run changes nothing', async () => {
  const aBase = join(work, 'by-ansible');
  const kBase = join(work, 'by-kbs');
  crontab(['-r']);
  const a1 = await ansible(aBase);
  assert.equal(a1.code, 0, a1.out.slice(-4000));
  const aCron = crontab(['-l']);
  const aTree1 = Object.fromEntries(HOSTS.map((h) => [h, tree(join(aBase, h))]));
  const a2 = await ansible(aBase);
  crontab(['-r']);
  const k1 = await run(kBase);
  assert.equal(k1.code, 0, k1.stdout.slice(-4000));
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');
  assert.equal(crontab(['-l']), aCron, "kbstest's crontab");
  assert.match(aCron, /^#Ansible: hello\n\*\/10 \* \* \* \* echo hello$/m);
  for (const h of HOSTS) {
    const t = tree(join(kBase, h));
    assert.deepEqual(t, aTree1[h], `files on ${h}`);
    assert.ok(Object.keys(t).length >= 6, 'the comparison saw the files');
  }
  // spelled out, so that a mistake both engines share cannot pass
  const b = join(kBase, 'h1');
  const kh = readFileSync(join(b, 'known_hosts'), 'utf8');
  assert.equal(kh, `# a comment\nnew.example ${KEY1} kbs@one\nold.example ${KEY1} kbs@one\n[port.example]:2222 ${KEY2} kbs@two\n`);
  assert.equal(readFileSync(join(b, 'ssh/authorized_keys'), 'utf8'), `no-port-forwarding,from="10.0.0.1" ${KEY2} second key\n`);
  assert.equal(readFileSync(join(b, 'keys2'), 'utf8'), `${KEY1} kbs@one\n`);
  assert.equal(readFileSync(join(b, 'cron-kbs'), 'utf8'), 'PATH="/usr/bin:/bin"\n#Ansible: nightly\n5 2 * * * root /usr/local/bin/backup\n#Ansible: weekly\n#@weekly root /usr/local/bin/rotate\n');
  assert.equal(existsSync(join(b, 'cron-gone')), false);
  assert.equal(results(k1, 'Known host wrong name')[0].status, 'ignored');

  const k2 = await run(kBase);
  assert.equal(k2.code, 0, k2.stdout.slice(-4000));
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  assert.equal(crontab(['-l']), aCron, "kbstest's crontab after the second run");
  for (const h of HOSTS) assert.deepEqual(tree(join(kBase, h)), tree(join(aBase, h)), `files on ${h} after the second run`);
});

test('--check --diff: the same recap as ansible-playbook --check, nothing written, diffs shown', async () => {
  const aBase = join(work, 'check-ansible');
  const kBase = join(work, 'check-kbs');
  crontab(['-r']);
  // the folders exist (kbs's copy refuses a missing destination folder even in check mode)
  for (const base of [aBase, kBase]) for (const h of HOSTS) mkdirSync(join(base, h), { recursive: true });
  const before = tree(kBase);
  const a = await ansible(aBase, ['--check']);
  const k = await run(kBase, ['--check', '--diff']);
  assert.equal(k.code, a.code, `${a.out.slice(-3000)}\n${k.stdout.slice(-3000)}`);
  assert.deepEqual(k.recap, parseRecap(a.out), 'check-mode recap');
  assert.deepEqual(tree(kBase), before, 'check mode wrote nothing');
  assert.equal(crontab(['-l']), '', 'no crontab written');
  const d = JSON.stringify(results(k, 'User crontab job').find((r) => r.host === 'h1')?.result.diff);
  assert.match(d, /#Ansible: hello\\n\*\/10 \* \* \* \* echo hello/);
});
