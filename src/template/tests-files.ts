/**
 * Ansible's file tests (ansible/plugins/test/files.py): Python's os.path checks on the
 * workstation, where templates are rendered. `~` is not expanded, as in Ansible; a value that is
 * not a string is an error, as os.path's TypeError is.
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isStr, pyStr, pyType, templateError } from './python.js';

type PathTest = (value: unknown, ...args: unknown[]) => boolean;

function path(name: string, v: unknown): string {
  if (!isStr(v)) throw templateError(`the '${name}' test expects a path (a string), got ${pyType(v)}`);
  return pyStr(v);
}

function stat(p: string, follow: boolean) {
  try {
    return follow ? statSync(p) : lstatSync(p);
  } catch {
    return undefined;
  }
}

/** os.path.ismount: a mount point is a folder whose device differs from its parent's, or the same inode (/). */
function isMount(p: string): boolean {
  const s = stat(p, false);
  if (!s || s.isSymbolicLink() || !s.isDirectory()) return false;
  const parent = stat(join(p, '..'), false);
  if (!parent) return false;
  return s.dev !== parent.dev || s.ino === parent.ino;
}

function sameFile(a: string, b: string): boolean {
  const x = statSync(a);
  const y = statSync(b);
  return x.dev === y.dev && x.ino === y.ino;
}

const tests: Record<string, PathTest> = {
  exists: (v) => existsSync(path('exists', v)),
  link_exists: (v) => stat(path('link_exists', v), false) !== undefined,
  file: (v) => stat(path('file', v), true)?.isFile() ?? false,
  directory: (v) => stat(path('directory', v), true)?.isDirectory() ?? false,
  link: (v) => stat(path('link', v), false)?.isSymbolicLink() ?? false,
  abs: (v) => isAbsolute(path('abs', v)),
  mount: (v) => isMount(path('mount', v)),
  same_file: (v, other) => {
    const a = path('same_file', v);
    const b = path('same_file', other);
    try {
      return sameFile(a, b);
    } catch (e) {
      // os.path.samefile raises when either path is missing
      throw templateError(`same_file: ${(e as Error).message}`);
    }
  },
};

/** The file tests with Ansible's aliases (is_file, is_dir, is_link, is_abs, is_same_file, is_mount). */
export const FILE_TESTS: Record<string, PathTest> = {
  ...tests,
  is_file: tests.file,
  is_dir: tests.directory,
  is_link: tests.link,
  is_abs: tests.abs,
  is_same_file: tests.same_file,
  is_mount: tests.mount,
};

