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

/** how sudo is called: become_flags (in place of -H) and become_exe (the program) */
export interface SudoHow {
  flags?: string;
  exe?: string;
}

/**
 * Wrap a command for become through sudo. Without a password: sudo -n (never prompts, fails
 * clearly). With a password: sudo -S reads it from the first line of stdin.
 * With MARKER, the command first prints MARKER + newline to stderr, so the caller knows that sudo
 * succeeded (and, with a password, when to stop feeding the password and send the real stdin:
 * see become.ts). HOW.flags replace -H and go into the command as written, as Ansible's sudo plugin
 * puts become_flags; kbs adds -n or -S itself (a -n or -S among them is dropped).
 */
export function becomeCommand(cmd: string, user: string | undefined, withPassword: boolean, marker?: string, how: SudoHow = {}): string {
  const u = user && user !== 'root' ? ` -u ${shq(user)}` : '';
  const mode = withPassword ? `-S -p ${shq(SUDO_PROMPT)}` : '-n';
  const inner = marker ? `printf '%s\\n' ${shq(marker)} >&2; ${cmd}` : cmd;
  const flags = how.flags === undefined ? '-H' : how.flags.split(/\s+/).filter((f) => f && f !== '-n' && f !== '-S').join(' ');
  const exe = how.exe === undefined || how.exe === '' ? 'sudo' : shq(how.exe);
  return `${exe} ${mode}${flags ? ` ${flags}` : ''}${u} -- /bin/sh -c ${shq(inner)}`;
}

export function sudoHow(opts: { becomeFlags?: string; becomeExe?: string }): SudoHow {
  return { flags: opts.becomeFlags, exe: opts.becomeExe };
}

/** the key of a become identity: the user and how sudo is called */
export function becomeKey(user: string, how: SudoHow): string {
  return how.flags === undefined && how.exe === undefined ? user : `${user}\0${how.flags ?? ''}\0${how.exe ?? ''}`;
}

/** TEXT with LINE added on a line of its own (a newline in between unless TEXT is empty or ends in one). */
export function appendLine(text: string, line: string): string {
  return text && !text.endsWith('\n') ? `${text}\n${line}` : text + line;
}
