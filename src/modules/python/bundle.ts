/**
 * The zip sent to the host with a custom Python module, as Ansible's AnsiballZ builds it: the
 * module as ansible/modules/NAME.py and every ansible.module_utils file it imports, followed
 * recursively (absolute and relative imports), with the __init__.py of each package on the way.
 * module_utils come first from the custom folders (module_utils/ beside the playbook, in roles,
 * ANSIBLE_MODULE_UTILS), then from the workstation's ansible-core. `basic` is always included,
 * as Ansible does. Missing support code is an error, unless the import sits in a block (a
 * try/except for an optional dependency).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KbsError } from '../../errors.js';
import type { AnsibleCore } from './ansible-core.js';
import { findImports } from './imports.js';
import { makeZip } from './zip.js';

export interface BundleInput {
  /** the module's short name (ansible/modules/NAME.py) */
  name: string;
  /** the module's file on the workstation */
  file: string;
  source: Buffer;
  /** custom module_utils folders, searched in order before ansible-core's */
  utilsDirs: string[];
  core: AnsibleCore;
}

export interface Bundle {
  zip: Buffer;
  /** paths in the zip, sorted */
  files: string[];
}

interface Found {
  path: string;
  pkg: boolean;
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

export function bundleModule(input: BundleInput): Bundle {
  const dirs = [...input.utilsDirs, join(input.core.root, 'module_utils')];
  const files = new Map<string, Buffer>();
  const find = (parts: string[]): Found | undefined => {
    if (parts.length === 0) return undefined;
    for (const d of dirs) {
      const f = join(d, ...parts) + '.py';
      if (isFile(f)) return { path: f, pkg: false };
      const i = join(d, ...parts, '__init__.py');
      if (isFile(i)) return { path: i, pkg: true };
    }
    return undefined;
  };
  const zipPath = (parts: string[], pkg: boolean) => ['ansible', 'module_utils', ...parts].join('/') + (pkg ? '/__init__.py' : '.py');
  const queue: { parts: string[]; found: Found }[] = [];
  const add = (parts: string[], found: Found) => {
    const zp = zipPath(parts, found.pkg);
    if (files.has(zp)) return;
    files.set(zp, readFileSync(found.path));
    for (let k = 1; k < parts.length; k++) {
      const pp = zipPath(parts.slice(0, k), true);
      if (files.has(pp)) continue;
      const init = dirs.map((d) => join(d, ...parts.slice(0, k), '__init__.py')).find(isFile);
      files.set(pp, init ? readFileSync(init) : Buffer.alloc(0));
    }
    queue.push({ parts, found });
  };
  const missing = (what: string, from: string): KbsError =>
    new KbsError('NOT_FOUND', `module ${input.name}: ansible.module_utils.${what} (imported by ${from}) not found`, {
      pos: { file: input.file },
      hint: `looked in ${dirs.join(', ')}`,
    });
  /** a module (parts) and, for a from-import, the names that may be submodules */
  const want = (base: string[], names: string[] | undefined, optional: boolean, from: string) => {
    if (names && names.length) {
      let needBase = false;
      for (const n of names) {
        const sub = n === '*' ? undefined : find([...base, n]);
        if (sub) add([...base, n], sub);
        else if (base.length === 0) {
          if (!optional) throw missing(n, from);
        } else needBase = true;
      }
      if (!needBase) return;
    }
    for (let k = base.length; k > 0; k--) {
      const f = find(base.slice(0, k));
      if (f) return add(base.slice(0, k), f); // `six.moves`: a name inside six
    }
    if (base.length && !optional) throw missing(base.join('.'), from);
  };
  const scan = (source: string, from: string, pkgParts: string[] | undefined) => {
    for (const imp of findImports(source)) {
      if (imp.kind === 'import') {
        const p = imp.module.split('.');
        if (p[0] === 'ansible' && p[1] === 'module_utils') want(p.slice(2), undefined, imp.nested, from);
        else if (p[0] === 'ansible_collections' && !imp.nested) throw collections(input, imp.module);
        continue;
      }
      if (imp.level > 0) {
        if (!pkgParts) continue; // relative imports of the module itself are not module_utils
        const base = pkgParts.slice(0, pkgParts.length - (imp.level - 1));
        if (imp.level - 1 > pkgParts.length) continue;
        want([...base, ...(imp.module ? imp.module.split('.') : [])], imp.names, imp.nested, from);
        continue;
      }
      const p = imp.module.split('.');
      if (p[0] === 'ansible' && p[1] === 'module_utils') want(p.slice(2), imp.names, imp.nested, from);
      else if (imp.module === 'ansible' && imp.names.includes('module_utils')) continue;
      else if (p[0] === 'ansible_collections' && !imp.nested) throw collections(input, imp.module);
    }
  };
  scan(input.source.toString('utf8'), input.file, undefined);
  want(['basic'], undefined, false, input.file);
  while (queue.length) {
    const { parts, found } = queue.shift()!;
    scan(readFileSync(found.path, 'utf8'), found.path, found.pkg ? parts : parts.slice(0, -1));
  }
  const init = dirs.map((d) => join(d, '__init__.py')).find(isFile);
  files.set('ansible/module_utils/__init__.py', init ? readFileSync(init) : Buffer.alloc(0));
  files.set(
    'ansible/__init__.py',
    Buffer.from(`from pkgutil import extend_path\n__path__ = extend_path(__path__, __name__)\n__version__ = ${JSON.stringify(input.core.version)}\n__author__ = 'Ansible, Inc.'\n`),
  );
  files.set('ansible/modules/__init__.py', Buffer.alloc(0));
  files.set(`ansible/modules/${input.name}.py`, input.source);
  return { zip: makeZip(files), files: [...files.keys()].sort() };
}

function collections(input: BundleInput, mod: string): KbsError {
  return new KbsError('SCHEMA', `module ${input.name} imports ${mod}: code from collections (ansible_collections) is not supported by kbs`, {
    pos: { file: input.file },
    hint: 'kbs bundles ansible.module_utils from ansible-core and module_utils/ folders only; copy the code into a module_utils/ folder beside the playbook',
  });
}
