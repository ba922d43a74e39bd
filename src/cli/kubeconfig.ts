/** `kbs kubeconfig INVENTORY [-o FILE]`: the cluster's admin kubeconfig on the workstation (0600). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT, KbsError } from '../errors.js';
import { loadCluster } from '../cluster/plan.js';
import { runInternal } from '../engine/internal.js';
import type { CliIO } from './io.js';
import { renderError } from './render.js';
import { toRunOptions, type RunFlags } from './run.js';
import { addConnectionOptions } from './connection-options.js';

export function registerKubeconfig(program: Command, io: CliIO, setCode: (c: number) => void): void {
  addConnectionOptions(
    program
      .command('kubeconfig')
      .argument('<inventory>', 'inventory file describing the cluster')
      .description("copy the cluster's admin kubeconfig to the workstation (default .kbs/admin.conf beside the inventory)")
      .option('-o, --out <file>', 'where to write it'),
  ).action(async (inventory: string, flags: RunFlags & { out?: string }) => {
    try {
      const opts = toRunOptions({ ...flags, output: undefined });
      const l = loadCluster([inventory, ...(flags.inventory ?? [])], opts.extraVars);
      const dest = flags.out ? resolve(flags.out) : l.kubeconfig;
      let last = '';
      for (const cp of l.spec.controlPlanes) {
        const run = await runInternal('kubeconfig.yml', l.inv, opts, { kbs_kubeconfig_host: cp, kbs_kubeconfig: dest });
        const failed = [...run.events].find((e) => e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable'));
        if (!failed) {
          io.stdout(`${dest}\n  kubectl --kubeconfig ${dest} get nodes\n`);
          setCode(EXIT.OK);
          return;
        }
        last = failed.type === 'host_result' ? `${cp}: ${String(failed.result.msg ?? failed.status)}` : cp;
      }
      throw new KbsError('TASK', `no control plane gave its admin kubeconfig (${last})`, { hint: 'is the cluster initialised? run kbs apply INVENTORY' });
    } catch (e) {
      setCode(renderError(e, io));
    }
  });
}
