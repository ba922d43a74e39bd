/**
 * Ansible's one-off inventory forms on the command line: a comma-separated host list
 * (`-i host1,host2,` or `-i host1,`), read as Ansible's host_list plugin reads it, and the
 * default source used when no `-i` is given.
 */
import { existsSync } from 'node:fs';
import type { InventoryBuilder } from './builder.js';

/** Where Ansible looks when no inventory is given (its DEFAULT_HOST_LIST). */
export const DEFAULT_INVENTORY = '/etc/ansible/hosts';

/** True when `src` is a host list: it contains a comma and is not an existing path. */
export function isHostList(src: string): boolean {
  return src.includes(',') && !existsSync(src);
}

/** Add the hosts of a comma list to `ungrouped`; `host:port` sets ansible_port. */
export function readHostList(src: string, b: InventoryBuilder): void {
  for (const raw of src.split(',')) {
    const h = raw.trim();
    if (!h) continue;
    const m = /^\[([^\]]+)\]:([0-9]+)$/.exec(h) ?? /^([^:\[\]]+):([0-9]+)$/.exec(h);
    if (m) b.addHost('ungrouped', m[1], { ansible_port: parseInt(m[2], 10) }, { file: src });
    else b.addHost('ungrouped', h, undefined, { file: src });
  }
}
