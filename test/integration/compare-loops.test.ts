/**
 * with_<lookup> loops, the lookups behind them and loop_control, compared with ansible-playbook
 * 2.14 on the same playbook (connection local).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-loops-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const INV = `[web]\nw1\nw2\n[db]\nd1\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n`;

const LOOPS = `
- hosts: w1
  gather_facts: false
  vars:
    d: {b: 2, a: 1}
    users: [{name: u1, keys: [k1, k2]}, {name: u2, keys: [k3]}, {name: u3}]
    byname: {x: {name: x, keys: [1]}, y: {name: y, keys: [2, 3]}}
    lists: [[1, 2, 3], [a, b]]
    missing_name: nope
  tasks:
    - name: with_dict
      debug: msg="{{ item.key }}={{ item.value }}"
      with_dict: "{{ d }}"
    - name: with_dict literal
      debug: msg="{{ item }}"
      with_dict: {z: 26}
    - name: with_sequence kv
      debug: msg="{{ item }}"
      with_sequence: start=1 end=5 stride=2 format=h%02d
    - name: with_sequence count
      debug: msg="{{ item }}"
      with_sequence: count=3
    - name: with_sequence short forms
      debug: msg="{{ item }}"
      with_sequence: ["0x0a-0x0c", "4:n%d", "start=10 end=4 stride=-3", "start=3 count=0"]
    - name: with_together
      debug: msg="{{ item }}"
      with_together: "{{ lists }}"
    - name: with_together literal
      debug: msg="{{ item.0 }}-{{ item.1 }}"
      with_together: [[1, 2], [a, b]]
    - name: with_nested
      debug: msg="{{ item }}"
      with_nested: [[1, 2], [a, [b, c]]]
    - name: with_nested vars
      debug: msg="{{ item.0 }}{{ item.1 }}"
      with_nested: ["{{ lists[0] }}", "{{ lists[1] }}"]
    - name: with_subelements
      debug: msg="{{ item.0.name }} {{ item.1 }}"
      with_subelements: ["{{ users }}", keys, {skip_missing: true}]
    - name: with_subelements dict
      debug: msg="{{ item.0.name }} {{ item.1 }}"
      with_subelements: ["{{ byname }}", keys]
    - name: with_indexed_items
      debug: msg="{{ item.0 }}:{{ item.1 }}"
      with_indexed_items: [a, [b, c]]
    - name: with_flattened
      debug: msg="{{ item }}"
      with_flattened: [a, [b, [c, [d]]]]
    - name: with_inventory_hostnames
      debug: msg="{{ item }}"
      with_inventory_hostnames: "all:!d1"
    - name: with_inventory_hostnames list
      debug: msg="{{ item }}"
      with_inventory_hostnames: [db, "w*"]
    - name: with_first_found
      debug: msg="{{ item | basename }} {{ item | dirname | basename }}"
      with_first_found: [nope.txt, "{{ undefined_var }}.txt", "{{ missing_name }}.conf", a.conf]
    - name: with_first_found mapping
      debug: msg="{{ item | replace(playbook_dir + '/', '') }}"
      with_first_found:
        - files: [x.txt, b.conf]
          paths: [nothere, conf]
    - name: with_first_found skip
      debug: msg="{{ item }}"
      with_first_found:
        - files: [none1, none2]
          skip: true
    - name: with_fileglob
      debug: msg="{{ item | replace(playbook_dir + '/', '') }}"
      with_fileglob: ["a.*", "sub/*.conf", "conf/*.conf", "none/*.x"]
    - name: with_items of lists
      debug: msg="{{ item }}"
      with_items: [[1, 2], 3, [[4]]]
    - name: with_list
      debug: msg="{{ item }}"
      with_list: [[1, 2], 3]
    - name: with_env
      debug: msg="{{ item }}"
      with_env: [KBS_CMP_LOOPS_ENV]
    - name: lookup sequence subelements
      debug:
        msg: "{{ q('sequence', 'start=0 end=2') + [lookup('subelements', users, 'keys', {'skip_missing': True}, wantlist=True) | length] }}"
    - name: lookup varnames
      debug: msg="{{ q('varnames', '^missing_|^byna') | sort }}"
    - name: lookup inventory_hostnames
      debug: msg="{{ lookup('inventory_hostnames', 'web') }}"
    - name: lookup fileglob
      debug: msg="{{ lookup('fileglob', '*.conf') | replace(playbook_dir + '/', '') }}"
    - name: lookup nested together indexed
      debug: msg="{{ q('nested', [1, 2], ['x']) }} {{ q('together', [1, 2], ['x']) }} {{ q('indexed_items', ['a', 'b']) }}"
`;

const CONTROL = `
- hosts: w1
  gather_facts: false
  tasks:
    - name: no extended
      debug: msg="{{ ansible_loop | default('none') }}"
      loop: [x, y]
    - name: extended
      debug: msg="{{ ansible_loop }}"
      loop: [x, y, z]
      loop_control: {extended: true}
    - name: extended without allitems
      debug: msg="{{ ansible_loop }}"
      loop: [x, y]
      loop_control: {extended: true, extended_allitems: false}
    - name: index_var and loop_var
      debug: msg="{{ i }} {{ outer }} {{ ansible_index_var }} {{ ansible_loop_var }}"
      loop: [x, y]
      loop_control: {index_var: i, loop_var: outer, label: "L{{ i }}"}
      register: r
    - name: registered item fields
      debug: msg="{{ r.results | map('dict2items') | map('map', attribute='key') | map('reject', 'eq', 'failed') | map('sort') | list }}"
    - name: extended registered
      debug: msg="r{{ ansible_loop.revindex }}"
      loop: [x, y]
      loop_control: {extended: true}
      register: e
    - name: extended in results
      debug: msg="{{ e.results | map(attribute='ansible_loop') | map(attribute='index') | list }}"
    - name: pause
      debug: msg="{{ item }}"
      loop: [1, 2]
      loop_control: {pause: 0.2}
    - name: include loop
      include_tasks: inc.yml
      with_sequence: count=3
      loop_control: {index_var: j, extended: true, loop_var: n}
    - name: show include loop
      debug: msg="{{ acc }}"
`;

test('with_<lookup> loops and lookups give the same items as ansible-playbook', async () => {
  const d = join(dir, 'loops');
  writeTree(d, {
    'inv.ini': INV,
    'pb.yml': LOOPS,
    'files/a.conf': '',
    'files/sub/c.conf': '',
    'conf/b.conf': '',
    'conf/c.txt': '',
    'a.txt': '',
  });
  process.env.KBS_CMP_LOOPS_ENV = 'env-value';
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.ok(Object.keys(r.ansible).length >= 26, 'ansible ran every task');
  assert.deepEqual(r.kbs, r.ansible);
});

test('loop_control (extended, extended_allitems, index_var, loop_var, pause) as ansible-playbook', async () => {
  const d = join(dir, 'control');
  writeTree(d, { 'inv.ini': INV, 'pb.yml': CONTROL, 'inc.yml': '- name: in include\n  set_fact: {acc: "{{ acc | default([]) + [n ~ j ~ ansible_loop.last ~ (ansible_loop_var | default(\'-\'))] }}"}\n' });
  const t0 = Date.now();
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  delete r.ansible['include loop']; // Ansible reports the include itself, kbs does not
  assert.deepEqual(r.kbs, r.ansible);
  assert.deepEqual(r.kbs['show include loop'], { w1: ['10False-', '21False-', '32True-'] });
  assert.ok(Date.now() - t0 >= 400, 'both paused between items');
});

test('lookup password creates the file as Ansible does, and both read it back', async () => {
  const d = join(dir, 'password');
  const pb = `
- hosts: w1
  gather_facts: false
  tasks:
    - name: new
      debug: msg="{{ lookup('password', 'creds/' + who + ' length=12 chars=digits') }}"
    - name: again
      debug: msg="{{ lookup('password', 'creds/' + who + ' length=30') }}"
    - name: existing
      debug: msg="{{ lookup('password', 'creds/given') }}"
    - name: devnull
      debug: msg="{{ lookup('password', '/dev/null length=7 chars=ascii_lowercase') | length }}"
`;
  writeTree(d, { 'inv.ini': INV, 'pb.yml': pb, 'creds/given': 'secret salt=abc\n' });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini', ['-e', 'who=kbs']);
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  const a = await compareLocal(d, 'pb.yml', 'inv.ini', ['-e', 'who=ansible']);
  assert.equal(a.ansibleCode, 0, a.ansibleOut.slice(-3000));
  for (const who of ['kbs', 'ansible']) {
    const f = join(d, 'creds', who);
    assert.ok(existsSync(f));
    assert.match(readFileSync(f, 'utf8'), /^\d{12}\n$/, `${who}'s file`);
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.equal(statSync(join(d, 'creds')).mode & 0o777, 0o755); // existed before
  }
  const pw = readFileSync(join(d, 'creds', 'kbs'), 'utf8').trim();
  assert.equal(r.kbs.new.w1, pw);
  assert.equal(r.kbs.again.w1, pw, 'the stored password is read back');
  // ansible reads the file kbs wrote (the second run of compareLocal with who=kbs)
  assert.equal(r.ansible.again.w1, pw);
  assert.equal(r.kbs.existing.w1, 'secret');
  assert.equal(r.ansible.existing.w1, 'secret');
  assert.equal(String(r.kbs.devnull.w1), '7');
  assert.equal(String(r.ansible.devnull.w1), '7');
});
