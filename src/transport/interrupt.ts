/**
 * Stopping what kbs started on a host when the run is interrupted. Without a terminal on the
 * channel nothing tells a remote process that kbs went away (no SIGHUP; `cat` sees end of input,
 * `sleep` sees nothing), so kbs signals the processes itself:
 *
 * - every command kbs runs starts with a comment line holding the run's tag (`#kbs-run-…`), and
 *   every long-lived shell has the tag among its arguments, so the tag is in the command line of
 *   the first process of each process group kbs makes (sshd's session, `timeout`, sudo's pty);
 *   a command with a process of its own runs in a subshell of the tagged shell (tagProcess), so
 *   that a final `exec` does not take the tag away;
 * - on interrupt kbs runs stopScript over a fresh exec channel, as each become user the
 *   connection used and then as the login user: it finds the processes whose command line holds
 *   the tag and signals their whole process groups (children included).
 *
 * The script's own command line does not hold the tag (it is built from two halves), and it
 * spares its own process group.
 */
import { randomBytes } from 'node:crypto';
import { shq } from './shell.js';

/** A tag unique to one run. */
export function newRunTag(): string {
  return `kbs-run-${randomBytes(8).toString('hex')}`;
}

/** CMD with the run's tag on a comment line of its own (no effect on what CMD does). */
export function tagCommand(cmd: string, tag: string | undefined): string {
  return tag ? `#${tag}\n${cmd}` : cmd;
}

/**
 * CMD tagged for a `/bin/sh -c` of its own (an exec channel, a local process): CMD runs in a
 * subshell, so the tagged shell stays while CMD runs even when CMD ends in `exec` (the command
 * module's form), which would otherwise replace the only process holding the tag. The exit status
 * is CMD's.
 */
export function tagProcess(cmd: string, tag: string | undefined): string {
  return tag ? `#${tag}\n(\n${cmd}\n)\nexit $?` : cmd;
}

export type StopSignal = 'TERM' | 'KILL';

/**
 * sh script: signal SIG to the process group of every process whose command line holds TAG, and
 * print how many groups it signalled. Needs /proc (Linux); elsewhere it signals nothing.
 */
export function stopScript(tag: string, sig: StopSignal): string {
  const half = Math.floor(tag.length / 2);
  return [
    `m=${shq(tag.slice(0, half))}; m="$m"${shq(tag.slice(half))}`,
    'read -r s < /proc/$$/stat || exit 0',
    'set -- ${s##*) }; me=$3; g=',
    'for f in $(grep -l -s -F -e "$m" /proc/[0-9]*/cmdline); do',
    '  read -r s 2>/dev/null < "${f%/cmdline}/stat" || continue',
    '  set -- ${s##*) }',
    '  [ "$3" = "$me" ] || [ "$3" -le 1 ] && continue',
    '  case " $g " in *" $3 "*) ;; *) g="$g $3" ;; esac',
    'done',
    `n=0; for x in $g; do kill -s ${sig} -- "-$x" 2>/dev/null && n=$((n+1)); done`,
    'echo "$n"',
    '',
  ].join('\n');
}

/** The number of process groups the stop scripts that ran report (failed runs count none). */
export function countStopped(runs: PromiseSettledResult<{ rc: number; stdout: string }>[]): number {
  let n = 0;
  for (const r of runs) if (r.status === 'fulfilled' && r.value.rc === 0) n += Number(r.value.stdout.trim()) || 0;
  return n;
}
