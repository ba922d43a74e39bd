/**
 * The same playbook under ansible-playbook (Debian's ansible) and under kbs run, on the same
 * hosts (a real sshd): the files left behind and the recap counts must be the same, on the first
 * run and on the second (no-op) run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, sshdInventory } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const PB = resolve('test/fixtures/compare/site.yml');
let sshd: Sshd;
let work: string;
const hosts = ['cmp1', 'cmp2'];

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-compare-'));
});
after(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

const ansible = (inv: string, base: string) => ansiblePlaybook(['-i', inv, PB, '-e', `base=${base}`, '-f', '10'], work);

/** path -> "type mode content-or-target" for everything under dir */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(p).replace(dir, '<base>')}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode} ${st.uid}:${st.gid}`;
        walk(p, r);
      } else out[r] = `file ${mode} ${st.uid}:${st.gid} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir, '');
  return out;
}

test('ansible-playbook and kbs run leave the same files and the same recap', async () => {
  const inv = sshdInventory(join(work, 'inv.yml'), sshd, hosts);
  const aBase = join(work, 'by-ansible');
  const kBase = join(work, 'by-kbs');

  const a1 = await ansible(inv, aBase);
  assert.equal(a1.code, 0, a1.out.slice(-3000));
  const k1 = await kbs(['run', PB, '-i', inv, '-e', `base=${kBase}`]);
  assert.equal(k1.code, 0, k1.stdout.slice(-3000));
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');

  for (const h of hosts) {
    const at = tree(join(aBase, h));
    const kt = tree(join(kBase, h));
    const fix = (t: Record<string, string>, base: string) =>
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.split(base).join('<base>')]));
    assert.deepEqual(fix(kt, kBase), fix(at, aBase), `files on ${h}`);
    assert.ok(Object.keys(kt).length >= 7, 'the comparison saw the files');
  }

  const a2 = await ansible(inv, aBase);
  const k2 = await kbs(['run', PB, '-i', inv, '-e', `base=${kBase}`]);
  assert.equal(k2.code, 0);
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  for (const h of hosts) assert.equal(k2.recap[h].changed, 0);
});
