/**
 * What command, shell, raw and script share: their arguments declared once; creates/removes as a
 * probe and a pure plan (skip, or the command as the one change); running the command through
 * the change seam and Ansible's result of it.
 */
import { shq } from '../../transport/shell.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { nowMicros, pyDateTime, pyDelta, splitLines } from './args.js';
import { change, type Plan } from './change.js';
import type { ArgSpec } from './declare.js';
import { expandPath } from './paths.js';
import { argWord } from './words.js';

export { argWord };

/** The command line (free form or cmd) and where and whether it runs: command, shell, script. */
export const RUN_ARGS = {
  _raw_params: { type: 'str', aliases: ['cmd'] },
  chdir: { type: 'str' },
  creates: { type: 'str' },
  removes: { type: 'str' },
  executable: { type: 'str' },
} as const satisfies Record<string, ArgSpec>;

/** command and shell: also the command's stdin and how its output is trimmed */
export const COMMAND_ARGS = {
  ...RUN_ARGS,
  stdin: { type: 'str' },
  stdin_add_newline: { type: 'bool', default: true },
  strip_empty_ends: { type: 'bool', default: true },
} as const satisfies Record<string, ArgSpec>;

interface CommandArgsRead {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

/** What a command module runs and how it reports it. */
export interface CommandSpec {
  /** the /bin/sh snippet to run */
  script: string;
  /** what the result's `cmd` shows: a list for command, the string for shell/raw */
  display: string[] | string;
  stdin?: string;
  /** strip trailing newlines of stdout/stderr (strip_empty_ends) */
  strip: boolean;
  chdir?: string;
  creates?: string;
  removes?: string;
}

/** The parts of the spec that command and shell read alike from their args. */
export function commandOptions(a: CommandArgsRead): Omit<CommandSpec, 'script' | 'display'> {
  return {
    // Ansible's stdin_add_newline
    stdin: a.stdin === undefined ? undefined : a.stdin_add_newline ? a.stdin + '\n' : a.stdin,
    strip: a.strip_empty_ends,
    chdir: a.chdir,
    creates: a.creates,
    removes: a.removes,
  };
}

/** Marker the chdir prelude prints on stderr when the folder is missing. */
export const CHDIR_FAILED = 'kbs: chdir failed';

const RUN = 'run the command';

/** The snippet that runs: chdir, then the command. */
function commandLine(c: CommandSpec): string {
  return chdirPrelude(c.chdir) + c.script;
}

/** `cd DIR` that reports a missing folder with a recognisable marker. */
export function chdirPrelude(dir: string | undefined): string {
  if (!dir) return '';
  return `cd -- ${argWord(dir, true)} 2>/dev/null || { echo ${shq(CHDIR_FAILED)} >&2; exit 1; }\n`;
}

/**
 * The creates/removes probe, run on the host after chdir with glob patterns as Ansible's
 * glob.glob: one line each, 1 when the path exists. Empty when neither is given (no round trip).
 */
export function createsRemovesProbe(c: CommandSpec): string {
  if (c.creates === undefined && c.removes === undefined) return '';
  const probe = (p: string) => `( IFS=; set -- ${globWord(p)}; [ -e "$1" ] || [ -L "$1" ] ) && echo 1 || echo 0`;
  const cd = c.chdir ? `cd -- ${argWord(c.chdir, true)} 2>/dev/null || exit 0\n` : '';
  return `${cd}${probe(c.creates ?? '')}\n${probe(c.removes ?? '')}\n`;
}

/**
 * The plan from the probe's output: skipped by creates/removes, or the command as the one change.
 * The result is what is reported when nothing runs (check mode: Ansible's partial support).
 */
export function planCommand(c: CommandSpec, probe: string, check: boolean): Plan {
  const [created, removable] = probe.trim().split('\n');
  const would = check ? 'Would' : 'Did';
  const skip = (stdout: string, msg: string): Plan => ({
    result: { changed: false, rc: 0, stdout, stdout_lines: [stdout], stderr: '', stderr_lines: [], msg: `${would} not run command since ${msg}`, ...NOT_RUN, cmd: c.display },
    changes: [],
  });
  if (c.creates !== undefined && created === '1') return skip(`skipped, since ${c.creates} exists`, `'${c.creates}' exists`);
  if (c.removes !== undefined && removable !== '1') return skip(`skipped, since ${c.removes} does not exist`, `'${c.removes}' does not exist`);
  const result: ModuleResult = { changed: true, cmd: c.display, rc: 0, stdout: '', stdout_lines: [], stderr: '', stderr_lines: [], msg: 'Command would have run if not in check mode', ...NOT_RUN };
  if (c.creates === undefined && c.removes === undefined) Object.assign(result, { changed: false, skipped: true });
  return { result, changes: [{ description: RUN, command: commandLine(c) }] };
}

/** creates and removes expanded on the host as Ansible's `path` arguments */
export async function expandPaths(ctx: ModuleContext, c: CommandSpec): Promise<CommandSpec> {
  return { ...c, creates: await expandPath(ctx, c.creates), removes: await expandPath(ctx, c.removes) };
}

/** command and shell: probe creates/removes, plan, and run the command unless in check mode. */
export async function runCommand(ctx: ModuleContext, c: CommandSpec): Promise<ModuleResult> {
  const probe = createsRemovesProbe(c);
  const plan = planCommand(c, probe ? (await ctx.run(probe)).stdout : '', ctx.check);
  if (!plan.changes.length) return plan.result;
  return (await runAndReport(ctx, c)) ?? plan.result;
}

/** A glob pattern as an sh word: quoted except for the glob characters * ? [ ] so the host expands them. */
function globWord(p: string): string {
  if (p === '') return "''";
  return p
    .split(/([*?[\]])/)
    .map((part) => (/^[*?[\]]$/.test(part) ? part : part === '' ? '' : shq(part)))
    .join('');
}

/**
 * Run the command (after chdir) through the change seam and build Ansible's result: rc,
 * stdout(_lines), stderr(_lines), cmd, start, end, delta, msg. Undefined in check mode.
 */
export async function runAndReport(ctx: ModuleContext, spec: CommandSpec): Promise<ModuleResult | undefined> {
  const t0 = nowMicros();
  const r = await change(ctx, RUN, commandLine(spec), { keepFailure: true, ...(spec.stdin === undefined ? {} : { stdin: spec.stdin }) });
  if (!r) return undefined;
  const t1 = nowMicros();
  let stdout = r.stdout;
  let stderr = r.stderr;
  if (spec.strip) {
    stdout = stdout.replace(/[\r\n]+$/, '');
    stderr = stderr.replace(/[\r\n]+$/, '');
  }
  const res: ModuleResult = {
    changed: true,
    rc: r.rc,
    stdout,
    stderr,
    cmd: spec.display,
    start: pyDateTime(t0),
    end: pyDateTime(t1),
    delta: pyDelta((t1 - t0) / 1000),
    msg: '',
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
  };
  if (spec.chdir && r.rc === 1 && r.stderr.startsWith(CHDIR_FAILED)) {
    return { changed: false, failed: true, rc: 1, msg: `Unable to change directory before execution: ${spec.chdir} does not exist or is not a folder` };
  }
  if (r.rc !== 0) {
    res.failed = true;
    res.msg = 'non-zero return code';
  }
  return res;
}

/** start, end and delta of a command that did not run: None in Ansible's result */
const NOT_RUN = { start: null, end: null, delta: null };
