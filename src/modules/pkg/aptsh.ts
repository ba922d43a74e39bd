/**
 * Shell pieces shared by the apt-family modules: the environment apt wants for parsable,
 * non-interactive runs, and a wrapper that waits for the dpkg/apt locks instead of failing.
 */
import { shq } from '../../transport/shell.js';

/** as Ansible's apt module: noninteractive, C locale (output is parsed) */
export const APT_ENV =
  'export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LC_ALL=C LANG=C LC_MESSAGES=C\n' +
  'export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"\n';

/** messages of apt-get and dpkg when another process holds a lock */
export const LOCK_MESSAGES = ['Could not get lock', 'Unable to acquire the dpkg frontend lock', 'dpkg frontend lock', 'is locked by another process', 'Unable to lock directory'];

/**
 * `kbs_lockwait CMD...` runs CMD; while it fails because a dpkg/apt lock is held, it retries
 * every second until `timeoutSec` has passed, then returns the last failure. stdout streams
 * through; stderr of the last attempt is passed on.
 */
export function lockWaitFunction(timeoutSec: number): string {
  const pats = LOCK_MESSAGES.map((m) => `-e ${shq(m)}`).join(' ');
  return [
    'kbs_lockwait() {',
    `  _kdl=$(( $(date +%s) + ${Math.max(0, Math.floor(timeoutSec))} ))`,
    '  while :; do',
    '    _ke=$(mktemp) || return 1',
    '    "$@" 2>"$_ke"; _krc=$?',
    `    if [ "$_krc" -ne 0 ] && grep -q ${pats} "$_ke" && [ "$(date +%s)" -lt "$_kdl" ]; then rm -f "$_ke"; sleep 1; continue; fi`,
    '    cat "$_ke" >&2; rm -f "$_ke"; return "$_krc"',
    '  done',
    '}',
    '',
  ].join('\n');
}

/**
 * policy_rc_d: while the command runs, /usr/sbin/policy-rc.d exits with CODE (101 = services
 * are not started by package scripts); an existing file is put back afterwards.
 */
export function policyRcdWrap(code: number | undefined, body: string): string {
  if (code === undefined) return body;
  return [
    'kbs_prc=/usr/sbin/policy-rc.d; kbs_prcb=""',
    'if [ -e "$kbs_prc" ]; then kbs_prcb=$(mktemp -d) && mv -f -- "$kbs_prc" "$kbs_prcb/p"; fi',
    `printf '#!/bin/sh\\nexit %s\\n' ${Math.floor(code)} > "$kbs_prc" && chmod 0755 "$kbs_prc"`,
    `kbs_prc_restore() { rm -f -- "$kbs_prc"; if [ -n "$kbs_prcb" ]; then mv -f -- "$kbs_prcb/p" "$kbs_prc"; rmdir "$kbs_prcb"; fi; }`,
    'trap kbs_prc_restore EXIT',
    body,
  ].join('\n');
}
