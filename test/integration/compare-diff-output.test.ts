/**
 * --diff output against ansible-playbook 2.14's, byte for byte from the first task: templates and
 * copies new and changed (difflib's hunks with 3 lines of context, `before: DEST` only when the file
 * existed, a side without a final line break marked), lineinfile, a file's state, and a loop (each
 * item's diff before its line); with --check too. Ansible names its rendered temporary file as the
 * template's and copy content's `after:`; kbs names the template and `dynamically generated`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';
import { tempDir } from '../helpers/tmp.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars: {v: 1}
  tasks:
    - name: new file from a template
      template: {src: t.j2, dest: "{{ out }}/t.txt"}
    - name: changed template
      template: {src: t.j2, dest: "{{ out }}/t.txt"}
      vars: {v: 2}
    - name: copy content new
      copy: {content: "a\\nb\\nc\\n", dest: "{{ out }}/c.txt"}
    - name: copy content changed, no final newline
      copy: {content: "a\\nB\\nc", dest: "{{ out }}/c.txt"}
    - name: lineinfile
      lineinfile: {path: "{{ out }}/c.txt", line: "added", insertafter: "^a"}
      ignore_errors: true
    - name: file state
      file: {path: "{{ out }}/d", state: directory}
    - name: in a loop
      copy: {content: "{{ item }}\\n", dest: "{{ out }}/l-{{ item }}.txt"}
      loop: [x, y]
`;

function normalize(out: string, dir: string): string {
  return out
    .slice(out.indexOf('TASK ['))
    .split('\n')
    .filter((l) => !l.startsWith('[WARNING]'))
    .map((l) => l.split(dir).join('DIR').replace(/^\+\+\+ after: (\/root\/\.ansible\/tmp\/.*|DIR\/ansible-local\/.*|DIR\/templates\/t\.j2|dynamically generated)$/, '+++ after: SOURCE'))
    .join('\n');
}

for (const mode of [['--diff'], ['--diff', '--check']]) {
  test(`${mode.join(' ')} output: the same text as ansible-playbook writes`, async () => {
    const dir = tempDir('kbs-diffout-');
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 't.j2'), 'line one\nvalue={{ v }}\n{% for i in range(12) %}row {{ i }}\n{% endfor %}tail\n');
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    localhost: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}\n');
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    for (const t of ['a', 'k']) mkdirSync(join(dir, `out-${t}`));
    const a = await ansiblePlaybook(['-i', join(dir, 'inv.yml'), join(dir, 'site.yml'), ...mode, '-e', `out=${join(dir, 'out')}-a`], dir);
    const k = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.yml'), ...mode, '-e', `out=${join(dir, 'out')}-k`, '--output', 'plain']);
    assert.equal(a.code, 0, a.out.slice(-2000));
    assert.equal(k.code, 0, (k.stdout + k.stderr).slice(-2000));
    const want = normalize(a.out, dir).replace(/out-a/g, 'out-T');
    // what Ansible writes, so that the comparison is about something
    if (mode.length === 1) {
      assert.match(want, /--- before: DIR\/out-T\/t\.txt\n\+\+\+ after: SOURCE\n@@ -1,5 \+1,5 @@\n line one\n-value=1\n\+value=2\n/);
      assert.match(want, /\+c\n\\ No newline at end of file\n/);
    } else assert.match(want, /TASK \[changed template\] \*+\n--- before\n\+\+\+ after: SOURCE\n@@ -0,0 \+1,15 @@\n/);
    assert.equal(normalize(k.stdout, dir).replace(/out-k/g, 'out-T'), want);
  });
}
