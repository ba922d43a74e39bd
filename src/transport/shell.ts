/** Shell snippet helpers shared by transports and modules. */

/** POSIX single-quote a string for /bin/sh. */
export function shq(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_\-./=:,+@%]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Wrap CMD with env exports and cwd, as one /bin/sh -c string. */
export function wrapCommand(cmd: string, env?: Record<string, string>, cwd?: string): string {
  let out = '';
  if (env) {
    for (const [k, v] of Object.entries(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue;
      out += `export ${k}=${shq(v)}; `;
    }
  }
  if (cwd) out += `cd ${shq(cwd)} || exit 1; `;
  return out + cmd;
}

/** Prompt kbs passes to sudo -p, so that a password prompt can be recognised on stderr. */
export const SUDO_PROMPT = '[kbs-sudo-prompt]';

/**
 * Wrap a command for become through sudo. Without a password: sudo -n (never prompts, fails
 * clearly). With a password: sudo -S reads it from the first line of stdin.
 * With MARKER, the command first prints MARKER + newline to stderr, so the caller knows that sudo
 * succeeded (and, with a password, when to stop feeding the password and send the real stdin:
 * see become.ts).
 */
export function becomeCommand(cmd: string, user: string | undefined, withPassword: boolean, marker?: string): string {
  const u = user && user !== 'root' ? ` -u ${shq(user)}` : '';
  const mode = withPassword ? `-S -p ${shq(SUDO_PROMPT)}` : '-n';
  const inner = marker ? `printf '%s\\n' ${shq(marker)} >&2; ${cmd}` : cmd;
  return `sudo ${mode} -H${u} -- /bin/sh -c ${shq(inner)}`;
}

/** TEXT with LINE added on a line of its own (a newline in between unless TEXT is empty or ends in one). */
export function appendLine(text: string, line: string): string {
  return text && !text.endsWith('\n') ? `${text}\n${line}` : text + line;
}
