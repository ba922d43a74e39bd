/**
 * ansible.builtin.script: a workstation script (found like copy's src) copied to a fresh private
 * folder on the host and run there through /bin/sh with the rest of the free-form text as its
 * arguments (or with `executable`), then removed: one exec, the script's bytes on stdin and the
 * script itself reading /dev/null. creates/removes skip the task as Ansible's action does; check
 * mode runs nothing (changed when creates/removes are given, skipped otherwise).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { optStr, splitLines } from './util/args.js';
import { shlexSplit } from './util/shlex.js';
import { BOOL, STR, argsSchema } from './util/schema.js';

export const script: ModuleDef = {
  name: 'script',
  freeForm: true,
  schema: argsSchema({ _raw_params: STR, cmd: STR, creates: STR, removes: STR, chdir: STR, executable: STR, decrypt: BOOL }),
  async run(args, ctx) {
    const raw = (optStr(args, '_raw_params', 'cmd') ?? '').trim();
    if (!raw) throw new KbsError('TASK', 'no script given', { hint: 'write the script path (and its arguments) after "script:" or use cmd:' });
    const creates = optStr(args, 'creates');
    const removes = optStr(args, 'removes');
    if (creates || removes) {
      const exists = (p: string | undefined) => (p ? `[ -e ${shq(p)} ] && echo 1 || echo 0` : 'echo 0');
      const r = await ctx.run(`${exists(creates)}; ${exists(removes)}`);
      const [c, rm] = r.stdout.trim().split('\n');
      if (creates && c === '1') return { changed: false, skipped: true, msg: `${creates} exists, matching creates option` };
      if (removes && rm !== '1') return { changed: false, skipped: true, msg: `${removes} does not exist, matching removes option` };
    }
    const chdir = optStr(args, 'chdir');
    if (chdir && !chdir.startsWith('/')) return { changed: false, failed: true, msg: `chdir ${chdir} must be an absolute path for a Unix-aware remote node` };
    const source = shlexSplit(raw)[0];
    const local = ctx.findFile('files', source);
    if (ctx.check) {
      if (creates || removes) return { changed: true };
      return { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' };
    }
    const data = await readFile(local);
    const name = basename(local);
    // the rest of the line stays shell text, as Ansible's "raw_params with the path replaced"
    const at = raw.indexOf(source);
    const rest = at >= 0 ? raw.slice(at + source.length) : raw.slice(source.length);
    const exe = optStr(args, 'executable');
    const target = `"$kbs_d"/${shq(name)}${rest}`;
    const lines = [
      'kbs_d=$(mktemp -d "${TMPDIR:-/tmp}/kbs-script.XXXXXXXX") || exit 1',
      `cat > "$kbs_d"/${shq(name)} || { rm -rf -- "$kbs_d"; exit 1; }`,
      `chmod 700 -- "$kbs_d"/${shq(name)}`,
      chdir ? `cd -- ${shq(chdir)} || { rm -rf -- "$kbs_d"; exit 1; }` : '',
      `${exe ? `${exe} ` : ''}${target} </dev/null`,
      'kbs_rc=$?; rm -rf -- "$kbs_d"; exit $kbs_rc',
    ].filter(Boolean);
    const r = await ctx.run(lines.join('\n') + '\n', { stdin: data });
    const result: ModuleResult = {
      changed: true,
      rc: r.rc,
      stdout: r.stdout,
      stdout_lines: splitLines(r.stdout),
      stderr: r.stderr,
      stderr_lines: splitLines(r.stderr),
    };
    if (r.rc !== 0) {
      result.failed = true;
      result.msg = 'non-zero return code';
    }
    return result;
  },
};
