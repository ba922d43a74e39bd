/**
 * Run one playbook under ansible-playbook and under kbs on the implicit local host (connection
 * local) and read back what each wrote: comparison tests of evaluation semantics. The playbook
 * gets `out` (a folder per tool) as an extra variable and writes its findings there.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ansiblePlaybook, parseRecap } from './ansible.js';
import { kbs } from './kbs.js';
import type { HostStats } from '../../src/engine/events.js';
import { tempDir } from './tmp.js';

export interface SideRun {
  code: number;
  out: string;
  recap: Record<string, HostStats>;
  /** file name -> content of what the playbook wrote under `out` */
  files: Record<string, string>;
}

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n';

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) files[name] = readFileSync(join(dir, name), 'utf8');
  return files;
}

/** Write the playbook and its FILES (relative paths) into a temp folder and run both tools. */
export async function compareFiles(playbook: string, files: Record<string, string> = {}): Promise<{ ansible: SideRun; kbs: SideRun; dir: string }> {
  const dir = tempDir('kbs-cmp-local-');
  writeFileSync(join(dir, 'inventory.yml'), INVENTORY);
  writeFileSync(join(dir, 'site.yml'), playbook);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const aOut = join(dir, 'out-ansible');
  const kOut = join(dir, 'out-kbs');
  mkdirSync(aOut);
  mkdirSync(kOut);
  const inv = join(dir, 'inventory.yml');
  const pb = join(dir, 'site.yml');
  const a = await ansiblePlaybook(['-i', inv, pb, '-e', `out=${aOut}`], dir);
  const k = await kbs(['run', pb, '-i', inv, '-e', `out=${kOut}`, '--output', 'plain']);
  return {
    dir,
    ansible: { code: a.code, out: a.out, recap: parseRecap(a.out), files: readTree(aOut) },
    kbs: { code: k.code, out: k.stdout + k.stderr, recap: parseRecap(k.stdout), files: readTree(kOut) },
  };
}

/** compareFiles where both tools must succeed (exit 0); a failure shows the end of that tool's output. */
export async function compareOk(playbook: string, files: Record<string, string> = {}): Promise<{ ansible: SideRun; kbs: SideRun; dir: string }> {
  const r = await compareFiles(playbook, files);
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-3000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-3000));
  return r;
}

/** The JSON file `name` both tools wrote, the same from each: Ansible's value. */
export function sameJson<T = unknown>(r: { ansible: SideRun; kbs: SideRun }, name: string): T {
  const a = JSON.parse(r.ansible.files[name]) as T;
  assert.deepEqual(JSON.parse(r.kbs.files[name]), a);
  return a;
}
