/**
 * The files of a role part (tasks/, handlers/, defaults/, vars/, meta/), found as Ansible 2.14's
 * Role._load_role_yaml finds them: `main` is tried as main.yml, main.yaml, main.json, then main;
 * a name given with *_from is tried bare first, then with those extensions. The first path that
 * exists wins. defaults/ and vars/ may name a folder instead of a file: its files are merged in
 * name order (subfolders without an extension searched too; hidden files, backups ending in ~
 * and other extensions skipped). tasks/, handlers/ and meta/ take files only, as in Ansible.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

function kind(p: string): 'file' | 'dir' | undefined {
  try {
    // no exception for a missing path: most of the names tried do not exist
    const st = statSync(p, { throwIfNoEntry: false });
    return st?.isDirectory() ? 'dir' : st?.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** the files of a folder part, in Ansible's order (sorted names, depth first) */
function folderFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    const k = kind(full);
    if (k === 'dir' && !ext) out.push(...folderFiles(full));
    else if (k === 'file' && (!ext || EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/**
 * The files for role part `sub` of the role at `rolePath`: [] when absent. `from` is the
 * *_from name (undefined: main); `allowDir` lets a folder stand for the file (defaults, vars).
 */
export function roleFiles(rolePath: string, sub: string, from: string | undefined, allowDir: boolean): string[] {
  const base = join(rolePath, sub, from ?? 'main');
  const exts = from === undefined ? [...EXTENSIONS, ''] : ['', ...EXTENSIONS];
  for (const ext of exts) {
    const p = base + ext;
    const k = kind(p);
    if (k === 'file') return [p];
    if (k === 'dir') {
      if (allowDir) return folderFiles(p);
      continue;
    }
  }
  return [];
}
