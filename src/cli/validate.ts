/** `kbs validate INVENTORY`: check a cluster inventory without contacting any host. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, KbsError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import { checkCluster } from '../kube/validate.js';
import type { ClusterSpec } from '../kube/spec.js';
import type { CliIO } from './io.js';
import { parseExtraVars } from './extra-vars.js';

interface ValidateFlags {
  inventory?: string[];
  extraVars?: string[];
  output?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerValidate(program: Command, io: CliIO, setCode: (c: number) => void): void {
  program
    .command('validate')
    .argument('<inventory>', 'inventory file or folder describing the cluster')
    .description('check a cluster inventory (groups, variables, versions, subnets) without contacting any host')
    .option('-i, --inventory <file>', 'more inventory files or folders (repeatable)', collect)
    .option('-e, --extra-vars <vars>', 'variables that override the inventory, as kbs apply -e takes them (key=value, YAML/JSON, or @file; repeatable)', collect)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['auto', 'plain', 'json']).default('auto'))
    .action((inventory: string, flags: ValidateFlags) => {
      setCode(validateCommand([inventory, ...(flags.inventory ?? [])], flags.output === 'json', io, flags.extraVars ?? []));
    });
}

export function validateCommand(paths: string[], json: boolean, io: CliIO, extra: string[] = []): number {
  let errors: KbsError[];
  let spec: ClusterSpec | undefined;
  try {
    ({ spec, errors } = checkCluster(loadInventory(paths.map((p) => resolve(p))), { extraVars: parseExtraVars(extra) }));
  } catch (e) {
    if (!(e instanceof KbsError)) throw e;
    errors = [e];
  }
  if (json) {
    io.stdout(JSON.stringify(spec ? { ok: true, spec } : { ok: false, errors: errors.map(toJson) }) + '\n');
  } else if (spec) {
    io.stdout(summary(spec) + '\n');
  } else {
    for (const e of errors) io.stderr(e.render() + '\n');
    if (errors.length > 1) io.stderr(`${errors.length} problems\n`);
  }
  return spec ? EXIT.OK : EXIT.INVALID;
}

/** "ok: 1 control plane, 2 workers, kubernetes v1.37.1" */
export function summary(s: ClusterSpec): string {
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  const parts = [n(s.controlPlanes.length, 'control plane', 'control planes'), n(s.workers.length, 'worker', 'workers')];
  if (s.loadbalancers.length) parts.push(n(s.loadbalancers.length, 'load balancer', 'load balancers'));
  return `ok: ${parts.join(', ')}, kubernetes ${s.kubernetesVersion}`;
}

function toJson(e: KbsError) {
  return { code: e.code, file: e.pos?.file, line: e.pos?.line, col: e.pos?.col, message: e.message, hint: e.hint };
}
