/** `kbs apply INVENTORY`: bring the cluster described by the inventory to its wanted state. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import { addRunOptions, runCommand, type RunFlags } from './run.js';

/** The playbook `apply` runs: playbooks/cluster.yml shipped with kbs. */
export function clusterPlaybook(): string {
  const here = dirname(new URL(import.meta.url).pathname);
  for (const p of [resolve(here, '../../playbooks/cluster.yml'), resolve(here, '../../../playbooks/cluster.yml')]) if (existsSync(p)) return p;
  return resolve(here, '../../playbooks/cluster.yml');
}

export function registerApply(program: Command, io: CliIO, setCode: (c: number) => void): void {
  addRunOptions(
    program
      .command('apply')
      .argument('<inventory>', 'inventory file describing the cluster')
      .description('converge the cluster in the inventory (runs playbooks/cluster.yml)'),
  ).action(async (inventory: string, flags: RunFlags) => {
    setCode(await runCommand(clusterPlaybook(), { ...flags, inventory: [inventory, ...(flags.inventory ?? [])] }, io));
  });
}
