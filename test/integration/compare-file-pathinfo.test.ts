/**
 * The file module's result fields (path info: uid, gid, owner, group, mode, state, size) compared
 * with ansible-playbook 2.14 on the local host, for tasks that change nothing (kbs reuses its first
 * look at the path), tasks that change something (kbs looks again), and check mode; a link named
 * without src (the src Ansible reports then) and a folder or file reached through a link (the
 * result names the link's target).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

const KEYS = ['changed', 'path', 'dest', 'src', 'state', 'mode', 'owner', 'group', 'uid', 'gid', 'size'];
const step = (name: string, args: string, check = false) => `
    - name: ${name}
      file: ${args}
      register: r
      check_mode: ${check}
    - copy:
        dest: "{{ out }}/${name}"
        content: "{{ r | dict2items | selectattr('key', 'in', keys) | items2dict | to_nice_json }}"
`;

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    # one folder per tool, named with as many characters (a link's size is its target's length)
    base: "{{ out | dirname }}/work-{{ 'A' if out is search('ansible$') else 'K' }}"
    keys: ${JSON.stringify(KEYS)}
  tasks:
    - file: {path: "{{ base }}", state: directory}
${step('01-dir-new', '{path: "{{ base }}/d", state: directory, mode: "0750"}')}
${step('02-dir-same', '{path: "{{ base }}/d", state: directory, mode: "0750"}')}
${step('03-dir-mode-check', '{path: "{{ base }}/d", state: directory, mode: "0700"}', true)}
${step('04-dir-mode', '{path: "{{ base }}/d", state: directory, mode: "0700"}')}
${step('05-touch', '{path: "{{ base }}/d/f", state: touch, mode: "0640"}')}
${step('06-file-same', '{path: "{{ base }}/d/f", state: file}')}
${step('07-link-new', '{src: "{{ base }}/d/f", dest: "{{ base }}/l", state: link}')}
${step('08-link-same', '{src: "{{ base }}/d/f", dest: "{{ base }}/l", state: link}')}
${step('09-link-follow-file', '{path: "{{ base }}/l", state: file}')}
${step('10-hard', '{src: "{{ base }}/d/f", dest: "{{ base }}/h", state: hard}')}
${step('11-hard-same', '{src: "{{ base }}/d/f", dest: "{{ base }}/h", state: hard}')}
${step('12-absent-missing', '{path: "{{ base }}/nothing", state: absent}')}
${step('13-absent', '{path: "{{ base }}/h", state: absent}')}
${step('14-dangling-same', '{src: "{{ base }}/gone", dest: "{{ base }}/dl", state: link, force: true}')}
${step('15-dangling-again', '{src: "{{ base }}/gone", dest: "{{ base }}/dl", state: link, force: true}')}
${step('16-link-to-dir', '{src: "{{ base }}/d", dest: "{{ base }}/ld", state: link}')}
${step('17-dir-through-link', '{path: "{{ base }}/ld", state: directory}')}
${step('18-dir-through-link-mode', '{path: "{{ base }}/ld", state: directory, mode: "0755"}')}
${step('19-link-nofollow', '{path: "{{ base }}/ld", state: link, follow: false}')}
${step('20-link-nosrc', '{path: "{{ base }}/ld", state: link}')}
${step('21-dangling-nosrc', '{path: "{{ base }}/dl", state: link}')}
`;

test('file: result path fields for no-op, changing and check-mode tasks, as Ansible', async () => {
  const r = await compareFiles(PLAYBOOK);
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(Object.keys(r.kbs.files), Object.keys(r.ansible.files));
  // the test's own user runs both tools: uid, owner... are the same on both sides; the work folders differ
  const norm = (s: string) => s.replace(/work-[AK]/g, 'work-X');
  for (const name of Object.keys(r.ansible.files)) assert.deepEqual(JSON.parse(norm(r.kbs.files[name])), JSON.parse(norm(r.ansible.files[name])), name);
});
