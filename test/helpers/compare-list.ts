/** ansible-playbook and kbs on the same files with --list-tasks (or --list-hosts): both outputs. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePlaybook } from './ansible.js';
import { LOCAL_INVENTORY, writeTree } from './compare-debug.js';
import { kbs } from './kbs.js';

/** `files` written to a fresh folder (with inventory.ini), site.yml listed by both; `args` added to both */
export async function listBoth(files: Record<string, string>, args: string[] = ['--list-tasks']): Promise<{ ansible: string; kbs: string }> {
  const dir = writeTree({ 'inventory.ini': LOCAL_INVENTORY, ...files });
  try {
    const argv = [...args, '-i', join(dir, 'inventory.ini'), join(dir, 'site.yml')];
    const a = await ansiblePlaybook(argv, dir, { ANSIBLE_CONFIG: join(dir, 'ansible.cfg') });
    assert.equal(a.code, 0, a.out);
    const k = await kbs(['run', ...argv]);
    assert.equal(k.code, 0, k.stderr);
    return { ansible: a.out, kbs: k.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
