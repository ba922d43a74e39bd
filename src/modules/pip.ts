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

interface Ran {
  rc: number;
  stdout: string;
  stderr: string;
}

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
    const sh = (cmd: string): Promise<Ran> => ctx.run(`${umask}cd ${a.chdir ? shq(a.chdir) : '"${TMPDIR:-/tmp}"'} || exit 1; ${cmd}`);
    let out = '';
    let err = '';
    let venvCreated = false;

    const env = a.virtualenv;
    if (env !== undefined) {
      const have = await ctx.run(`test -e ${shq(`${env}/bin/activate`)}`);
      if (have.rc !== 0) {
        if (ctx.check) return { changed: true };
        const made = await makeVenv(ctx, a, env, sh);
        if ('msg' in made) return failed(made.msg, made.cmd ? { cmd: made.cmd } : {});
        out += made.stdout;
        err += made.stderr;
        if (made.rc !== 0) return failed(failMessage(out, err), { cmd: made.cmd });
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
    const freeze = async (): Promise<Ran> => sh(`${pathPrefix}${[...pipCmd, 'list', '--format=freeze'].map(shq).join(' ')}`);

    if (ctx.check) {
      if (a.extra_args || a.requirements || a.state === 'latest' || !packages.length) return { changed: true };
      const f = await freeze();
      if (f.rc !== 0) return failed(failMessage(f.stdout, f.stderr), { cmd: [...pipCmd, 'list', '--format=freeze'] });
      const installed = parseFreeze(f.stdout);
      let changed = false;
      for (const p of packages) {
        const present = isPresent(parseRequirement(p), installed);
        if ((a.state === 'present' && !present) || (a.state === 'absent' && present)) changed = true;
      }
      return { changed, cmd: [...pipCmd, 'list', '--format=freeze'].join(' '), stdout: out + f.stdout, stderr: err + f.stderr };
    }

    const before = a.requirements ? (await freeze()).stdout : undefined;
    const r = await sh(`${pathPrefix}${cmd.map(shq).join(' ')}`);
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

/** Ansible's setup_virtualenv: the command (its first word found on PATH), site packages, the python */
async function makeVenv(
  ctx: ModuleContext,
  a: { virtualenv_command: string; virtualenv_site_packages: boolean; virtualenv_python?: string },
  env: string,
  sh: (cmd: string) => Promise<Ran>,
): Promise<(Ran & { cmd: string[] }) | { msg: string; cmd?: string[] }> {
  const cmd = shlexSplit(a.virtualenv_command);
  if (cmd.length && !cmd[0].includes('/')) {
    const w = await ctx.run(`command -v ${shq(cmd[0])}`);
    if (w.rc !== 0 || !w.stdout.trim()) return { msg: `Failed to find required executable "${cmd[0]}" in paths: ${(await ctx.run('printf %s "$PATH"')).stdout}` };
    cmd[0] = w.stdout.trim();
  }
  const venvLike = ['pyvenv', '-m venv'].some((x) => a.virtualenv_command.includes(x));
  if (a.virtualenv_site_packages) cmd.push('--system-site-packages');
  if (!venvLike) cmd.push(`-p${a.virtualenv_python ?? interpreter(ctx)}`);
  else if (a.virtualenv_python) return { msg: 'virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command' };
  cmd.push(env);
  const r = await sh(cmd.map(shq).join(' '));
  return { ...r, cmd };
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
