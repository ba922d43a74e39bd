/**
 * tempfile, find, assemble, script and ini_file through `kbs run` over a real sshd, against
 * ansible-playbook 2.14 on the same playbook (test/fixtures/modules-host/files.yml): the files
 * left behind (including the registered results the playbook writes out) and the recap must be
 * the same on the first run, on the second run, and under --check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, results, sshdInventory } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const PB = resolve('test/fixtures/modules-host/files.yml');
const HOSTS = ['h1', 'h2'];
let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-modhost-'));
  inv = sshdInventory(join(work, 'inv.yml'), sshd, HOSTS);
});
after(async () => {
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ansible = (base: string, extra: string[] = []) => ansiblePlaybook(['-i', inv, PB, '-e', `base=${base}`, ...extra], work);
const run = (base: string, extra: string[] = []) => kbs(['run', PB, '-i', inv, '-e', `base=${base}`, ...extra]);

/** path -> "type mode content" for everything under dir, with dir itself written as <base> */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode}`;
        walk(p, r);
      } else out[r] = `file ${mode} ${readFileSync(p, 'utf8').split(dir).join('<base>')}`;
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

test('ansible-playbook and kbs run leave the same files, results and recap; the second run too', async () => {
  const aBase = join(work, 'by-ansible');
  const kBase = join(work, 'by-kbs');
  const a1 = await ansible(aBase);
  assert.equal(a1.code, 0, a1.out.slice(-4000));
  const k1 = await run(kBase);
  assert.equal(k1.code, 0, k1.stdout.slice(-4000));
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');
  for (const h of HOSTS) {
    const kt = tree(join(kBase, h));
    assert.deepEqual(kt, tree(join(aBase, h)), `files on ${h}`);
    assert.ok(Object.keys(kt).length >= 12, 'the comparison saw the files');
  }
  // a few values spelled out, so that a shared mistake cannot pass
  const b = join(kBase, 'h1');
  assert.equal(readFileSync(join(b, 'all.conf'), 'utf8'), 'hidden\none\ntwo\nthree\nport=1\n');
  assert.equal(readFileSync(join(b, 'conf-only.conf'), 'utf8'), 'one\n### part\ntwo');
  assert.equal(readFileSync(join(b, 'local.conf'), 'utf8'), 'local one\n--\n\nlocal two');
  assert.equal(readFileSync(join(b, 'app.ini'), 'utf8'), 'top = yes\n\n[server]\nport = 8080\nhost=0.0.0.0\n[multi]\nitem = a\nitem = c\n[flags]\ndebug\n');
  assert.match(readFileSync(join(b, 'out/find.txt'), 'utf8'), /^f1 \/frags\/10-first.conf,\/frags\/20-second.conf 2 6 All paths examined$/m);
  assert.match(readFileSync(join(b, 'out/script.txt'), 'utf8'), /^0 args: 3\|arg: one\|arg: two words\|arg: \/root\|pwd: <b>$/m);
  // kbs keeps stderr apart (Ansible's ssh connection runs scripts on a tty that merges them)
  assert.deepEqual(results(k1, 'Script').find((r) => r.host === 'h1')?.result.stderr_lines, ['to stderr']);
  assert.equal(results(k1, 'Temp file').find((r) => r.host === 'h1')?.status, 'changed');

  const a2 = await ansible(aBase);
  const k2 = await run(kBase);
  assert.equal(k2.code, 0, k2.stdout.slice(-4000));
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  // (Ini values and Ini drop add and remove the same value: they change on every run, under Ansible too)
  for (const t of ['Assemble all', 'Assemble conf only', 'Assemble from the workstation', 'Ini port', 'Ini host', 'Ini top level', 'Ini flag']) {
    for (const r of results(k2, t)) assert.equal(r.status, 'ok', `${t} on ${r.host}: second run changes nothing`);
  }
  for (const h of HOSTS) assert.deepEqual(tree(join(kBase, h)), fixBase(tree(join(aBase, h)), aBase, kBase), `files on ${h} after the second run`);
});

test('--check: the same recap as ansible-playbook --check, nothing written', async () => {
  const aBase = join(work, 'check-ansible');
  const kBase = join(work, 'check-kbs');
  // the folders exist (kbs's copy refuses a missing destination folder even in check mode)
  for (const base of [aBase, kBase]) for (const h of HOSTS) for (const d of ['frags/sub', 'frags/.hid', 'tmp', 'out']) mkdirSync(join(base, h, d), { recursive: true });
  const before = tree(kBase);
  const a = await ansible(aBase, ['--check']);
  const k = await run(kBase, ['--check']);
  assert.equal(k.code, a.code, `${a.out.slice(-3000)}\n${k.stdout.slice(-3000)}`);
  assert.deepEqual(k.recap, parseRecap(a.out), 'check-mode recap');
  assert.deepEqual(tree(kBase), before, 'check mode wrote nothing');
  for (const t of ['Temp file', 'Assemble all', 'Script']) for (const r of results(k, t)) assert.equal(r.status, 'skipped', `${t} is skipped in check mode`);
});

test('--diff shows ini_file and assemble changes', async () => {
  const kBase = join(work, 'diff-kbs');
  const k = await run(kBase, ['--diff', '-l', 'h1']);
  assert.equal(k.code, 0, k.stdout.slice(-3000));
  const d = JSON.stringify(results(k, 'Ini port')[0].result.diff);
  assert.match(d, /\[server\]\\nport = 8080/);
  assert.match(JSON.stringify(results(k, 'Assemble all')[0].result.diff), /hidden\\none\\ntwo/);
});

function fixBase(t: Record<string, string>, from: string, to: string): Record<string, string> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.split(from).join(to)]));
}
