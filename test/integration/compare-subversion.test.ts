/**
 * subversion, kbs against ansible-playbook 2.14 over a real sshd with this machine's svn and a
 * file:// repository of each tool's own (the same history): checkout, a second run, check mode
 * after a commit, update, local changes refused then reverted with force, export (always
 * changed), a folder that is not a working copy, in_place, the remote revision alone, an older
 * revision, a repository that does not exist. Every registered result is compared (but
 * `invocation`), the tools' folders named alike.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { USERS, registeredResult, registeredStep, runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('svn', { asroot: USERS.asroot }));
});
after(() => stopHosts(sshd, work));

/** a repository with one revision: a.txt and sub/b.txt */
function repo(dir: string): string {
  const r = join(dir, 'repo');
  execFileSync('svnadmin', ['create', r]);
  const src = join(dir, 'import');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'one\n');
  writeFileSync(join(src, 'sub/b.txt'), 'two\n');
  execFileSync('svn', ['import', '-q', '-m', 'first', src, `file://${r}`]);
  return `file://${r}`;
}

const step = (args: string, extra = '') => registeredStep('subversion', args, extra);

const PB = `- hosts: asroot
  gather_facts: false
  vars:
    co: "{{ base }}/co"
  tasks:
${step('{repo: "{{ url }}", dest: "{{ co }}"}')}${step('{repo: "{{ url }}", dest: "{{ co }}"}')}    - name: a second revision, committed from another working copy
      shell: svn checkout -q "{{ url }}" "{{ base }}/w" && echo more >> "{{ base }}/w/a.txt" && svn commit -q -m second "{{ base }}/w"
${step('{repo: "{{ url }}", dest: "{{ co }}"}', '      check_mode: true\n')}${step('{repo: "{{ url }}", dest: "{{ co }}"}')}    - shell: echo local >> "{{ co }}/sub/b.txt"
${step('{repo: "{{ url }}", dest: "{{ co }}"}')}${step('{repo: "{{ url }}", dest: "{{ co }}", force: true}')}${step('{repo: "{{ url }}", dest: "{{ base }}/exp", export: true}')}${step('{repo: "{{ url }}", dest: "{{ base }}/exp", export: true, force: true}')}    - file: {path: "{{ base }}/plain", state: directory}
${step('{repo: "{{ url }}", dest: "{{ base }}/plain"}')}${step('{repo: "{{ url }}", dest: "{{ base }}/plain", in_place: true}')}${step('{repo: "{{ url }}", checkout: false, update: false, export: false}')}${step('{repo: "{{ url }}", dest: "{{ co }}", revision: "1"}')}${step('{repo: "{{ url }}/nope", dest: "{{ base }}/nope"}')}${step('{repo: "{{ url }}", dest: "{{ base }}/new", checkout: false}')}`;

test('subversion: as ansible-playbook', async () => {
  const run = async (tool: 'a' | 'k') => {
    const base = join(work, tool);
    mkdirSync(base);
    const url = repo(base);
    const pb = join(work, `svn-${tool}.yml`);
    writeFileSync(pb, PB);
    const args = ['-i', inv, pb, '-e', `base=${base}`, '-e', `url=${url}`];
    const r = await runTool(tool, work, args);
    return { ...r, msgs: JSON.parse(JSON.stringify(r.msgs).split(base).join('BASE')) as Record<string, unknown[]> };
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs, a.msgs);
  // what the results are, so that the comparison cannot pass on two wrong answers
  const m = k.msgs.asroot.map(registeredResult);
  assert.deepEqual([m[0].changed, m[0].before, m[0].after], [true, null, ['Revision: 1', 'URL: file://BASE/repo']]);
  assert.equal(m[1].changed, false);
  assert.deepEqual([m[2].changed, m[2].before, m[2].after], [true, 'Revision: 1', 'Revision: 2']); // check mode
  assert.deepEqual([m[3].changed, m[3].after], [true, ['Revision: 2', 'URL: file://BASE/repo']]);
  assert.deepEqual([m[4].failed, m[4].msg], [true, 'ERROR: modified files exist in the repository.']);
  assert.equal(m[5].changed, true);
  assert.deepEqual([m[6].changed, m[7].changed], [true, true]);
  assert.equal(m[8].msg, 'ERROR: BASE/plain folder already exists, but its not a subversion repository.');
  assert.equal(m[9].changed, true);
  assert.deepEqual(m[10], { after: 'Revision: 2', changed: false, failed: false });
  assert.equal(m[11].changed, true);
  assert.equal(m[12].failed, true);
  assert.deepEqual(m[13], { changed: false, failed: false });
});
