/**
 * package_facts and service_facts through `kbs run` over a real sshd, against ansible-playbook
 * 2.14 on the same playbook (test/fixtures/modules-host/facts.yml, which writes both facts out
 * whole): the facts must be equal, entry for entry.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, sshdInventory } from '../helpers/kbs.js';
import { ansiblePlaybook } from '../helpers/ansible.js';

const PB = resolve('test/fixtures/modules-host/facts.yml');
let sshd: Sshd;
let work: string;

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-modfacts-'));
});
after(async () => {
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('package_facts and service_facts equal Ansible\'s', async () => {
  const inv = sshdInventory(join(work, 'inv.yml'), sshd, ['h1']);
  const a = await ansiblePlaybook(['-i', inv, PB, '-e', `out=${join(work, 'ansible.json')}`], work);
  assert.equal(a.code, 0, a.out.slice(-3000));
  const k = await kbs(['run', PB, '-i', inv, '-e', `out=${join(work, 'kbs.json')}`]);
  assert.equal(k.code, 0, k.stdout.slice(-3000));
  const want = JSON.parse(readFileSync(join(work, 'ansible.json'), 'utf8'));
  const got = JSON.parse(readFileSync(join(work, 'kbs.json'), 'utf8'));
  assert.ok(Object.keys(want.packages).length > 50, 'Ansible saw the packages');
  assert.equal(got.bash, true);
  assert.equal(got.top, Object.keys(want.packages).length, '`packages` is a variable too');
  // category is the section dpkg recorded; python-apt reports the repository's, which differs for a few
  const strip = (p: Record<string, Record<string, unknown>[]>) => Object.fromEntries(Object.entries(p).map(([k, l]) => [k, l.map(({ category: _c, ...rest }) => rest)]));
  assert.deepEqual(strip(got.packages), strip(want.packages));
  const all = Object.keys(want.packages);
  const same = all.filter((k) => got.packages[k]?.[0]?.category === want.packages[k][0].category);
  assert.ok(same.length > all.length * 0.9, `categories: ${same.length} of ${all.length} equal`);
  assert.deepEqual(got.services, want.services);
});
