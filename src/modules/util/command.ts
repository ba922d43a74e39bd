/** What command, shell and raw share: building the snippet, creates/removes, the result. */
import { expandPath } from './paths.js';
import { shq } from '../../transport/shell.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { optStr, pyDateTime, pyDelta, splitLines, toBool } from './args.js';
import { argWord } from './words.js';

export { argWord };

/** Marker the chdir prelude prints on stderr when the folder is missing. */
export const CHDIR_FAILED = 'kbs: chdir failed';

/** `cd DIR` that reports a missing folder with a recognisable marker. */
export function chdirPrelude(dir: string | undefined): string {
  if (!dir) return '';
  return `cd -- ${argWord(dir, true)} 2>/dev/null || { echo ${shq(CHDIR_FAILED)} >&2; exit 1; }\n`;
}

/**
 * creates/removes: returns a result that skips the command, or undefined to go on. The check
 * runs on the host (after chdir), with glob patterns as Ansible's glob.glob.
 */
export async function createsRemoves(ctx: ModuleContext, args: Record<string, unknown>): Promise<ModuleResult | undefined> {
  const creates = await expandPath(ctx, optStr(args, 'creates'));
  const removes = await expandPath(ctx, optStr(args, 'removes'));
  if (creates === undefined && removes === undefined) return undefined;
  const chdir = optStr(args, 'chdir');
  const probe = (p: string) => `( IFS=; set -- ${globWord(p)}; [ -e "$1" ] || [ -L "$1" ] ) && echo 1 || echo 0`;
  let script = chdir ? `cd -- ${argWord(chdir, true)} 2>/dev/null || exit 0\n` : '';
  script += `${probe(creates ?? '')}\n${probe(removes ?? '')}\n`;
  const r = await ctx.run(script);
  const [c, rm] = r.stdout.trim().split('\n');
  const would = ctx.check ? 'Would' : 'Did';
  if (creates !== undefined && c === '1') {
    return { changed: false, rc: 0, stdout: `skipped, since ${creates} exists`, stdout_lines: [`skipped, since ${creates} exists`], stderr: '', stderr_lines: [], msg: `${would} not run command since '${creates}' exists`, ...NOT_RUN };
  }
  if (removes !== undefined && rm !== '1') {
    return { changed: false, rc: 0, stdout: `skipped, since ${removes} does not exist`, stdout_lines: [`skipped, since ${removes} does not exist`], stderr: '', stderr_lines: [], msg: `${would} not run command since '${removes}' does not exist`, ...NOT_RUN };
  }
  return undefined;
}

/** A glob pattern as an sh word: quoted except for the glob characters * ? [ ] so the host expands them. */
function globWord(p: string): string {
  if (p === '') return "''";
  return p
    .split(/([*?[\]])/)
    .map((part) => (/^[*?[\]]$/.test(part) ? part : part === '' ? '' : shq(part)))
    .join('');
}

export interface RunSpec {
  /** the /bin/sh snippet to run */
  script: string;
  /** what the result's `cmd` shows: a list for command, the string for shell/raw */
  display: string[] | string;
  stdin?: string;
  /** strip trailing newlines of stdout/stderr (strip_empty_ends) */
  strip: boolean;
  chdir?: string;
}

/** Run and build Ansible's result: rc, stdout(_lines), stderr(_lines), cmd, start, end, delta, msg. */
export async function runAndReport(ctx: ModuleContext, spec: RunSpec): Promise<ModuleResult> {
  const t0 = new Date();
  const r = await ctx.run(chdirPrelude(spec.chdir) + spec.script, spec.stdin === undefined ? {} : { stdin: spec.stdin });
  const t1 = new Date();
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
    delta: pyDelta(t1.getTime() - t0.getTime()),
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

/** stdin with Ansible's stdin_add_newline (default true). */
export function stdinOf(args: Record<string, unknown>): string | undefined {
  const s = optStr(args, 'stdin');
  if (s === undefined) return undefined;
  return toBool(args.stdin_add_newline, true, 'stdin_add_newline') ? s + '\n' : s;
}

/** Check mode for command/shell when creates/removes did not skip (Ansible's partial support). */
export function checkModeResult(args: Record<string, unknown>, cmd: unknown): ModuleResult {
  const r: ModuleResult = { changed: true, cmd, rc: 0, stdout: '', stdout_lines: [], stderr: '', stderr_lines: [], msg: 'Command would have run if not in check mode', ...NOT_RUN };
  if (args.creates === undefined && args.removes === undefined) Object.assign(r, { changed: false, skipped: true });
  return r;
}

/** start, end and delta of a command that did not run: None in Ansible's result */
const NOT_RUN = { start: null, end: null, delta: null };
