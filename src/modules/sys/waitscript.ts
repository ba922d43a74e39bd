/**
 * wait_for as one bash loop on the host (one exec however long the wait): a TCP connect through
 * bash's /dev/tcp under `timeout`, `ss` for drained, test -e / grep -P for paths.
 */
import { shq } from '../../transport/shell.js';

export interface WaitSpec {
  host: string;
  port?: number;
  path?: string;
  state: 'started' | 'stopped' | 'present' | 'absent' | 'drained';
  searchRegex?: string;
  timeout: number;
  delay: number;
  sleep: number;
  connectTimeout: number;
  excludeHosts: string[];
  activeStates: string[];
}

/** The snippet prints `OK\t<elapsed>` or `TIMEOUT\t<elapsed>` (plus `G\t<match>` for a regex hit). */
export function waitScript(s: WaitSpec): string {
  const H = shq(s.host);
  const P = String(s.port ?? 0);
  const rx = s.searchRegex === undefined ? '' : shq(s.searchRegex);
  let check: string;
  if (s.path !== undefined) {
    const p = shq(s.path);
    if (s.state === 'absent') check = `[ ! -e ${p} ]`;
    else if (rx) check = `[ -r ${p} ] && grep -Pzq -e ${rx} -- ${p} 2>/dev/null && m=$(grep -Pzo -m 1 -e ${rx} -- ${p} 2>/dev/null | tr -d '\\000' | head -c 4000; true)`;
    else check = `[ -e ${p} ]`;
  } else if (s.state === 'drained') {
    const states = s.activeStates.map((x) => `state ${ssState(x)}`).join(' ');
    const excl = s.excludeHosts.map((h) => ` and not dst ${h}`).join('');
    check = `[ -z "$(ss -Htan ${states} '( sport = :${P}${excl} )' 2>/dev/null)" ]`;
  } else {
    const connect = `timeout ${s.connectTimeout} bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ ${H} ${P} 2>/dev/null`;
    if (s.state === 'stopped') check = `! ${connect}`;
    else if (rx) {
      check = `m=$(timeout ${s.connectTimeout} bash -c 'exec 3<>"/dev/tcp/$1/$2" && timeout 1 cat <&3' _ ${H} ${P} 2>/dev/null | grep -Pzo -m 1 -e ${rx} | tr -d '\\000' | head -c 4000) && [ -n "$m" ]`;
    } else check = connect;
  }
  return [
    'start=$(date +%s%N)',
    `el() { echo $(( ($(date +%s%N) - start) / 1000000 )); }`,
    `sleep ${s.delay}`,
    'now() { echo $(( $(date +%s%N) / 1000000 )); }',
    `end=$(( $(now) + ${Math.round(s.timeout * 1000)} ))`,
    'while :; do',
    `  if ${check}; then [ -n "\${m:-}" ] && printf 'G\\t%s\\n' "$(printf '%s' "$m" | head -c 2000 | tr '\\n' '\\001')"; printf 'OK\\t%s\\n' "$(el)"; exit 0; fi`,
    `  [ "$(now)" -ge "$end" ] && { printf 'TIMEOUT\\t%s\\n' "$(el)"; exit 0; }`,
    `  sleep ${s.sleep}`,
    'done',
  ].join('\n');
}

/** Ansible's timeout messages. */
export function timeoutMessage(s: WaitSpec): string {
  const hp = `${s.host}:${s.port}`;
  if (s.path !== undefined) {
    if (s.state === 'absent') return `Timeout when waiting for ${s.path} to be absent.`;
    if (s.searchRegex !== undefined) return `Timeout when waiting for search string ${s.searchRegex} in ${s.path}`;
    return `Timeout when waiting for file ${s.path}`;
  }
  if (s.state === 'stopped') return `Timeout when waiting for ${hp} to stop.`;
  if (s.state === 'drained') return `Timeout when waiting for ${hp} to drain`;
  if (s.searchRegex !== undefined) return `Timeout when waiting for search string ${s.searchRegex} in ${hp}`;
  return `Timeout when waiting for ${hp}`;
}

/** Ansible's connection state names (from /proc/net/tcp) as `ss` spells them */
export function ssState(x: string): string {
  const u = x.toUpperCase();
  const map: Record<string, string> = { FIN_WAIT1: 'fin-wait-1', FIN_WAIT2: 'fin-wait-2', SYN_RECV: 'syn-recv', SYN_SENT: 'syn-sent', TIME_WAIT: 'time-wait', CLOSE_WAIT: 'close-wait', LAST_ACK: 'last-ack' };
  return map[u] ?? u.toLowerCase().replace(/_/g, '-');
}
