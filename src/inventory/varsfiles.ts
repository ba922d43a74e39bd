/**
 * group_vars/ and host_vars/ folders, read as Ansible's host_group_vars plugin does: for a name N,
 * the files N, N.yml, N.yaml, N.json (in that order), or a folder N/ whose files (no extension,
 * .yml, .yaml, .json; hidden files and backups~ skipped) are read recursively in lexical order.
 * Later files win per top-level key. Each folder is listed once, not probed per host.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Node } from 'yaml';
import { KbsError } from '../errors.js';
import type { Vars } from './types.js';
import { parseYaml, posAt, readYamlText } from '../yaml/read.js';
import { checkConnectionVars } from './connvars.js';
import { copyOrigins, recordMapOrigins } from './origins.js';

const EXTS = ['', '.yml', '.yaml', '.json'];

export class VarsDir {
  private readonly entries: Set<string>;

  /** `dir` is e.g. /inventory/group_vars; a missing folder holds nothing. */
  constructor(readonly dir: string) {
    this.entries = new Set(list(dir));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Vars for `name`, or undefined when no file matches. */
  varsFor(name: string): Vars | undefined {
    const files: string[] = [];
    for (const ext of EXTS) {
      if (!this.entries.has(name + ext)) continue;
      const full = join(this.dir, name + ext);
      if (isDir(full)) {
        if (ext === '') files.push(...dirFiles(full));
      } else files.push(full);
    }
    if (files.length === 0) return undefined;
    const out: Vars = {};
    for (const f of files) {
      const v = readVarsFile(f);
      Object.assign(out, v);
      copyOrigins(v, out);
    }
    return out;
  }
}

export function readVarsFile(file: string): Vars {
  const text = readYamlText(file);
  const yf = parseYaml(file, text);
  const v = yf.value;
  if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))) {
    throw new KbsError('SCHEMA', `${file} must hold a mapping of variables, not ${Array.isArray(v) ? 'a list' : typeof v}`, {
      pos: posAt(yf, []),
      hint: 'write one "name: value" per line',
    });
  }
  const vars = (v ?? {}) as Vars;
  recordMapOrigins(yf, yf.doc.contents as Node | null, vars);
  checkConnectionVars(vars, file);
  return vars;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function dirFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of list(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    if (isDir(full)) {
      if (!ext) out.push(...dirFiles(full));
    } else if (EXTS.includes(ext)) out.push(full);
  }
  return out;
}
