/** systemctl in one round trip: `show` properties plus `is-enabled`, and the journal tail of a failed unit. */
import { shq } from '../../transport/shell.js';
import type { ExecResult } from '../../transport/types.js';

export interface UnitState {
  /** every property `systemctl show` printed (Ansible's `status`) */
  status: Record<string, string>;
  /** `systemctl is-enabled` output (first line) and rc */
  isEnabled: string;
  isEnabledRc: number;
  /** the host runs systemd (/run/systemd/system exists) */
  systemd: boolean;
}

/** `systemctl --user` etc. for scope system/user/global */
export function systemctlCmd(scope: string | undefined): string {
  if (scope === 'user') return 'systemctl --user';
  if (scope === 'global') return 'systemctl --global';
  return 'systemctl';
}

/** A script printing the show block, then `@@E\t<rc>\t<is-enabled line>` and `@@S\t0|1`. */
export function queryScript(unit: string, scope?: string): string {
  const sc = systemctlCmd(scope);
  const u = shq(unit);
  const show = scope === 'global' ? '' : `LC_ALL=C ${sc} show -- ${u} 2>/dev/null`;
  return [
    show,
    // its first line, without a pipe and `head` (sh: a quoted newline in the pattern)
    `e=$(${sc} is-enabled -- ${u} 2>/dev/null); printf '@@E\\t%s\\t%s\\n' "$?" "\${e%%"\n"*}"`,
    `[ -d /run/systemd/system ] && echo '@@S\t1' || echo '@@S\t0'`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function parseQuery(out: string): UnitState {
  const status: Record<string, string> = {};
  let isEnabled = '';
  let isEnabledRc = 1;
  let systemd = false;
  // Ansible's parse_systemctl_show: only Exec* values in { } may span lines
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('@@E\t')) {
      const [, rc, val] = line.split('\t');
      isEnabledRc = Number(rc);
      isEnabled = (val ?? '').trim();
    } else if (line.startsWith('@@S\t')) systemd = line.endsWith('1');
    else if (key !== undefined) {
      multi.push(line);
      if (line.trimEnd().endsWith('}')) {
        status[key] = multi.join('\n').trim();
        key = undefined;
        multi = [];
      }
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multi = [v];
      } else status[k] = v.trim();
    }
  }
  return { status, isEnabled, isEnabledRc, systemd };
}

/** Ansible's is_running_service / is_deactivating_service */
export const isRunning = (s: Record<string, string>) => s.ActiveState === 'active' || s.ActiveState === 'activating';
export const isDeactivating = (s: Record<string, string>) => s.ActiveState === 'deactivating';

/** Ansible's reading of `systemctl is-enabled`: rc 0 is enabled unless the output is indirect/alias. */
export function enabledOf(q: UnitState): boolean {
  if (q.isEnabledRc === 0) return q.isEnabled !== 'indirect' && q.isEnabled !== 'alias';
  return false;
}

/**
 * The script of `systemctl ACTION UNIT`; for start/restart/reload it also checks that the unit did not fail
 * right away (a Type=simple unit is "started" as soon as it forks). On failure, the result's
 * `journal` holds the last journal lines of the unit.
 */
export function actionScript(sc: string, action: string, unit: string): string {
  const u = shq(unit);
  const lines = [`${sc} ${action} -- ${u}`, 'rc=$?'];
  if (['start', 'restart', 'reload', 'try-restart', 'reload-or-restart'].includes(action)) {
    lines.push(
      // simple/exec units: give a process that dies at once a moment to do so
      `if [ $rc -eq 0 ]; then t=$(${sc} show -p Type --value -- ${u} 2>/dev/null); case "$t" in simple|exec|idle) sleep 0.5;; esac;` +
        ` a=$(${sc} show -p ActiveState --value -- ${u} 2>/dev/null); [ "$a" = failed ] && rc=3; fi`,
    );
  }
  lines.push(
    `if [ $rc -ne 0 ]; then echo '@@J'; journalctl ${sc.includes('--user') ? '--user-unit' : '-u'} ${u} -n 20 --no-pager 2>&1 | tail -n 20; fi`,
    'exit $rc',
  );
  return lines.join('\n');
}

export interface ActionOutcome {
  rc: number;
  stderr: string;
  journal: string;
}

/** What a failed actionScript reports: its rc, systemctl's stderr and the journal tail. */
export function actionOutcome(r: ExecResult): ActionOutcome {
  const at = r.stdout.indexOf('@@J\n');
  const journal = at >= 0 ? r.stdout.slice(at + 4).trimEnd() : '';
  return { rc: r.rc, stderr: r.stderr.trim(), journal };
}

/** The one failure message: what failed, systemctl's own words, then the journal tail. */
export function actionFailure(action: string, unit: string, o: ActionOutcome): string {
  let msg = `Unable to ${action} service ${unit}`;
  const err = o.stderr.split('\n')[0];
  msg += err ? `: ${err}` : o.rc === 3 ? ': the unit failed right after starting' : '';
  if (o.journal && o.journal !== '-- No entries --') msg += `\nLast lines of its journal:\n${o.journal}`;
  return msg;
}
