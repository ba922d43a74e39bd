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
import { splitLines } from './util/args.js';
import { change, type Planner } from './util/change.js';
import { RUN_ARGS } from './util/command.js';
import { declareArgs } from './util/declare.js';
import { shlexSplit } from './util/shlex.js';

const args = declareArgs({ ...RUN_ARGS, decrypt: { type: 'bool' } });

type ScriptArgs = ReturnType<typeof args.read>;

/** The free-form text and the script's path, its first word. */
function scriptLine(a: ScriptArgs): { line: string; source: string } {
  const line = (a._raw_params ?? '').trim();
  if (!line) throw new KbsError('TASK', 'no script given', { hint: 'write the script path (and its arguments) after "script:" or use cmd:' });
  return { line, source: shlexSplit(line)[0] };
}

/** The snippet that unpacks the script from stdin into a private folder, runs it and removes it. */
function scriptCommand(a: ScriptArgs): string {
  const { line, source } = scriptLine(a);
  const name = basename(source);
  // the rest of the line stays shell text, as Ansible's "raw_params with the path replaced"
  const at = line.indexOf(source);
  const rest = at >= 0 ? line.slice(at + source.length) : line.slice(source.length);
  const target = `"$kbs_d"/${shq(name)}${rest}`;
  return [
    'kbs_d=$(mktemp -d "${TMPDIR:-/tmp}/kbs-script.XXXXXXXX") || exit 1',
    `cat > "$kbs_d"/${shq(name)} || { rm -rf -- "$kbs_d"; exit 1; }`,
    `chmod 700 -- "$kbs_d"/${shq(name)}`,
    a.chdir ? `cd -- ${shq(a.chdir)} || { rm -rf -- "$kbs_d"; exit 1; }` : '',
    `${a.executable ? `${a.executable} ` : ''}${target} </dev/null`,
    'kbs_rc=$?; rm -rf -- "$kbs_d"; exit $kbs_rc',
  ]
    .filter(Boolean)
    .join('\n') + '\n';
}

export const scriptPlanner: Planner<ScriptArgs> = {
  args,
  probe(a) {
    scriptLine(a);
    if (!a.creates && !a.removes) return '';
    const exists = (p: string | undefined) => (p ? `[ -e ${shq(p)} ] && echo 1 || echo 0` : 'echo 0');
    return `${exists(a.creates)}; ${exists(a.removes)}`;
  },
  probeError: () => 'cannot check creates/removes',
  plan(a, out, { check }) {
    const [created, removable] = out.trim().split('\n');
    const done = (result: ModuleResult) => ({ result, changes: [] });
    if (a.creates && created === '1') return done({ changed: false, skipped: true, msg: `${a.creates} exists, matching creates option` });
    if (a.removes && removable !== '1') return done({ changed: false, skipped: true, msg: `${a.removes} does not exist, matching removes option` });
    if (a.chdir && !a.chdir.startsWith('/')) return done({ changed: false, failed: true, msg: `chdir ${a.chdir} must be an absolute path for a Unix-aware remote node` });
    // what check mode reports: nothing runs
    let result: ModuleResult = { changed: true };
    if (check && !a.creates && !a.removes) result = { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' };
    return { result, changes: [{ description: `run the script ${scriptLine(a).source}`, command: scriptCommand(a) }] };
  },
};

export const script: ModuleDef = {
  name: 'script',
  freeForm: true,
  schema: args.schema,
  async run(given, ctx) {
    const a = args.read(given);
    const probe = scriptPlanner.probe(a);
    const plan = scriptPlanner.plan(a, probe ? (await ctx.run(probe)).stdout : '', { diff: false, check: ctx.check });
    const [step] = plan.changes;
    if (!step?.command) return plan.result;
    const data = await readFile(ctx.findFile('files', scriptLine(a).source));
    const r = await change(ctx, step.description, step.command, { stdin: data, keepFailure: true });
    if (!r) return plan.result;
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
