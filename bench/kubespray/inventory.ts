/**
 * Kubespray's sample inventory made usable: inventory/sample copied into a work folder, and its
 * inventory.ini rewritten with the example hosts the sample leaves commented out
 * (`# node1 ansible_host=95.54.0.12  # ip=10.3.0.1 etcd_member_name=etcd1` and `# node1` under a
 * group). Nothing is written into the checkout.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** the text of an inventory.ini with the sample's commented hosts enabled */
export function enableSampleHosts(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const host = /^#\s*(node\d+)(\s+ansible_host=\S+)?\s*(?:#\s*(.*))?$/.exec(line);
      if (!host) return line;
      return [host[1], host[2]?.trim(), host[3]?.trim()].filter(Boolean).join(' ');
    })
    .join('\n');
}

/** copy CHECKOUT/inventory/sample to WORK/sample and return the path of its inventory.ini */
export function sampleInventory(checkout: string, work: string): string {
  const sample = join(checkout, 'inventory/sample');
  const ini = join(sample, 'inventory.ini');
  if (!existsSync(ini)) throw new Error(`${ini} not found: give an inventory with --inventory`);
  const dest = join(work, 'sample');
  cpSync(sample, dest, { recursive: true });
  writeFileSync(join(dest, 'inventory.ini'), enableSampleHosts(readFileSync(ini, 'utf8')));
  return join(dest, 'inventory.ini');
}
