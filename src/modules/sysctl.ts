/**
 * ansible.posix.sysctl: a kernel parameter in a sysctl file (written atomically) and, with
 * sysctl_set or reload, in the running kernel. The file value and the live value are compared
 * separately (the live one whitespace-normalised), as Ansible does.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { fixSysctl, parseSysctl, sameValue, sysctlValue } from './edit/sysctlfile.js';
import { readText, saveText, textDiff } from './sys/textfile.js';
import { stateDiff } from './util/diff.js';

const args = declareArgs({
  name: { type: 'str', required: true, aliases: ['key'] },
  value: { type: 'str', aliases: ['val'] },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  reload: { type: 'bool', default: true },
  sysctl_file: { type: 'str', default: '/etc/sysctl.conf' },
  sysctl_set: { type: 'bool' },
  ignoreerrors: { type: 'bool' },
});

export const sysctl: ModuleDef = {
  name: 'sysctl',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const name = a.name.trim();
    if (!name) throw new KbsError('TASK', 'missing required argument: name');
    const present = a.state === 'present';
    if (present && a.value === undefined) throw new KbsError('TASK', 'value cannot be None when state=present', { hint: 'give value:' });
    const value = sysctlValue(a.value);
    const { reload, sysctl_set: sysctlSet, ignoreerrors: ignore } = a;
    const file = await expandPath(ctx, a.sysctl_file);
    const e = ignore ? ' -e' : '';

    // one after the other: both then go through the host's long-lived shell (no second channel)
    const f = await readText(ctx, file);
    const live = await ctx.run(`v=$(sysctl -n -- ${shq(name)} 2>/dev/null) && printf '%s' "$v"`, { inline: true });
    const proc = live.rc === 0 ? live.stdout.replace(/\n/g, ' ') : undefined;
    if (proc === undefined && present && !ignore && (sysctlSet || reload)) {
      return { changed: false, failed: true, msg: `sysctl key ${name} does not exist on this host (sysctl -n ${name} failed)` };
    }
    const before = f.content.toString('utf8');
    const parsed = parseSysctl(before);
    const fileValue = parsed.values.get(name);
    const after = fixSysctl(parsed, name, value, present);

    let changed = false;
    let writeFile = false;
    let setProc = false;
    if (fileValue === undefined) {
      if (present) changed = writeFile = true;
    } else if (!present) changed = writeFile = true;
    else if (fileValue !== value) changed = writeFile = true;
    else if (reload && (proc === undefined || !sameValue(proc, value))) changed = true;
    if (sysctlSet && present && (proc === undefined || !sameValue(proc, value))) changed = setProc = true;

    const result: ModuleResult = { changed };
    if (ctx.diff && changed) {
      const d = [];
      if (writeFile) d.push(textDiff(file, before, after));
      if (proc === undefined || !sameValue(proc, value)) d.push(stateDiff({ [name]: proc ?? null }, { [name]: present ? value : proc ?? null }, `${name} (live value)`));
      result.diff = d;
    }
    if (!changed) return result;
    // saveText and change() write and run nothing in check mode
    if (writeFile) await saveText(ctx, f, { result: { changed: false }, after: Buffer.from(after, 'utf8') });
    const cmds: string[] = [];
    if (setProc) cmds.push(`sysctl -q${e} -w ${shq(`${name}=${value}`)}`);
    if (reload) cmds.push(`sysctl -q${e} -p ${shq(file)}`);
    const r = await change(ctx, `set ${name}`, cmds.map((c) => `${c} || exit $?`).join('\n'), { keepFailure: true });
    const err = r?.stderr.trim();
    if (r && (r.rc !== 0 || (err && !ignore))) {
      const what = setProc && !reload ? `setting ${name} failed` : 'Failed to reload sysctl';
      return { changed: true, failed: true, msg: `${what}: ${err || `rc=${r.rc}`}` };
    }
    return result;
  },
};
