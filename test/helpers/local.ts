/** Run small playbooks against hosts that use the local connection (no SSH), for engine tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kbs, type KbsRun } from './kbs.js';
import { tempDir } from './tmp.js';

export { tempDir };

/** Write inventory + playbook (YAML text) into a temp dir, run `kbs run`, return the run. */
export async function runLocal(
  playbook: string,
  opts: { inventory?: string; args?: string[]; files?: Record<string, string>; dir?: string } = {},
): Promise<KbsRun & { dir: string }> {
  const dir = opts.dir ?? tempDir();
  const inv =
    opts.inventory ??
    `all:
  vars:
    ansible_connection: local
  children:
    web:
      hosts:
        w1: {}
        w2: {}
    db:
      hosts:
        d1: {}
`;
  writeFileSync(join(dir, 'inventory.yml'), inv);
  writeFileSync(join(dir, 'site.yml'), playbook);
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    const p = join(dir, name);
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  const r = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml'), ...(opts.args ?? [])]);
  return { ...r, dir };
}
