/**
 * ansible.builtin.pip: Python packages with the host's pip, as ansible-core 2.14's module does it:
 * a virtualenv made first when `virtualenv` names none (its bin/activate missing), then `pip
 * install` (`-U` for latest, `-U --force-reinstall` for forcereinstall) or `pip uninstall -y`
 * with the names (`version` pinned as name==version) or `-r requirements`. Changed when pip says
 * "Successfully installed/uninstalled", or, for a requirements file, when `pip list
 * --format=freeze` differs before and after. Check mode reads the installed packages and compares
 * them with the requirements (pkg/pipreq.ts) for present/absent with names; a requirements file,
 * extra_args or latest are reported as a change.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { shlexSplit } from './util/shlex.js';
import { isPresent, parseFreeze, parseRequirement } from './pkg/pipreq.js';

const STATES = ['present', 'absent', 'latest', 'forcereinstall'] as const;

const args = declareArgs(
  {
    name: { type: 'list', elements: 'str' },
    version: { type: 'str' },
    requirements: { type: 'str' },
    virtualenv: { type: 'str' },
    virtualenv_site_packages: { type: 'bool', default: false },
    virtualenv_command: { type: 'str', default: 'virtualenv' },
    virtualenv_python: { type: 'str' },
    state: { type: 'str', default: 'present', choices: STATES },
    extra_args: { type: 'str' },
    editable: { type: 'bool', default: false },
    chdir: { type: 'str' },
    executable: { type: 'str' },
    umask: { type: 'str' },
  },
  { exclusive: [['name', 'requirements'], ['executable', 'virtualenv']], requiredOneOf: [['name', 'requirements']] },
);

const SUBCOMMAND: Record<(typeof STATES)[number], string[]> = {
  present: ['install'],
  absent: ['uninstall', '-y'],
  latest: ['install', '-U'],
  forcereinstall: ['install', '-U', '--force-reinstall'],
};

export const pip: ModuleDef = {
  name: 'pip',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const names = a.name ?? [];
    if (a.state === 'latest' && a.version !== undefined) return failed('version is incompatible with state=latest');
    if (a.version !== undefined && names.length !== 1) return failed("'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.");
    if (a.version !== undefined && /[<>=!~]/.test(names[0])) return failed("The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.");
    const packages = a.version !== undefined ? [`${names[0]}==${a.version}`] : names;
    const umask = a.umask !== undefined ? `umask ${shq(a.umask)} || exit 1; ` : '';
    /** a command run in chdir (else the temp folder) under umask, as the module runs pip */
    const inDir = (cmd: string) => `${umask}cd ${a.chdir ? shq(a.chdir) : '"${TMPDIR:-/tmp}"'} || exit 1; ${cmd}`;
    let out = '';
    let err = '';
    let venvCreated = false;

    const env = a.virtualenv;
    if (env !== undefined) {
      const have = await ctx.run(`test -e ${shq(`${env}/bin/activate`)}`);
      if (have.rc !== 0) {
        const venv = venvCommand(ctx, a, env);
        const made = await change(ctx, `create the virtualenv ${env}`, inDir(venv.script), { keepFailure: true });
        // check mode: Ansible's setup_virtualenv reports the change before anything else
        if (!made) return { changed: true };
        const v = venvOutput(made.stdout, venv.cmd);
        if (v.missing !== undefined) return failed(`Failed to find required executable "${venv.cmd[0]}" in paths: ${v.missing}`);
        if (venv.refuse) return failed(venv.refuse);
        out += v.stdout;
        err += made.stderr;
        if (made.rc !== 0) return failed(failMessage(out, err), { cmd: v.cmd });
        venvCreated = true;
      }
    }
    const found = await findPip(ctx, env, a.executable);
    if ('msg' in found) return failed(found.msg);
    const pipCmd = found.cmd;
    const cmd = [...pipCmd, ...SUBCOMMAND[a.state]];
    if (a.extra_args) cmd.push(...shlexSplit(a.extra_args));
    if (packages.length) {
      if (a.editable) cmd.push('-e');
      cmd.push(...packages);
    } else cmd.push('-r', a.requirements!);
    const pathPrefix = env !== undefined ? `PATH=${shq(`${env}/bin`)}:"$PATH" ` : '';
    const freezeCmd = [...pipCmd, 'list', '--format=freeze'];
    const freeze = () => ctx.run(inDir(`${pathPrefix}${freezeCmd.map(shq).join(' ')}`));

    const before = a.requirements ? (await freeze()).stdout : undefined;
    const r = await change(ctx, `pip ${SUBCOMMAND[a.state][0]} ${packages.join(' ') || a.requirements}`, inDir(`${pathPrefix}${cmd.map(shq).join(' ')}`), { keepFailure: true });
    if (!r) {
      // check mode: the installed packages compared with the requirements for present/absent with names
      if (a.extra_args || a.requirements || a.state === 'latest' || !packages.length) return { changed: true };
      const f = await freeze();
      if (f.rc !== 0) return failed(failMessage(f.stdout, f.stderr), { cmd: freezeCmd });
      const installed = parseFreeze(f.stdout);
      const changed = packages.some((p) => isPresent(parseRequirement(p), installed) !== (a.state === 'present'));
      return { changed, cmd: freezeCmd.join(' '), stdout: out + f.stdout, stderr: err + f.stderr };
    }
    out += r.stdout;
    err += r.stderr;
    const notInstalled = r.stdout.includes('not installed') || r.stderr.includes('not installed');
    if (!(r.rc === 1 && a.state === 'absent' && notInstalled) && r.rc !== 0) return failed(failMessage(out, err), { cmd });
    let changed: boolean;
    if (a.state === 'absent') changed = r.stdout.includes('Successfully uninstalled');
    else if (before === undefined) changed = r.stdout.includes('Successfully installed');
    else changed = before !== (await freeze()).stdout;
    const result: ModuleResult = {
      changed: changed || venvCreated,
      cmd,
      name: a.name ?? null,
      version: a.version ?? null,
      state: a.state,
      requirements: a.requirements ?? null,
      virtualenv: env ?? null,
      stdout: out,
      stderr: err,
    };
    return result;
  },
};

/** Ansible's _fail: what pip printed */
function failMessage(out: string, err: string): string {
  let msg = '';
  if (out) msg += `stdout: ${out}`;
  if (err) msg += `\n:stderr: ${err}`;
  return msg;
}

/** the interpreter a Python module would run with on the host: ansible_python_interpreter, else /usr/bin/python3 */
function interpreter(ctx: ModuleContext): string {
  const want = ctx.vars.ansible_python_interpreter;
  return typeof want === 'string' && want && !want.startsWith('auto') ? want : '/usr/bin/python3';
}

/**
 * Ansible's setup_virtualenv as one command: the virtualenv command (its first word looked up on
 * PATH by the host, printed as `@@cmd`, or `@@missing` with the PATH), site packages, the python.
 * `refuse`: the lookup only, then this failure (virtualenv_python given to venv).
 */
function venvCommand(
  ctx: ModuleContext,
  a: { virtualenv_command: string; virtualenv_site_packages: boolean; virtualenv_python?: string },
  env: string,
): { script: string; cmd: string[]; refuse?: string } {
  const cmd = shlexSplit(a.virtualenv_command);
  const lookup = cmd.length > 0 && !cmd[0].includes('/');
  const venvLike = ['pyvenv', '-m venv'].some((x) => a.virtualenv_command.includes(x));
  if (a.virtualenv_site_packages) cmd.push('--system-site-packages');
  if (!venvLike) cmd.push(`-p${a.virtualenv_python ?? interpreter(ctx)}`);
  const refuse = venvLike && a.virtualenv_python ? 'virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command' : undefined;
  cmd.push(env);
  const find = lookup ? `kbs_v=$(command -v ${shq(cmd[0])}) && [ -n "$kbs_v" ] || { printf '@@missing\\t%s\\n' "$PATH"; exit 127; }; printf '@@cmd\\t%s\\n' "$kbs_v"` : '';
  if (refuse) return { script: find || ':', cmd, refuse };
  const run = lookup ? `"$kbs_v" ${cmd.slice(1).map(shq).join(' ')}` : cmd.map(shq).join(' ');
  return { script: find ? `${find}; ${run}` : run, cmd };
}

/** The virtualenv command's output without its `@@cmd` line, the command with the path found, or the PATH searched in vain. */
function venvOutput(stdout: string, cmd: string[]): { stdout: string; cmd: string[]; missing?: string } {
  const m = /^@@(cmd|missing)\t(.*)\n/.exec(stdout);
  if (!m) return { stdout, cmd };
  if (m[1] === 'missing') return { stdout: '', cmd, missing: m[2] };
  return { stdout: stdout.slice(m[0].length), cmd: [m[2], ...cmd.slice(1)] };
}

/** Ansible's _get_pip: the virtualenv's pip3 or pip, `executable`, or the interpreter's pip module */
async function findPip(ctx: ModuleContext, env: string | undefined, executable: string | undefined): Promise<{ cmd: string[] } | { msg: string }> {
  if (executable !== undefined && executable.startsWith('/')) return { cmd: [executable] };
  if (executable !== undefined) {
    const w = await ctx.run(`command -v ${shq(executable)}`);
    return w.rc === 0 ? { cmd: [w.stdout.trim()] } : { msg: `Unable to find any of ${executable} to use.  pip needs to be installed.` };
  }
  if (env !== undefined) {
    for (const base of ['pip3', 'pip']) {
      const p = `${env}/bin/${base}`;
      if ((await ctx.run(`test -x ${shq(p)} && test -f ${shq(p)}`)).rc === 0) return { cmd: [p] };
    }
    return { msg: `Unable to find pip in the virtualenv, ${env}, under any of these names: pip3, pip. Make sure pip is present in the virtualenv.` };
  }
  // the interpreter the module would run with, and its pip module when it has one; else pip3 on PATH
  const probe = await ctx.run(`p=${shq(interpreter(ctx))}; [ -x "$p" ] || p=$(command -v python3); if [ -n "$p" ] && "$p" -c 'import pip' 2>/dev/null; then echo "P=$p"; fi; echo "Q=$(command -v pip3)"`);
  const v = Object.fromEntries(probe.stdout.split('\n').filter((l) => /^[PQ]=/.test(l)).map((l) => [l[0], l.slice(2).trim()]));
  if (v.P) return { cmd: [v.P, '-m', 'pip.__main__'] };
  if (v.Q) return { cmd: [v.Q] };
  return { msg: 'Unable to find any of pip3 to use.  pip needs to be installed.' };
}
