/**
 * The default output of a debug task with a loop: each item's line carries the item's result
 * (msg alone, or the variable with the loop variable), as ansible-playbook 2.14 prints it; loop
 * labels, failed items and the end of an ignored loop as it prints them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';

/** pb.yml and a local inventory in a fresh folder, run by ansible-playbook (default output) and by kbs --output plain */
async function runBoth(playbook: string, files: Record<string, string> = {}, hosts = ['h1']): Promise<{ a: { code: number; out: string }; k: { code: number; stdout: string; stderr: string }; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-loopout-'));
  try {
    writeFileSync(join(dir, 'inv.ini'), hosts.map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n`).join(''));
    writeFileSync(join(dir, 'pb.yml'), playbook);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const a = await ansiblePlaybook(['-i', join(dir, 'inv.ini'), join(dir, 'pb.yml')], dir, {});
    const k = await kbs(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.ini'), '--output', 'plain']);
    return { a, k, dir };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('debug items are printed with their result as ansible-playbook prints them', async () => {
  const section = (out: string, name: string) => {
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.startsWith(`TASK [${name}]`));
    assert.ok(at >= 0, `${name} in:\n${out}`);
    const end = lines.findIndex((l, i) => i > at && l === '');
    return lines.slice(at + 1, end).join('\n');
  };
  const { a, k } = await runBoth(
    `- hosts: all
  gather_facts: false
  vars: {x: 5}
  tasks:
    - name: with msg
      debug: {msg: "item {{ item }}"}
      loop: [1, two]
    - name: with var
      debug: {var: x}
      loop: [a]
      loop_control: {label: "the {{ item }}"}
    - name: skipped item
      debug: {msg: "{{ item }}"}
      loop: [1, 2]
      when: item == 2
`,
  );
  assert.equal(a.code, 0, a.out.slice(-3000));
  assert.equal(k.code, 0, k.stdout + k.stderr);
  for (const t of ['with msg', 'with var', 'skipped item']) assert.equal(section(k.stdout, t), section(a.out, t), t);
  assert.match(section(k.stdout, 'with msg'), /\(item=two\) => \{\n {4}"msg": "item two"\n\}/);
});

test('loop labels are rendered after the item ran (with its registered result); failed items and the loop end print as ansible-playbook', async () => {
  const lines = (out: string) =>
    out
      .split('\n')
      .filter((l) => /^(ok|changed|skipping|failed|fatal): |^\.\.\.ignoring|"msg": /.test(l))
      // the failure's details: Ansible prints the result as JSON, kbs as msg/rc lines
      .map((l) => l.replace(/ => \{.*$/, ' =>').replace(/ +$/, ''));
  const { a, k } = await runBoth(
    `- hosts: all
  gather_facts: false
  tasks:
    - name: label sees the item's result
      command: echo out-{{ item }}
      loop: [a, b, c]
      register: r
      when: item != 'b'
      loop_control:
        label: "{{ item }} {{ r.stdout | default('none') }}"
    - name: label that fails
      command: echo {{ item }}
      loop: [a]
      loop_control: {label: "{{ nowhere }}"}
      ignore_errors: true
      register: bad
    - debug: msg="{{ bad.results[0].failed }} {{ bad.results[0].rc }} {{ bad.results[0].msg is match('Failed to template loop_control.label:') }}"
    - name: ignored item
      command: "{{ item }}"
      loop: ["true", "false"]
      ignore_errors: true
    - name: failed item
      command: "{{ item }}"
      loop: ["false", "true"]
`,
  );
  assert.equal(a.code, 2, a.out.slice(-3000));
  assert.equal(k.code, 2, k.stdout + k.stderr);
  assert.deepEqual(lines(k.stdout), lines(a.out));
  assert.ok(lines(a.out).includes('changed: [h1] => (item=c out-c)'), a.out);
  assert.ok(lines(a.out).includes('    "msg": "True 0 True"'), a.out);
});

test('until: a FAILED - RETRYING line for each attempt but the last, as ansible-playbook prints it', async () => {
  const { a, k } = await runBoth(`- hosts: all
  gather_facts: false
  tasks:
    - name: never
      command: "false"
      register: r
      until: r.rc == 0
      retries: 2
      delay: 0
      ignore_errors: true
    - command: "false"
      register: r
      until: r.rc == 0
      retries: 1
      delay: 0
      ignore_errors: true
    - name: a fresh counter
      file: {path: "{{ playbook_dir }}/n", state: absent}
    - name: third time
      shell: echo x >> {{ playbook_dir }}/n; test $(wc -l < {{ playbook_dir }}/n) -ge 3
      register: r
      until: r is succeeded
      retries: 5
      delay: 0
    - name: loop retry
      command: "false"
      register: r
      until: r.rc == 0
      retries: 1
      delay: 0
      loop: [a, b]
      ignore_errors: true
`);
  const retries = (out: string) => out.split('\n').filter((l) => l.startsWith('FAILED - RETRYING'));
  assert.equal(a.code, 0, a.out.slice(-3000));
  assert.equal(k.code, 0, k.stdout + k.stderr);
  assert.deepEqual(retries(k.stdout), retries(a.out));
  assert.deepEqual(retries(a.out).slice(0, 5), [
    'FAILED - RETRYING: [h1]: never (2 retries left).',
    'FAILED - RETRYING: [h1]: never (1 retries left).',
    'FAILED - RETRYING: [h1]: command (1 retries left).',
    'FAILED - RETRYING: [h1]: third time (5 retries left).',
    'FAILED - RETRYING: [h1]: third time (4 retries left).',
  ]);
});

test('dynamic includes: the TASK banner, included: lines (per file and item, with their hosts), skipped hosts and the recap as ansible-playbook', async () => {
  const { a, k, dir } = await runBoth(
    `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: sub.yml
    - name: named include
      include_tasks: "{{ 'sub.yml' }}"
    - include_tasks: sub.yml
      loop: [1, 2]
    - include_tasks: sub.yml
      when: inventory_hostname == 'h2'
    - include_tasks: sub.yml
      when: false
    - include_role: {name: rr}
    - include_role: {name: rr}
      when: false
`,
    { 'sub.yml': '- debug: msg=in-sub\n', 'roles/rr/tasks/main.yml': '- debug: msg=in-role\n' },
    ['h1', 'h2'],
  );
  // the lines under each banner in order of the banners; within a task the hosts may finish in any order
  const shown = (out: string) => {
    const sections: string[][] = [];
    for (const l of out.split('\n')) {
      if (!/^(TASK \[|included: |skipping: |h[12] +:)/.test(l)) continue;
      // Ansible names the hosts of an included file in the order their results came in
      const line = l
        .replace(/ \*+$/, '')
        .replace(/ +/g, ' ')
        .replace(dir, 'DIR')
        .trim()
        .replace(/ for ([^=]+?)( =>|$)/, (_m, hosts: string, tail: string) => ` for ${hosts.split(', ').sort().join(', ')}${tail}`);
      if (line.startsWith('TASK [') || !sections.length) sections.push([line]);
      else sections[sections.length - 1].push(line);
    }
    return sections.flatMap(([head, ...rest]) => [head, ...rest.sort()]);
  };
  assert.equal(a.code, 0, a.out.slice(-3000));
  assert.equal(k.code, 0, k.stdout + k.stderr);
  assert.deepEqual(shown(k.stdout), shown(a.out));
  assert.ok(shown(a.out).includes('included: DIR/sub.yml for h1, h2 => (item=2)'), a.out);
  assert.ok(shown(a.out).includes('TASK [include_role : rr]'), a.out);
});
