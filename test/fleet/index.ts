/**
 * The fleet: real Debian 12 machines booted with systemd-nspawn for the e2e tests.
 *   const info = await up(3);          // machines ID-1..ID-3, key, known_hosts, apt repo, release URL
 *   await ssh('kbs-1', 'hostname');    // {rc, stdout, stderr}
 *   await writeInventory('inv.yml', {control_plane: ['kbs-1'], workers: ['kbs-2', 'kbs-3']});
 *   await faults.pause('kbs-2'); await faults.resume('kbs-2');
 *   await down();
 * Every function takes {id} (default env KBS_FLEET_ID or "kbs").
 */
import { KbsError } from '../../src/errors.js';
import { status, type FleetOptions } from './fleet.js';
import { writeInventory as writeInventoryFile } from './inventory.js';

export { up, down, status, ssh, type FleetInfo, type FleetStatus, type MachineStatus, type UpOptions, type FleetOptions } from './fleet.js';
export { inventoryYaml } from './inventory.js';
export { findLeftovers, isClean, type Leftovers } from './cleanup.js';
export { paths } from './config.js';
export * as faults from './faults.js';

/** write an Ansible YAML inventory of the running fleet to `path` (atomically) */
export async function writeInventory(path: string, groups: Record<string, string[]> = {}, opts: FleetOptions = {}): Promise<void> {
  const s = await status(opts);
  if (!s.info || s.status !== 'up') throw new KbsError('STATE', `fleet "${s.id}" is not up`, { hint: 'run "up N" first' });
  writeInventoryFile(path, s.info, groups);
}
