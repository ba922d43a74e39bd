/**
 * Custom Python modules, the parts that need no host: the import scanner, the bundle of
 * module_utils (custom folders first, relative imports, optional imports, package __init__
 * files), the zip read back by Python's zipfile, the module's output read as Ansible reads it,
 * and the loader's choice between a library/ module and a built-in.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { findImports } from '../../src/modules/python/imports.js';
import { bundleModule } from '../../src/modules/python/bundle.js';
import { moduleResult, filterNonJson } from '../../src/modules/python/result.js';
import { moduleStyle } from '../../src/modules/python/module.js';
import { makeZip } from '../../src/modules/python/zip.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import type { TaskNode } from '../../src/load/model.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-pymod-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('findImports: plain, from, relative, parenthesised and continued; strings and comments do not count', () => {
  const src = [
    '"""doc: from ansible.module_utils.nope import x"""',
    'import os, ansible.module_utils.a.b as ab',
    '# import ansible.module_utils.commented',
    'from ansible.module_utils.basic import (AnsibleModule,',
    '    env_fallback)',
    "s = 'import ansible.module_utils.instring'",
    'from . import sibling',
    'from ..common.x import \\',
    '    y as z',
    'try:',
    '    from ansible.module_utils.opt import o',
    'except ImportError:',
    '    pass',
  ].join('\n');
  assert.deepEqual(findImports(src), [
    { kind: 'import', module: 'os', level: 0, names: [], nested: false },
    { kind: 'import', module: 'ansible.module_utils.a.b', level: 0, names: [], nested: false },
    { kind: 'from', module: 'ansible.module_utils.basic', level: 0, names: ['AnsibleModule', 'env_fallback'], nested: false },
    { kind: 'from', module: '', level: 1, names: ['sibling'], nested: false },
    { kind: 'from', module: 'common.x', level: 2, names: ['y'], nested: false },
    { kind: 'from', module: 'ansible.module_utils.opt', level: 0, names: ['o'], nested: true },
  ]);
});

/** a fake ansible-core: ansible/module_utils with basic.py importing a package */
function fakeCore(): { root: string; dir: string } {
  const dir = tree({
    'ansible/module_utils/__init__.py': '',
    'ansible/module_utils/basic.py': 'from ansible.module_utils.common.text import converters\n',
    'ansible/module_utils/common/__init__.py': '',
    'ansible/module_utils/common/text/__init__.py': '',
    'ansible/module_utils/common/text/converters.py': 'from ..other import thing\n',
    'ansible/module_utils/common/other.py': 'X = 1\n',
    'ansible/module_utils/six/__init__.py': 'moves = None\n',
    'ansible/module_utils/unused.py': '',
  });
  return { root: join(dir, 'ansible'), dir };
}

test('bundleModule: what the module imports, recursively, custom module_utils first, basic always, __init__ files', () => {
  const core = fakeCore();
  const custom = tree({
    'mine/helpers.py': 'from ansible.module_utils.six.moves import urllib\n',
    'other.py': '# shadows the core other.py? no: only ansible.module_utils.other\n',
  });
  const source = Buffer.from('from ansible.module_utils.mine.helpers import h\nimport ansible.module_utils.common.other\n');
  const b = bundleModule({ name: 'm', file: '/x/m.py', source, utilsDirs: [custom], core: { python: 'py', root: core.root, version: '2.14.9' } });
  assert.deepEqual(b.files, [
    'ansible/__init__.py',
    'ansible/module_utils/__init__.py',
    'ansible/module_utils/basic.py',
    'ansible/module_utils/common/__init__.py',
    'ansible/module_utils/common/other.py',
    'ansible/module_utils/common/text/__init__.py',
    'ansible/module_utils/common/text/converters.py',
    'ansible/module_utils/mine/__init__.py',
    'ansible/module_utils/mine/helpers.py',
    'ansible/module_utils/six/__init__.py',
    'ansible/modules/__init__.py',
    'ansible/modules/m.py',
  ]);
  // Python reads the zip back
  const zip = join(custom, 'b.zip');
  writeFileSync(zip, b.zip);
  const listed = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(z.read("ansible/__init__.py").decode())', zip], { encoding: 'utf8' });
  assert.match(listed, /^None\n/);
  assert.match(listed, /__version__ = "2\.14\.9"/);
});

test('bundleModule: a missing module_utils is an error naming it, unless the import is optional (in a block)', () => {
  const core = fakeCore();
  const c = { python: 'py', root: core.root, version: '2.14.9' };
  const ok = bundleModule({ name: 'm', file: '/x/m.py', source: Buffer.from('try:\n    from ansible.module_utils.nothere import x\nexcept ImportError:\n    x = None\n'), utilsDirs: [], core: c });
  assert.ok(ok.files.includes('ansible/module_utils/basic.py'));
  assert.throws(
    () => bundleModule({ name: 'm', file: '/x/m.py', source: Buffer.from('from ansible.module_utils.nothere import x\n'), utilsDirs: [], core: c }),
    (e: unknown) => e instanceof KbsError && /module m: ansible\.module_utils\.nothere \(imported by \/x\/m\.py\) not found/.test(e.message),
  );
  // Kubespray's kube module: `from ansible.module_utils.basic import *` at the end of the file
  const star = bundleModule({ name: 'kube', file: '/x/kube.py', source: Buffer.from('def main():\n    pass\n\nfrom ansible.module_utils.basic import *  # noqa\n'), utilsDirs: [], core: c });
  assert.ok(star.files.includes('ansible/module_utils/common/text/converters.py'));
  assert.throws(
    () => bundleModule({ name: 'm', file: '/x/m.py', source: Buffer.from('from ansible_collections.ns.coll.plugins.module_utils.x import y\n'), utilsDirs: [], core: c }),
    /collections/,
  );
});

test('moduleStyle: as Ansible tells them apart', () => {
  assert.equal(moduleStyle(Buffer.from('#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\n')), 'new');
  assert.equal(moduleStyle(Buffer.from('#!/usr/bin/python\n# WANT_JSON\nimport json\n')), 'want_json');
  assert.equal(moduleStyle(Buffer.from('#!/bin/sh\necho "{}"\n')), 'old');
  assert.equal(moduleStyle(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])), 'binary');
});

test('moduleResult: noise before the JSON dropped, junk after it a warning, internal keys removed, *_lines added', () => {
  const r = moduleResult('motd line\n{"changed": true, "stdout": "a\\nb", "_ansible_no_log": false}\nbye\n', '', 0, '/usr/bin/python3');
  assert.deepEqual(r, { changed: true, stdout: 'a\nb', stdout_lines: ['a', 'b'], warnings: ['Module invocation had junk after the JSON data: bye\n'] });
  assert.equal(filterNonJson('no json here'), undefined);
});

test('moduleResult: no JSON is a MODULE FAILURE with the output; a missing interpreter says so', () => {
  const tb = moduleResult('', 'Traceback (most recent call last):\n  boom\n', 1, '/usr/bin/python3');
  assert.equal(tb.failed, true);
  assert.equal(tb.msg, 'MODULE FAILURE\nSee stdout/stderr for the exact error');
  assert.equal(tb.exception, 'Traceback (most recent call last):\n  boom\n');
  assert.equal(tb.rc, 1);
  const ni = moduleResult('', '/bin/sh: 1: /usr/bin/python9: not found\n', 127, '/usr/bin/python9');
  assert.match(String(ni.msg), /^The module failed to execute correctly, you probably need to set the interpreter\./);
});

test('makeZip: deflated entries Python reads back byte for byte', () => {
  const dir = tree({});
  const big = Buffer.from('x'.repeat(100000) + 'é');
  writeFileSync(join(dir, 'z.zip'), makeZip(new Map([['a/b.py', big], ['empty.py', Buffer.alloc(0)]])));
  const out = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.read("a/b.py")), z.namelist())', join(dir, 'z.zip')], { encoding: 'utf8' });
  assert.equal(out.trim(), `None ${big.length} ['a/b.py', 'empty.py']`);
});

test('loader: a library/ module wins over a built-in of the same short name, not over ansible.builtin.NAME or an action plugin', () => {
  const dir = tree({
    'library/stat.py': '#!/bin/sh\necho "{}"\n',
    'library/copy.py': '#!/bin/sh\necho "{}"\n',
    'roles/r/library/mine.py': '#!/bin/sh\necho "{}"\n',
    'roles/r/tasks/main.yml': '- mine: {a: 1}\n',
    'site.yml': [
      '- hosts: all',
      '  roles: [r]',
      '  tasks:',
      '    - stat: {path: /}',
      '    - ansible.legacy.stat: path=/',
      '    - ansible.builtin.stat: {path: /}',
      '    - copy: {content: x, dest: /tmp/x}',
      '    - mine: {b: 2}',
      '',
    ].join('\n'),
  });
  const pb = loadPlaybook(join(dir, 'site.yml'));
  const tasks: TaskNode[] = [];
  const walk = (n: unknown): void => {
    const x = n as { kind?: string; block?: unknown[] };
    if (x.kind === 'task') tasks.push(n as TaskNode);
    else if (x.block) x.block.forEach(walk);
  };
  for (const p of pb.plays) [...(p as unknown as { roles?: unknown[] }).roles ?? [], ...p.tasks].forEach(walk);
  const shown = tasks.map((t) => `${t.module}:${t.library ? t.library.file.slice(dir.length) : 'builtin'}`);
  assert.deepEqual(shown.slice(-6), [
    'mine:/roles/r/library/mine.py',
    'stat:/library/stat.py',
    'stat:/library/stat.py',
    'stat:builtin',
    'copy:builtin',
    'mine:/roles/r/library/mine.py',
  ]);
});
