/**
 * synchronize under become over a real sshd: as root, and as kbstest whose sudo has no password
 * (the remote rsync runs as `sudo -u root rsync`, as Ansible's action makes it), pushing into a
 * root-owned folder; compared with ansible-playbook 2.14 (test/fixtures/modules-sync/become.yml):
 * the same recap and the same files, owned by root.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { kbs, results } from '../helpers/kbs.js';
import type { Sshd } from '../helpers/sshd.js';
import { startHosts, stopHosts } from './modules-ssh-shared.js';

const PB = resolve('test/fixtures/modules-sync/become.yml');
let sshd: Sshd | undefined;
let work: string | undefined;
let inv: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('sync'));
});
after(() => stopHosts(sshd, work));

const tree = (dir: string) => execFileSync('sh', ['-c', `cd ${dir} && find . -printf "%p %y %m %u %s\\n" | sort`], { encoding: 'utf8' });

test('synchronize under become: same recap and files as ansible-playbook', async () => {
  const w = work!;
  const src = join(w, 'src');
  cpSync(resolve('test/fixtures/modules-sync/files/tree'), src, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  execFileSync('chmod', ['-R', 'a+rX', src]);
  const [da, dk] = [join(w, 'by-ansible'), join(w, 'by-kbs')];
  for (const d of [da, dk]) mkdirSync(d, { mode: 0o755 }); // root-owned: kbstest cannot write without sudo
  const a = await ansiblePlaybook(['-i', inv, PB, '-e', `src=${src}`, '-e', `dest=${da}`], w);
  assert.equal(a.code, 0, a.out.slice(-3000));
  const k = await kbs(['run', PB, '-i', inv, '-e', `src=${src}`, '-e', `dest=${dk}`]);
  assert.equal(k.code, 0, k.stdout.slice(-3000));
  assert.deepEqual(k.recap, parseRecap(a.out), 'recap');
  assert.equal(tree(dk), tree(da), 'files');
  assert.match(tree(dk), /\.\/asuser\/a\.txt f 644 root 6/);
  assert.match(String(results(k, 'Push under become').find((r) => r.host === 'asuser')?.result.cmd), /--rsync-path=sudo -u root rsync/);
});
