/** The shell words that run a command under a time limit on the host (exec channels and the remote shell). */
import { shq } from './shell.js';

/**
 * `/bin/sh -c SCRIPT kbs-timeout CMD`: CMD runs under coreutils `timeout -s KILL`, which kills the
 * command's whole process group (not only the shell) when time is up; hosts without `timeout` just
 * run CMD and rely on kbs. The limit is a little later than kbs's own timer, so that kbs normally
 * sees the timeout first.
 */
export function timeoutScript(cmd: string, timeoutMs: number): string {
  const secs = ((timeoutMs + 200) / 1000).toFixed(3);
  const script = `command -v timeout >/dev/null 2>&1 && exec timeout -s KILL ${secs} /bin/sh -c "$1"; exec /bin/sh -c "$1"`;
  return `/bin/sh -c ${shq(script)} kbs-timeout ${shq(cmd)}`;
}

/**
 * How long after a command's limit kbs waits for the host's `timeout` to end it before giving up
 * on it itself (a host without `timeout`, or a hung one). Generous: on a loaded host starting the
 * command can take a while, and the host's `timeout` only starts counting then.
 */
export const BACKSTOP_MS = 5000;
