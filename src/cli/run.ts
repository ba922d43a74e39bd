/** `kbs run PLAYBOOK -i INVENTORY`: run an Ansible-syntax playbook. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { KbsError, EXIT } from '../errors.js';
import { runPlaybook, type RunSummary } from '../engine/run.js';
import type { EngineEvent } from '../engine/events.js';
import { defaultRunOptions, type RunOptions } from '../engine/options.js';
import { builtinRolesDir } from '../util/assets.js';
import { checkSelection, startAtError } from '../engine/selection.js';
import { loadInventory } from '../inventory/load.js';
import { DEFAULT_INVENTORY, isHostList } from '../inventory/hostlist.js';
import { checkConnectionVars } from '../inventory/connvars.js';
import { resolvePattern } from '../inventory/pattern.js';
import { setMaxYamlSize } from '../yaml/limits.js';
import { loadPlaybook } from '../load/playbook.js';
import type { BlockNode, Node, Playbook } from '../load/model.js';
import type { Inventory } from '../inventory/types.js';
import { createTemplater } from '../template/index.js';
import { ConnectionPool } from '../transport/pool.js';
import type { Pool } from '../engine/context.js';
import { jsonView } from '../report/json.js';
import { plainView } from '../report/plain.js';
import { ttyView } from '../report/tty.js';
import type { CliIO } from './io.js';
import { renderError } from './render.js';
import { parseExtraVars } from './extra-vars.js';
import { checkBecomeConfig, readAnsibleConfig, type AnsibleConfig } from './ansible-config.js';
import { setPluginPaths } from '../load/library.js';

export interface RunFlags {
  inventory?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  check?: boolean;
  diff?: boolean;
  extraVars?: string[];
  forks?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string;
  verbose?: number;
  output?: string;
  rolesPath?: string[];
  acceptNewHostKeys?: boolean;
  connectTimeout?: string;
  knownHosts?: string;
  /** false with --no-remote-shell */
  remoteShell?: boolean;
  maxYamlSize?: string;
  user?: string;
  /** --private-key (alias --key-file) */
  keyFile?: string;
  connection?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const commaList = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** The options shared by `run` and `apply`. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <file>', 'inventory file or folder (repeatable)', collect)
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern (a:b, a:&b, a:!b, globs)')
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma-separated, repeatable)', commaList)
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', commaList)
    .option('-C, --check', 'check mode: report what would change, change nothing')
    .option('-D, --diff', 'show the changes made (or that would be made) to files')
    .option('-e, --extra-vars <vars>', 'k=v pairs, a YAML/JSON mapping, or @file.yml (repeatable; highest precedence)', collect)
    .option('-f, --forks <n>', 'hosts worked on at once per task (default: forks in ansible.cfg, else 50)')
    .option('--list-hosts', 'list the hosts each play would run on, then stop')
    .option('--list-tasks', 'list the tasks each play would run, then stop')
    .option('--syntax-check', 'load and validate everything, contact no host')
    .option('--start-at-task <name>', 'start at the first task with this name (globs allowed)')
    .option('-v, --verbose', 'more output (-vv, -vvv)', (_v: string, prev: number) => prev + 1, 0)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['auto', 'tty', 'plain', 'json']).default('auto'))
    .option('--roles-path <dir>', 'extra folder to find roles in (repeatable)', collect)
    .option('--accept-new-host-keys', "add unknown host keys to known_hosts (OpenSSH's accept-new); changed keys still fail")
    .option('--connect-timeout <seconds>', 'SSH connect timeout (default: timeout in ansible.cfg, else 10)')
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .option('--no-remote-shell', 'run every remote command in its own SSH exec channel instead of a long-lived shell per host (slower)')
    .option('--max-yaml-size <size>', 'largest YAML file read, e.g. 32M (default 4M, or KBS_MAX_YAML_SIZE)')
    .option('-u, --user <name>', "connect as this user where the inventory and the play set none (ansible-playbook's -u; default: remote_user in ansible.cfg)")
    .option('--private-key, --key-file <file>', 'SSH private key for hosts whose inventory names none (default: private_key_file in ansible.cfg)')
    .option('-c, --connection <type>', 'connection for hosts and plays that set none: ssh (default) or local')
    .option('-b, --become', 'become (sudo) for every task that does not say otherwise')
    .option('--become-user <name>', 'the user to become (default root)')
    .option('--become-method <method>', 'sudo, the only method kbs has');
}

export function registerRun(program: Command, io: CliIO, setCode: (c: number) => void): void {
  addRunOptions(program.command('run').argument('<playbook>', 'playbook file').description('run an Ansible-syntax playbook against an inventory')).action(
    async (playbook: string, flags: RunFlags) => {
      setCode(await runCommand(playbook, flags, io));
    },
  );
}

/** RunOptions from the flags, with ansible.cfg (and ANSIBLE_* variables) for what the flags leave unset. */
export function toRunOptions(flags: RunFlags, cfg: AnsibleConfig = readAnsibleConfig({ env: process.env })): RunOptions {
  const forks = Number(flags.forks ?? cfg.forks ?? 50);
  if (!Number.isInteger(forks) || forks < 1) throw new KbsError('USAGE', `--forks must be a positive integer, got "${flags.forks ?? cfg.forks}"`);
  setMaxYamlSize(flags.maxYamlSize);
  const timeout = Number(flags.connectTimeout ?? cfg.timeout ?? 10);
  if (!(timeout > 0)) throw new KbsError('USAGE', `--connect-timeout must be a positive number of seconds, got "${flags.connectTimeout ?? cfg.timeout}"`);
  if (flags.becomeMethod !== undefined && flags.becomeMethod !== 'sudo') {
    throw new KbsError('USAGE', `--become-method ${flags.becomeMethod}: kbs becomes with sudo only`, { hint: 'leave --become-method out, or give sudo' });
  }
  const connection = flags.connection ?? cfg.transport;
  if (connection !== undefined && !['ssh', 'local', 'smart', 'paramiko'].includes(connection)) {
    throw new KbsError('USAGE', `--connection ${connection} is not a connection kbs has`, { hint: 'ssh (also smart, paramiko) or local' });
  }
  checkBecomeConfig(cfg);
  return {
    ...defaultRunOptions(),
    check: !!flags.check,
    diff: !!flags.diff,
    forks,
    limit: flags.limit,
    tags: flags.tags ?? [],
    skipTags: flags.skipTags ?? [],
    extraVars: parseExtraVars(flags.extraVars ?? []),
    startAtTask: flags.startAtTask,
    verbosity: flags.verbose ?? 0,
    rolesPath: (flags.rolesPath ?? []).map((p) => resolve(p)),
    privateRoleVars: cfg.privateRoleVars,
    showCustomStats: cfg.showCustomStats,
    actionWarnings: cfg.actionWarnings,
    deprecationWarnings: cfg.deprecationWarnings,
    configFile: cfg.file,
    remoteUser: flags.user ?? cfg.remoteUser,
    privateKeyFile: flags.keyFile ? resolve(flags.keyFile) : cfg.privateKeyFile,
    connection: connection === 'local' ? 'local' : undefined,
    become: flags.become || cfg.become,
    becomeUser: flags.becomeUser ?? cfg.becomeUser,
    becomeFlags: cfg.becomeFlags,
    becomeExe: cfg.becomeExe,
    transport: {
      connectTimeout: timeout,
      // host_key_checking = False: unknown keys are accepted (and recorded); changed keys still fail
      acceptNewHostKeys: !!flags.acceptNewHostKeys || !cfg.hostKeyChecking,
      knownHostsFile: flags.knownHosts ? resolve(flags.knownHosts) : undefined,
      remoteShell: flags.remoteShell !== false,
    },
  };
}

/** Load everything and validate; nothing touches a host here. */
export function prepare(playbook: string, flags: RunFlags, warn?: (msg: string) => void): { pb: Playbook; inv: Inventory; opts: RunOptions } {
  const cfg = readAnsibleConfig({ env: process.env });
  const opts = toRunOptions(flags, cfg);
  // roles_path of ansible.cfg after --roles-path (kbs apply's own roles do not search it)
  opts.rolesPath = [...opts.rolesPath, ...cfg.rolesPath];
  setPluginPaths(cfg.library, cfg.moduleUtils);
  checkConnectionVars(opts.extraVars, '-e', () => undefined);
  const pbFile = resolve(playbook);
  // as Ansible: without -i the inventory of ansible.cfg, else its default source if present, else only the implicit localhost
  const given = flags.inventory?.length ? flags.inventory : (cfg.inventory ?? (existsSync(DEFAULT_INVENTORY) ? [DEFAULT_INVENTORY] : []));
  opts.inventorySources = given.map((p) => (isHostList(p) ? p : resolve(p)));
  const inv = loadInventory(opts.inventorySources, { extraVarsDirs: [dirname(pbFile)] });
  if (given.length === 0) inv.warnings = ['No inventory was parsed, only implicit localhost is available', ...(inv.warnings ?? [])];
  inv.warnings = [...cfg.warnings, ...(inv.warnings ?? [])];
  // shown now: the checks below may refuse the run, and the warnings may say why
  if (warn) {
    for (const w of inv.warnings) warn(w);
    inv.warnings = [];
  }
  const pb = loadPlaybook(pbFile, { rolesPath: opts.rolesPath, builtinRolesDir: builtinRolesDir() });
  checkSelection(pb, inv, opts, createTemplater({ lookupBase: dirname(pbFile) }));
  return { pb, inv, opts };
}

export async function runCommand(playbook: string, flags: RunFlags, io: CliIO): Promise<number> {
  try {
    const { pb, inv, opts } = prepare(playbook, flags, (w) => io.stderr(`[WARNING]: ${w}\n`));
    if (flags.syntaxCheck) {
      io.stdout(`\nplaybook: ${playbook}\n`);
      return EXIT.OK;
    }
    if (flags.listHosts || flags.listTasks) {
      listPlays(pb, inv, opts, io, !!flags.listHosts, !!flags.listTasks);
      return EXIT.OK;
    }
    const summary = await execute(pb, inv, opts, flags.output ?? 'auto', io);
    if (summary.startAtUnmatched !== undefined) return renderError(startAtError(summary.startAtUnmatched), io);
    return exitCodeOf(summary);
  } catch (e) {
    return renderError(e, io);
  }
}

export async function execute(pb: Playbook, inv: Inventory, opts: RunOptions, output: string, io: CliIO, extraEmit?: (e: EngineEvent) => void, pool?: Pool): Promise<RunSummary> {
  // the live view needs room; a terminal that reports no width gets plain lines
  const roomy = (io.columns ?? 80) >= 40;
  // a vars_prompt question is asked on the terminal: plain lines then, not the live view
  const asks = !!io.ask && pb.plays.some((p) => p.varsPrompt?.some((q) => !Object.prototype.hasOwnProperty.call(opts.extraVars, q.name)));
  const format = output === 'auto' ? (io.isTTY && roomy && !asks ? 'tty' : 'plain') : output;
  const ask = io.ask;
  if (ask) {
    opts = {
      ...opts,
      prompter: async (q) => {
        for (;;) {
          const first = await ask(q.msg, q.private);
          if (!q.confirm) return first;
          if ((await ask(`confirm ${q.msg}`, q.private)) === first) return first;
          io.stderr('***** VALUES ENTERED DO NOT MATCH ****\n');
        }
      },
    };
  }
  let view: (e: EngineEvent) => void;
  let done: () => Promise<void> = async () => undefined;
  if (format === 'json') view = jsonView(io.stdout);
  else if (format === 'tty') {
    const v = ttyView(io.stdout, { verbosity: opts.verbosity, diff: opts.diff, showCustomStats: opts.showCustomStats });
    view = v.view;
    done = v.done;
  } else view = plainView(io.stdout, { verbosity: opts.verbosity, diff: opts.diff, showCustomStats: opts.showCustomStats });
  const emit = (e: EngineEvent) => {
    view(e);
    extraEmit?.(e);
  };
  const templater = createTemplater({ lookupBase: dirname(pb.file), warn: (msg) => emit({ type: 'warning', msg }) });
  pool ??= new ConnectionPool(opts.transport);
  // SIGINT/SIGTERM interrupt the run (the engine stops and signals the remote commands)
  const stop = new AbortController();
  const off = io.onSignal?.((sig) => {
    if (!stop.signal.aborted) stop.abort(sig);
  });
  try {
    const summary = await runPlaybook(pb, inv, opts, { templater, pool, emit, signal: stop.signal });
    await done();
    return summary;
  } finally {
    off?.();
  }
}

export function exitCodeOf(s: RunSummary): number {
  if (s.interrupted !== undefined) return s.interrupted === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
  const all = Object.values(s.stats);
  if (s.refused.length) return EXIT.REFUSED;
  if (all.some((x) => x.failed > 0)) return EXIT.FAILED;
  if (all.some((x) => x.unreachable > 0)) return EXIT.UNREACHABLE;
  return EXIT.OK;
}

/**
 * A task's name as ansible-playbook --list-tasks prints it: "role : name" for a named task of a
 * role (an include_role keeps its bare name), the module for an unnamed task.
 */
function listedName(n: Exclude<Node, BlockNode>): string {
  if (n.kw.name === undefined) return n.kind === 'task' ? (n.action ?? n.module) : n.kind;
  if (n.kind === 'include_role') return n.kw.name;
  return n.role ? `${n.role.name} : ${n.kw.name}` : n.kw.name;
}

function listPlays(pb: Playbook, inv: Inventory, opts: RunOptions, io: CliIO, hosts: boolean, tasks: boolean): void {
  io.stdout(`\nplaybook: ${pb.file}\n`);
  const limited = opts.limit ? new Set(resolvePattern(inv, opts.limit).hosts) : undefined;
  const templater = createTemplater({ lookupBase: dirname(pb.file) });
  pb.plays.forEach((play, i) => {
    // as ansible-playbook: hosts and name templated with the play's vars and the extra vars
    const shown = (v: string) => {
      try {
        return String(templater.render(v, { ...play.vars, ...opts.extraVars }, { pos: play.pos }));
      } catch {
        return v;
      }
    };
    const pattern = shown(play.hosts);
    // as ansible-playbook: the play's tags as a set joined by ",", a task's sorted and joined by ", "
    io.stdout(`\n  play #${i + 1} (${pattern}): ${shown(play.name)}\tTAGS: [${[...new Set(play.tags)].join(',')}]\n`);
    if (hosts) {
      const hs = resolvePattern(inv, pattern).hosts.filter((h) => !limited || limited.has(h));
      io.stdout(`    pattern: ['${pattern}']\n    hosts (${hs.length}):\n`);
      for (const h of hs) io.stdout(`      ${h}\n`);
    }
    if (tasks) {
      io.stdout('    tasks:\n');
      const walk = (nodes: Node[], tags: string[]) => {
        for (const n of nodes) {
          const t = [...tags, ...(n.kw.tags ?? [])];
          // as ansible-playbook, a block's rescue and always tasks are not listed
          if (n.kind === 'block') walk(n.block, t);
          else io.stdout(`      ${listedName(n)}\tTAGS: [${[...new Set(t)].sort().join(', ')}]\n`);
        }
      };
      walk([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks], play.tags);
    }
  });
}
