/** Running apt-get on the host: environment, lock wait, policy-rc.d, an optional simulation first. */
import type { ModuleContext, ModuleResult } from '../types.js';
import { splitLines } from '../util/args.js';
import { APT_ENV, lockWaitFunction, policyRcdWrap } from './aptsh.js';
import { changesDiff, parseSimulation, preparedDiff } from './aptcmd.js';

const REAL = '@@kbs-apt-real@@';

export interface AptRun {
  rc: number;
  stdout: string;
  stderr: string;
  /** output of the simulation run first (for --diff) */
  simulated?: string;
}

export async function runApt(
  ctx: ModuleContext,
  cmd: string,
  o: { lockTimeout: number; policyRcD?: number; simulateFirst?: string; after?: string },
): Promise<AptRun> {
  let body = '';
  if (o.simulateFirst) body += `${o.simulateFirst} 2>/dev/null\necho '${REAL}'\n`;
  body += `kbs_lockwait ${cmd}\nkbs_rc=$?\n`;
  if (o.after) body += `[ $kbs_rc -eq 0 ] && { ${o.after}; }\n`;
  body += 'exit $kbs_rc\n';
  const r = await ctx.run(APT_ENV + lockWaitFunction(o.lockTimeout) + policyRcdWrap(o.policyRcD, body));
  let stdout = r.stdout;
  let simulated: string | undefined;
  if (o.simulateFirst) {
    const at = stdout.indexOf(REAL + '\n');
    if (at >= 0) {
      simulated = stdout.slice(0, at);
      stdout = stdout.slice(at + REAL.length + 1);
    }
  }
  return { rc: r.rc, stdout, stderr: r.stderr, simulated };
}

/** stdout/stderr keys as Ansible adds them */
export function outputs(stdout: string, stderr: string): ModuleResult {
  return { changed: false, stdout, stderr, stdout_lines: splitLines(stdout), stderr_lines: splitLines(stderr) };
}

/** the --diff entry: affected packages with versions, and Ansible's `prepared` text */
export function aptDiff(simOut: string | undefined, realOut: string): ModuleResult['diff'] {
  if (simOut === undefined) return undefined;
  const d = changesDiff(parseSimulation(simOut));
  return Object.assign(d, { prepared: preparedDiff(realOut) });
}
