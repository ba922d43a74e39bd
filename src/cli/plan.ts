/**
 * `kbs plan INVENTORY`: what kbs apply would do, changing nothing — for every node the kubeadm
 * version, the action and why, then the cluster playbook in check mode with diff.
 * `--output vars` prints only the playbook's variables (for ansible-playbook -e @plan.json).
 */
import { Option, type Command } from 'commander';
import { EXIT } from '../errors.js';
import { builtinRolesDir, clusterPlaybook } from '../util/assets.js';
import { loadPlaybook } from '../load/playbook.js';
import { explainPlan } from '../kube/explain.js';
import { loadCluster, planCluster } from '../cluster/plan.js';
import type { CliIO } from './io.js';
import { renderError } from './render.js';
import { execute, exitCodeOf, toRunOptions, type RunFlags } from './run.js';
import { addConnectionOptions } from './connection-options.js';

export function registerPlan(program: Command, io: CliIO, setCode: (c: number) => void): void {
  addConnectionOptions(
    program
      .command('plan')
      .argument('<inventory>', 'inventory file describing the cluster')
      .description('show what kbs apply would do and why, changing nothing')
      .addOption(new Option('-o, --output <format>', 'text, json, or vars (the playbook variables only)').choices(['text', 'json', 'vars']).default('text'))
      .option('--no-check-run', 'only the decisions: skip the check-mode run of the cluster playbook'),
  ).action(async (inventory: string, flags: RunFlags & { output: string; checkRun: boolean }) => {
    setCode(await plan(inventory, flags, io));
  });
}

async function plan(inventory: string, flags: RunFlags & { output: string; checkRun: boolean }, io: CliIO): Promise<number> {
  try {
    const opts = toRunOptions({ ...flags, output: undefined });
    const l = loadCluster([inventory, ...(flags.inventory ?? [])], opts.extraVars);
    const pb = loadPlaybook(clusterPlaybook(), { rolesPath: opts.rolesPath, builtinRolesDir: builtinRolesDir() });
    const planned = await planCluster(l, opts);
    if (flags.output === 'vars') {
      io.stdout(JSON.stringify(planned.vars, null, 2) + '\n');
      return EXIT.OK;
    }
    if (flags.output === 'json') io.stdout(JSON.stringify({ type: 'kbs_plan', plan: planned.plan, vars: planned.vars, nodeIps: planned.ips }) + '\n');
    else io.stdout(explainPlan(planned.plan, planned.ips, planned.vars.kbs_plan.endpoint) + '\n');
    if (!flags.checkRun) return EXIT.OK;
    const summary = await execute(pb, l.inv, { ...opts, check: true, diff: true, extraVars: { ...opts.extraVars, ...planned.vars } }, flags.output === 'json' ? 'json' : 'plain', io);
    return exitCodeOf(summary);
  } catch (e) {
    return renderError(e, io);
  }
}
