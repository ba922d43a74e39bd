/**
 * `kbs versions INVENTORY`: per node the recorded kubeadm version, action and time, the record's
 * source, the kubeadm binaries installed and the kubelet, and every disagreement. Rebuilds the
 * workstation state (.kbs/state.json) from the nodes' records.
 */
import { Option, type Command } from 'commander';
import { EXIT } from '../errors.js';
import { loadCluster } from '../cluster/plan.js';
import { saveRecords } from '../cluster/records.js';
import { versionsText } from '../kube/versions.js';
import type { CliIO } from './io.js';
import { renderError } from './render.js';
import { toRunOptions, type RunFlags } from './run.js';
import { addConnectionOptions } from './connection-options.js';

export function registerVersions(program: Command, io: CliIO, setCode: (c: number) => void): void {
  addConnectionOptions(
    program
      .command('versions')
      .argument('<inventory>', 'inventory file describing the cluster')
      .description("show each node's kubeadm record, installed versions and disagreements")
      .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text')),
  ).action(async (inventory: string, flags: RunFlags & { output: string }) => {
    try {
      const opts = toRunOptions({ ...flags, output: undefined });
      const l = loadCluster([inventory, ...(flags.inventory ?? [])], opts.extraVars);
      const saved = await saveRecords(l, opts);
      if (flags.output === 'json') io.stdout(JSON.stringify({ nodes: saved.rows, state: l.stateFile, rebuilt: saved.rebuilt }, null, 2) + '\n');
      else {
        io.stdout(versionsText(saved.rows));
        if (saved.rebuilt) io.stdout(`\nthe workstation state was missing: rebuilt ${l.stateFile} from the nodes' records\n`);
      }
      setCode(saved.rows.some((r) => !r.reachable) ? EXIT.UNREACHABLE : EXIT.OK);
    } catch (e) {
      setCode(renderError(e, io));
    }
  });
}
