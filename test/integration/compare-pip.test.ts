/**
 * The pip module against ansible-playbook 2.14 on the same playbook (local connection, this
 * machine's python3): a virtualenv made with `python3 -m venv`, a package installed from a local
 * folder of wheels (`--no-index --find-links`), again (no change), pinned to an older version,
 * upgraded with state=latest, checked in check mode, removed, and installed from a requirements
 * file; the registered results (changed, failed, state, version, name) must be the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_INVENTORY, runAnsibleLocal, runKbsLocal, writeTree } from '../helpers/compare-debug.js';

/** a pure-Python wheel of kbsdemo at VERSION in DIR, with its RECORD hashed as pip checks it */
function wheel(dir: string, version: string): void {
  execFileSync('/usr/bin/python3', [
    '-c',
    `
import base64, hashlib, sys, zipfile
d, v = sys.argv[1], sys.argv[2]
files = {
  'kbsdemo/__init__.py': 'VERSION = %r\\n' % v,
  'kbsdemo-%s.dist-info/METADATA' % v: 'Metadata-Version: 2.1\\nName: kbsdemo\\nVersion: %s\\n' % v,
  'kbsdemo-%s.dist-info/WHEEL' % v: 'Wheel-Version: 1.0\\nGenerator: kbs-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
record = ''
for name, text in files.items():
  data = text.encode()
  h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
  record += '%s,sha256=%s,%d\\n' % (name, h, len(data))
record += 'kbsdemo-%s.dist-info/RECORD,,\\n' % v
with zipfile.ZipFile('%s/kbsdemo-%s-py3-none-any.whl' % (d, v), 'w') as z:
  for name, text in files.items():
    z.writestr(name, text)
  z.writestr('kbsdemo-%s.dist-info/RECORD' % v, record)
`,
    dir,
    version,
  ]);
}

const PLAYBOOK = `- hosts: h1
  gather_facts: false
  vars:
    venv: "{{ playbook_dir }}/venv-{{ tool }}"
    find: "--no-index --find-links {{ playbook_dir }}/wheels"
  tasks:
    - name: into a new virtualenv
      pip: {name: kbsdemo, virtualenv: "{{ venv }}", virtualenv_command: python3 -m venv, extra_args: "{{ find }}"}
      register: r
    - debug: msg="new {{ r.changed }} {{ r.state }} {{ r.name }} {{ r.version }} {{ r.stdout is search('Successfully installed kbsdemo-2.0') }}"
    - pip: {name: kbsdemo, virtualenv: "{{ venv }}", extra_args: "{{ find }}"}
      register: r
    - debug: msg="again {{ r.changed }}"
    - pip: {name: kbsdemo, version: "1.0", virtualenv: "{{ venv }}", extra_args: "{{ find }}"}
      register: r
    - debug: msg="pinned {{ r.changed }} {{ r.version }} {{ r.cmd[-1] }}"
    - pip: {name: ["kbsdemo>=2"], virtualenv: "{{ venv }}"}
      check_mode: true
      register: r
    - debug: msg="check newer {{ r.changed }}"
    - pip: {name: ["kbsdemo==1.0"], virtualenv: "{{ venv }}"}
      check_mode: true
      register: r
    - debug: msg="check same {{ r.changed }}"
    - pip: {name: kbsdemo, state: latest, virtualenv: "{{ venv }}", extra_args: "{{ find }}"}
      register: r
    - debug: msg="latest {{ r.changed }}"
    - pip: {name: kbsdemo, state: absent, virtualenv: "{{ venv }}"}
      register: r
    - debug: msg="absent {{ r.changed }}"
    - pip: {name: kbsdemo, state: absent, virtualenv: "{{ venv }}"}
      register: r
    - debug: msg="absent again {{ r.changed }}"
    - copy: {dest: "{{ playbook_dir }}/req-{{ tool }}.txt", content: "kbsdemo==1.0\\n"}
    - pip: {requirements: "{{ playbook_dir }}/req-{{ tool }}.txt", virtualenv: "{{ venv }}", extra_args: "{{ find }}"}
      register: r
    - debug: msg="requirements {{ r.changed }} {{ r.requirements is search('req-') }}"
    - pip: {requirements: "{{ playbook_dir }}/req-{{ tool }}.txt", virtualenv: "{{ venv }}", extra_args: "{{ find }}"}
      register: r
    - debug: msg="requirements again {{ r.changed }}"
    - pip: {name: nowhere-such-package, virtualenv: "{{ venv }}", extra_args: "{{ find }}"}
      register: r
      ignore_errors: true
    - debug: msg="missing {{ r.failed }} {{ r.msg is search('No matching distribution') }}"
    - pip: {name: kbsdemo, version: "1.0", state: latest, virtualenv: "{{ venv }}"}
      register: r
      ignore_errors: true
    - debug: msg="latest with version {{ r.failed }} {{ r.msg }}"
`;

test('pip: virtualenv, install, no change, pin, check mode, latest, absent, requirements, failures as ansible-playbook', async () => {
  const dir = writeTree({ 'site.yml': PLAYBOOK, 'inventory.ini': LOCAL_INVENTORY });
  try {
    mkdirSync(join(dir, 'wheels'));
    for (const v of ['1.0', '2.0']) wheel(join(dir, 'wheels'), v);
    const args = (tool: string) => ['-i', join(dir, 'inventory.ini'), join(dir, 'site.yml'), '-e', `tool=${tool}`];
    const a = await runAnsibleLocal(dir, args('a'));
    const k = await runKbsLocal(args('k'));
    assert.equal(a.code, 0, a.out.slice(-3000));
    assert.equal(k.code, 0, k.out.slice(-3000));
    assert.deepEqual(k.msgs.h1, a.msgs.h1);
    assert.deepEqual(a.msgs.h1?.slice(0, 3), ["new True present ['kbsdemo']  True", 'again False', 'pinned True 1.0 kbsdemo==1.0'], a.out);
    assert.equal(execFileSync(join(dir, 'venv-k/bin/python'), ['-c', 'import kbsdemo; print(kbsdemo.VERSION)'], { encoding: 'utf8' }).trim(), '1.0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
