/**
 * `kbs apply INVENTORY`: validate, lock the cluster, read the nodes, decide (the version contract),
 * run playbooks/cluster.yml with the plan, then keep the nodes' records on the workstation.
 */
import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { loadPlaybook } from '../load/playbook.js';
import type { Playbook } from '../load/model.js';
import { explainPlan } from '../kube/explain.js';
import { loadCluster, planCluster, type Planned } from '../cluster/plan.js';
import { saveAppliedRecords } from '../cluster/records.js';
import { ClusterLock } from '../state/lock.js';
import { ConnectionPool } from '../transport/pool.js';
import { SharedPool } from '../transport/shared.js';
import { builtinRolesDir, clusterPlaybook } from '../util/assets.js';
import type { CliIO } from './io.js';
import { renderError } from './render.js';
import { addRunOptions, execute, exitCodeOf, toRunOptions, type RunFlags } from './run.js';

interface ApplyFlags extends RunFlags {
  forceUnlock?: boolean;
}

export function registerApply(program: Command, io: CliIO, setCode: (c: number) => void): void {
  addRunOptions(
    program
      .command('apply')
      .argument('<inventory>', 'inventory file describing the cluster')
      .description('bring the cluster in the inventory to a working kubeadm cluster (runs playbooks/cluster.yml with the plan)'),
  )
    .option('--force-unlock', 'remove the cluster lock of another kbs apply first (when its holder is gone)')
    .action(async (inventory: string, flags: ApplyFlags) => {
      setCode(await apply(inventory, flags, io));
    });
}

export async function apply(inventory: string, flags: ApplyFlags, io: CliIO): Promise<number> {
  let lock: ClusterLock | undefined;
  let shared: SharedPool | undefined;
  try {
    const opts = toRunOptions(flags);
    const l = loadCluster([inventory, ...(flags.inventory ?? [])], opts.extraVars);
    // one set of connections for the lock, reading the nodes, the playbook, the records and the unlock
    shared = new SharedPool(new ConnectionPool(opts.transport));
    const load = () => loadPlaybook(clusterPlaybook(), { rolesPath: opts.rolesPath, builtinRolesDir: builtinRolesDir() });
    if (flags.syntaxCheck) {
      io.stdout(`\nplaybook: ${load().file}\n`);
      return EXIT.OK;
    }
    const quiet = flags.output === 'json';
    // The nodes are read (nothing on them changes) while the cluster playbook loads: the loading
    // happens once the logins are made and the read's commands sent, while the nodes answer them.
    // The lock is taken once the playbook has loaded (a playbook that does not load stops the apply
    // before anything changes), still while the nodes are read. A lock held by another apply is the
    // refusal reported, whatever the reading found. When another apply let go of the lock while
    // the nodes were being read, that read may hold its half-done changes: the nodes are read
    // again, under the lock.
    const started = Date.now();
    const reading = planCluster(l, opts, shared);
    reading.catch(noop); // settled below
    await Promise.race([shared.settled(), reading.then(noop, noop)]);
    let pb: Playbook;
    try {
      pb = load();
    } catch (e) {
      await reading.catch(noop);
      throw e;
    }
    if (!opts.check) lock = new ClusterLock(l.inv, opts, l.spec.controlPlanes[0], shared);
    const [locked, read] = await Promise.allSettled([lock?.acquire(!!flags.forceUnlock), reading]);
    if (locked.status === 'rejected') throw locked.reason;
    if (locked.value) io.stderr(`warning: ${locked.value}\n`);
    const again = lock?.releasedSince(started) === true;
    if (read.status === 'rejected' && !again) throw read.reason;
    if (again) io.stderr(`warning: another kbs apply let go of the cluster lock on ${l.spec.controlPlanes[0]} while the nodes were read; read them again\n`);
    const planned = again ? await planCluster(l, opts, shared) : (read as PromiseFulfilledResult<Planned>).value;
    if (quiet) io.stdout(JSON.stringify({ type: 'kbs_plan', plan: planned.plan, vars: planned.vars }) + '\n');
    else io.stdout(explainPlan(planned.plan, planned.ips, planned.vars.kbs_plan.endpoint) + '\n');
    // the facts read with the nodes serve the playbook's fact gathering (Ansible's smart gathering)
    const runOpts = { ...opts, extraVars: { ...opts.extraVars, ...planned.vars }, knownFacts: planned.gathered.facts };
    const summary = await execute(pb, l.inv, runOpts, flags.output ?? 'auto', io, undefined, shared.lease());
    const code = exitCodeOf(summary);
    if (!opts.check && code !== EXIT.SIGINT && code !== EXIT.SIGTERM) {
      const records = await saveAppliedRecords(l, opts, shared, { stats: summary.stats, obs: planned.gathered.obs });
      if (quiet) io.stdout(JSON.stringify({ type: 'kbs_summary', records, kubeconfig: l.kubeconfig }) + '\n');
      else io.stdout(summaryText(l.kubeconfig, records, planned.vars.kbs_plan, code));
    }
    return code;
  } catch (e) {
    return renderError(e, io);
  } finally {
    if (lock) await lock.release().catch((e: unknown) => io.stderr(`warning: the cluster lock was not released: ${(e as Error).message}\n`));
    await shared?.close();
  }
}

function noop(): void {}

function summaryText(kubeconfig: string, records: Record<string, { version: string; action: string }>, plan: { nodes: Record<string, Record<string, unknown>> }, code: number): string {
  const lines = ['', code === EXIT.OK ? 'cluster ready' : 'the apply did not complete (see above); run kbs apply again after fixing it', ''];
  for (const [name, n] of Object.entries(plan.nodes)) {
    const r = records[name];
    lines.push(`  ${name}  ${n.role}  kubelet ${n.kubelet_version}  kubeadm ${r ? `${r.version} (${r.action})` : 'no record'}`);
  }
  lines.push('', `kubeconfig: ${kubeconfig}`, `next: kubectl --kubeconfig ${kubeconfig} get nodes`, '');
  return lines.join('\n');
}

