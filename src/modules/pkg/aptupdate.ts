/** `apt-get update` with the lock wait and Ansible's retries (exponential back-off, capped). */
import { APT_ENV, lockWaitFunction } from './aptsh.js';

export function updateScript(retries: number, maxDelay: number, lockTimeout = 60): string {
  const n = Math.max(1, Math.floor(retries));
  const cap = Math.max(1, Math.floor(maxDelay));
  return [
    APT_ENV + lockWaitFunction(lockTimeout),
    'kbs_try=0; kbs_err=$(mktemp)',
    'while :; do',
    '  kbs_lockwait apt-get -q update >/dev/null 2>"$kbs_err"; kbs_urc=$?',
    `  if [ $kbs_urc -eq 0 ] && grep -q -e '^W: Failed to fetch' -e '^W: Some index files failed' -e '^E:' "$kbs_err"; then kbs_urc=100; fi`,
    `  kbs_try=$((kbs_try + 1)); if [ $kbs_urc -eq 0 ] || [ $kbs_try -ge ${n} ]; then break; fi`,
    `  kbs_d=$((1 << kbs_try)); [ $kbs_d -gt ${cap} ] && kbs_d=${cap}; sleep $kbs_d`,
    'done',
    'cat "$kbs_err" >&2; rm -f "$kbs_err"',
    'exit $kbs_urc',
    '',
  ].join('\n');
}
