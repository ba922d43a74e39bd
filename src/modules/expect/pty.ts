/**
 * The host side of the expect module: the command run under a pseudo-terminal, and the lines it
 * reports to kbs on stderr, apart from the terminal's output.
 *
 * Why util-linux `script` makes the terminal: it is on every Linux host kbs targets (Debian's
 * bsdutils is Essential, RHEL's util-linux is in the base), it needs no Python and no native addon
 * on the workstation, and it runs the same way over ssh and on the local connection: the
 * transport only carries a plain stream (ExecOptions.talk), and `script` relays it to and from the
 * terminal. A terminal from sshd (an ssh2 exec with `pty: true`) would do only for ssh, and would
 * mix sudo's password prompt and kbs's become marker into the command's output; here sudo (become
 * as for any other module: transport/become.ts) runs outside the terminal, on plain pipes, and
 * only the command is inside it, as pexpect puts it in Ansible's module.
 *
 * The terminal is set as pexpect sets it: 24 rows of 80 columns, echo off unless `echo: true`.
 * The command is found on PATH as pexpect's which() finds it (an executable regular file) and run
 * with that path as its argv[0], never through a shell. The command's process id (the leader of
 * the terminal's session) goes to kbs on fd 3 (stderr), before the command starts, so that kbs can
 * stop it on the timeout (killScript). stdin is never closed by kbs while the command runs:
 * `script` would pass the end of input on as ^D.
 */
import { shq } from '../../transport/shell.js';
import { argWord } from '../util/words.js';

/** what starts the lines the script reports on stderr */
const TAG = 'kbs-expect:';

export interface PtyCommand {
  /** the command's words (splitCommandLine) */
  argv: string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  echo: boolean;
}

/** What the script reported: see ptyScript. */
export interface PtyReport {
  pid?: string;
  skip?: 'creates' | 'removes';
  /** errno of the failed chdir */
  chdir?: number;
  notFound?: boolean;
  noScript?: boolean;
}

/**
 * The sh script: cd to chdir, skip for creates/removes (paths expanded as Ansible's `path`
 * arguments, relative ones after chdir, as the module checks them after its os.chdir), find the
 * program, then `script` with the command. It reports on stderr, one `kbs-expect:` line each:
 * `chdir ERRNO`, `creates`, `removes`, `notfound`, `noscript`, and `pid N` once the terminal is up.
 */
export function ptyScript(c: PtyCommand): string {
  const inner = [
    `printf '${TAG}pid %s\\n' "$$" >&3; exec 3>&-`,
    // the command gets SHELL as it was (script needs /bin/sh to read this)
    'if [ "${KBS_EXPECT_SHELL+x}" ]; then SHELL=$KBS_EXPECT_SHELL; unset KBS_EXPECT_SHELL; else unset SHELL; fi',
    'p=$KBS_EXPECT_PROG; unset KBS_EXPECT_PROG',
    `stty ${c.echo ? 'echo' : '-echo'} rows 24 cols 80 2>/dev/null`,
    `exec "$p"${c.argv
      .slice(1)
      .map((a) => ` ${shq(a)}`)
      .join('')}`,
  ].join('\n');
  const lines = [`say() { printf '${TAG}%s\\n' "$1" >&2; }`];
  if (c.chdir) {
    lines.push(`d=${argWord(c.chdir, true)}`, `cd -- "$d" 2>/dev/null || { if [ ! -e "$d" ]; then say 'chdir 2'; elif [ ! -d "$d" ]; then say 'chdir 20'; else say 'chdir 13'; fi; exit 0; }`);
  }
  if (c.creates) lines.push(`if [ -e ${argWord(c.creates, true)} ]; then say creates; exit 0; fi`);
  if (c.removes) lines.push(`if [ ! -e ${argWord(c.removes, true)} ]; then say removes; exit 0; fi`);
  lines.push(
    // pexpect's which(): a path with a slash as it is, then each PATH entry (os.defpath when empty)
    `c=${shq(c.argv[0] ?? '')}; x=`,
    'case $c in */*) [ -f "$c" ] && [ -x "$c" ] && x=$c;; esac',
    'r=${PATH:-/bin:/usr/bin}',
    'while [ -z "$x" ]; do',
    '  d=${r%%:*}',
    '  case $c in /*) f=$c;; *) case $d in ""|*/) f=$d$c;; *) f=$d/$c;; esac;; esac',
    '  [ -f "$f" ] && [ -x "$f" ] && x=$f',
    '  [ "$r" = "$d" ] && break',
    '  r=${r#*:}',
    'done',
    '[ -n "$x" ] || { say notfound; exit 0; }',
    'command -v script >/dev/null 2>&1 || { say noscript; exit 0; }',
    'KBS_EXPECT_PROG=$x; export KBS_EXPECT_PROG',
    'if [ "${SHELL+x}" ]; then KBS_EXPECT_SHELL=$SHELL; export KBS_EXPECT_SHELL; fi',
    'SHELL=/bin/sh; export SHELL',
    `exec script -q -f -e -c ${shq(inner)} /dev/null 3>&2`,
  );
  return lines.join('\n') + '\n';
}

/** Stop the command: its whole process group (the terminal's session), then `script` sees it end. */
export function killScript(pid: string): string {
  return `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null; true`;
}

/** Reads the script's report lines from its stderr as they arrive; other text is kept apart. */
export class PtyReader {
  readonly report: PtyReport = {};
  private partial = '';
  /** stderr that is not a report line (script's or sudo's own messages) */
  other = '';

  /** Take a chunk of stderr; true when it completed the `pid` line. */
  feed(chunk: Buffer): boolean {
    this.partial += chunk.toString('utf8');
    let gotPid = false;
    for (let nl = this.partial.indexOf('\n'); nl >= 0; nl = this.partial.indexOf('\n')) {
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      if (!line.startsWith(TAG)) {
        this.other += line + '\n';
        continue;
      }
      const [what, arg] = line.slice(TAG.length).split(' ');
      if (what === 'pid' && /^\d+$/.test(arg ?? '')) {
        this.report.pid = arg;
        gotPid = true;
      } else if (what === 'creates' || what === 'removes') this.report.skip = what;
      else if (what === 'chdir') this.report.chdir = Number(arg);
      else if (what === 'notfound') this.report.notFound = true;
      else if (what === 'noscript') this.report.noScript = true;
    }
    return gotPid;
  }

  /** what was left without a newline at the end */
  rest(): string {
    return this.other + this.partial;
  }
}
