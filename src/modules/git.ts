/**
 * ansible.builtin.git: clone or update a checkout (or a bare repository) on the host with the
 * host's git, step by step as Ansible's module does it: ls-remote for the wanted revision, clone
 * (depth, single_branch, refspec, bare, remote name), or status/fetch/checkout/reset of an
 * existing checkout, submodules; `before`/`after` revisions and `remote_url_changed` as results.
 * Each git command is one exec (`cd DEST && git ...`, C locale); ssh options reach git through
 * GIT_SSH_COMMAND.
 * Over 400 lines: one module whose steps (clone, fetch, switch version, submodules) follow
 * Ansible's module function by function and share its parameters and its Git runner.
 */
import { posix } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { LIST_OF_STR } from './util/schema.js';

/** A module failure (fail_json): stops the run of the module with this result. */
class Fail extends Error {
  constructor(readonly result: ModuleResult) {
    super(String(result.msg));
  }
}

interface Out {
  rc: number;
  out: string;
  err: string;
}

class Git {
  constructor(
    readonly ctx: ModuleContext,
    readonly bin: string,
    readonly env: Record<string, string>,
    readonly repo: string,
  ) {}

  /** `git ARGS` in cwd (or in the login folder); words are quoted, never split. */
  async run(words: string[], cwd?: string, checkRc = false): Promise<Out> {
    // as Ansible's run_command, a cwd that is not a folder (yet) is ignored
    const cmd = `${cwd ? `if [ -d ${shq(cwd)} ]; then cd ${shq(cwd)} || exit 1; fi; ` : ''}${[this.bin, ...words].map((w) => shq(w)).join(' ')}`;
    const r = await this.ctx.run(cmd, { env: this.env });
    if (checkRc && r.rc !== 0) throw new Fail(failed(r.stderr.trimEnd(), { cmd: [this.bin, ...words].join(' '), rc: r.rc, stdout: r.stdout, stderr: r.stderr }));
    return { rc: r.rc, out: r.stdout, err: r.stderr };
  }

  async version(dest: string, ref = 'HEAD'): Promise<string> {
    return (await this.run(['rev-parse', ref], dest)).out.replace(/\n+$/, '');
  }

  async isRemoteBranch(dest: string | undefined, remote: string, version: string): Promise<boolean> {
    return (await this.run(['ls-remote', remote, '-h', `refs/heads/${version}`], dest, true)).out.includes(version);
  }

  async isRemoteTag(dest: string | undefined, remote: string, version: string): Promise<boolean> {
    return (await this.run(['ls-remote', remote, '-t', `refs/tags/${version}`], dest, true)).out.includes(version);
  }

  async branches(dest: string): Promise<string[]> {
    const r = await this.run(['branch', '--no-color', '-a'], dest);
    if (r.rc !== 0) throw new Fail(failed(`Could not determine branch data - received ${r.out}`, { stdout: r.out, stderr: r.err }));
    return r.out.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  async isLocalBranch(dest: string, branch: string): Promise<boolean> {
    const b = await this.branches(dest);
    return b.includes(branch) || b.includes(`* ${branch}`);
  }

  async isNotABranch(dest: string): Promise<boolean> {
    return (await this.branches(dest)).some((b) => b.startsWith('* ') && (b.includes('no branch') || b.includes('detached from') || b.includes('detached at')));
  }

  /** The branch HEAD names (for a detached HEAD: the remote's HEAD), as Ansible's head_splitter. */
  async headBranch(dest: string, remote: string, bare: boolean): Promise<string | undefined> {
    const repoPath = await this.repoPath(dest, bare);
    let headfile = posix.join(repoPath, 'HEAD');
    if (await this.isNotABranch(dest)) headfile = posix.join(repoPath, 'refs', 'remotes', remote, 'HEAD');
    const r = await this.ctx.run(`head -n 1 ${shq(headfile)} 2>/dev/null`);
    if (r.rc !== 0 || !r.stdout) return undefined;
    const raw = r.stdout.replace(`refs/remotes/${remote}`, '');
    const parts = raw.split(' ');
    const ref = parts[parts.length - 1].split('/');
    const last = ref.length > 2 ? ref.slice(2).join('/') : ref[ref.length - 1];
    return last.replace(/\n+$/, '');
  }

  /** dest/.git, or the folder a `.git` file points to (gitdir:), or dest itself when bare */
  async repoPath(dest: string, bare: boolean): Promise<string> {
    if (bare) return dest;
    const p = posix.join(dest, '.git');
    const r = await this.ctx.run(`[ -f ${shq(p)} ] && cat ${shq(p)}`);
    if (r.rc !== 0) return p;
    const data = r.stdout.trimEnd();
    const i = data.indexOf('gitdir: ');
    if (i !== 0) throw new Fail(failed('Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path'));
    const gitdir = data.slice(8);
    return gitdir.startsWith('/') ? gitdir : posix.join(dest, gitdir);
  }

  async remoteHead(dest: string | undefined, version: string, remote: string, bare: boolean): Promise<string> {
    const cloning = remote === this.repo;
    const cwd = cloning ? undefined : dest;
    let words: string[];
    let tag = false;
    if (version === 'HEAD') {
      if (cloning) words = ['ls-remote', remote, '-h', 'HEAD'];
      else words = ['ls-remote', remote, '-h', `refs/heads/${await this.headBranch(dest!, remote, bare)}`];
    } else if (await this.isRemoteBranch(cwd, remote, version)) words = ['ls-remote', remote, '-h', `refs/heads/${version}`];
    else if (await this.isRemoteTag(cwd, remote, version)) {
      tag = true;
      words = ['ls-remote', remote, '-t', `refs/tags/${version}*`];
    } else return version; // a sha1: taken as it is
    const r = await this.run(words, cwd, true);
    if (r.out.length < 1) throw new Fail(failed(`Could not determine remote revision for ${version}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
    let out = r.out;
    if (tag) {
      for (const t of out.split('\n')) {
        if (t.endsWith(`${version}^{}`)) {
          out = t;
          break;
        } else if (t.endsWith(version)) out = t;
      }
    }
    return out.split(/\s+/)[0];
  }

  async remoteUrl(dest: string, remote: string): Promise<string | undefined> {
    const r = await this.run(['ls-remote', '--get-url', remote], dest);
    return r.rc === 0 ? r.out.replace(/\n+$/, '') : undefined;
  }

  /** set the remote's URL when it differs; true when it changed */
  async setRemoteUrl(dest: string, remote: string): Promise<boolean> {
    const url = await this.remoteUrl(dest, remote);
    if (url !== undefined && (url === this.repo || (await sameUrl(this.ctx, url, this.repo)))) return false;
    const r = await this.run(['remote', 'set-url', remote, this.repo], dest);
    if (r.rc !== 0) throw new Fail(failed(`Failed to set a new url ${this.repo} for ${remote}: ${r.out} ${r.err}`));
    return url !== undefined;
  }
}

/** Ansible's unfrackgitpath comparison: both as normalized real paths (only for local paths). */
async function sameUrl(ctx: ModuleContext, a: string, b: string): Promise<boolean> {
  const r = await ctx.run(`realpath -m -- ${shq(a)} ${shq(b)} 2>/dev/null`);
  const [x, y] = r.stdout.split('\n');
  return r.rc === 0 && x === y;
}

interface Params {
  dest?: string;
  version: string;
  remote: string;
  refspec?: string;
  reference?: string;
  force: boolean;
  depth?: number;
  clone: boolean;
  update: boolean;
  bare: boolean;
  recursive: boolean;
  singleBranch: boolean;
  trackSubmodules: boolean;
}

const args = declareArgs(
  {
    repo: { type: 'str', required: true, aliases: ['name'] },
    dest: { type: 'str' },
    version: { type: 'str', default: 'HEAD' },
    remote: { type: 'str', default: 'origin' },
    refspec: { type: 'str' },
    reference: { type: 'str' },
    force: { type: 'bool' },
    depth: { type: 'int' },
    clone: { type: 'bool', default: true },
    update: { type: 'bool', default: true },
    verify_commit: { type: 'bool' },
    gpg_whitelist: { type: 'any', schema: LIST_OF_STR },
    accept_hostkey: { type: 'bool' },
    accept_newhostkey: { type: 'bool' },
    key_file: { type: 'str' },
    ssh_opts: { type: 'str' },
    executable: { type: 'str', default: 'git' },
    bare: { type: 'bool' },
    recursive: { type: 'bool', default: true },
    single_branch: { type: 'bool' },
    track_submodules: { type: 'bool' },
    umask: { type: 'str' },
    archive: { type: 'str' },
    archive_prefix: { type: 'str' },
    separate_git_dir: { type: 'str' },
  },
  { exclusive: [['accept_hostkey', 'accept_newhostkey']] },
);
type Args = ReturnType<typeof args.read>;

export const git: ModuleDef = {
  name: 'git',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    for (const k of ['archive', 'separate_git_dir'] as const) {
      if (a[k] !== undefined) throw new KbsError('TASK', `git: ${k} is not supported by kbs`);
    }
    if (a.verify_commit) throw new KbsError('TASK', 'git: verify_commit is not supported by kbs');
    const p: Params = {
      dest: await expandPath(ctx, a.dest),
      version: a.version,
      remote: a.remote,
      refspec: a.refspec,
      reference: a.reference,
      force: a.force,
      depth: a.depth,
      clone: a.clone,
      update: a.update,
      bare: a.bare,
      recursive: a.recursive,
      singleBranch: a.single_branch,
      trackSubmodules: a.track_submodules,
    };
    let repo = a.repo;
    // depth and friends need file:// for local paths, as in Ansible
    const expanded = await expandPath(ctx, repo);
    if (expanded.startsWith('/')) repo = `file://${expanded}`;
    const { umask } = a;
    if (umask !== undefined && !/^[0-7]+$/.test(umask)) return failed('umask must be an octal integer');
    const env = { LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C', LC_CTYPE: 'C', GIT_SSH_COMMAND: sshCommand(a) };
    const bin = a.executable;
    const g = new Git(
      umask === undefined ? ctx : { ...ctx, run: (cmd, o) => ctx.run(`umask ${umask} && { ${cmd}\n}`, o) },
      bin,
      env,
      repo,
    );
    try {
      return await runGit(g, ctx, p);
    } catch (e) {
      if (e instanceof Fail) return e.result;
      throw e;
    }
  },
};

/** GIT_SSH_COMMAND as Ansible's set_git_ssh_env builds it. */
function sshCommand(a: Args): string {
  let opts = a.ssh_opts;
  const accept = a.accept_hostkey;
  if (accept) {
    if (opts !== undefined) {
      if (!opts.includes('-o StrictHostKeyChecking=no') && !opts.includes('-o StrictHostKeyChecking=accept-new')) opts += ' -o StrictHostKeyChecking=no';
    } else opts = '-o StrictHostKeyChecking=no';
  }
  if (a.accept_newhostkey) {
    if (opts !== undefined) {
      if (!opts.includes('-o StrictHostKeyChecking=no') && !opts.includes('-o StrictHostKeyChecking=accept-new')) opts += ' -o StrictHostKeyChecking=accept-new';
    } else opts = '-o StrictHostKeyChecking=accept-new';
  }
  let s = opts === undefined ? '' : ' ' + opts;
  if (accept && !s.includes('StrictHostKeyChecking=no')) s += ' -o StrictHostKeyChecking=no';
  if (!s.includes('BatchMode=yes')) s += ' -o BatchMode=yes';
  const key = a.key_file;
  if (key) {
    if (!s.includes(`-i ${key}`)) s += `  -i ${key}`;
    if (!s.includes('IdentitiesOnly=yes')) s += ' -o IdentitiesOnly=yes';
  }
  return `ssh${s}`;
}

async function runGit(g: Git, ctx: ModuleContext, p: Params): Promise<ModuleResult> {
  const result: ModuleResult = { changed: false, warnings: [] };
  const warn = (m: string) => (result.warnings as string[]).push(m);
  let dest = p.dest;
  if (!dest && p.clone) return failed('the destination directory must be specified unless clone=no');
  let gitconfig: string | undefined;
  if (dest) {
    dest = posix.normalize(dest.startsWith('/') ? dest : posix.join((await ctx.run('pwd')).stdout.trim(), dest));
    gitconfig = posix.join(await g.repoPath(dest, p.bare), 'config');
  }
  const ver = /(\d+\.\d+(?:\.\d+)?)/.exec((await g.run(['--version'])).out)?.[1];
  if (ver === undefined) return failed(`Failed to find required executable "${g.bin}"`);
  result.before = null;
  const exists = gitconfig !== undefined && (await ctx.run(`[ -e ${shq(gitconfig)} ]`)).rc === 0;
  let localMods = false;
  let remoteHead: string | undefined;
  if ((dest && !exists) || (!dest && !p.clone)) {
    if (ctx.check || !p.clone) {
      remoteHead = await g.remoteHead(dest, p.version, g.repo, p.bare);
      result.changed = true;
      result.after = remoteHead;
      if (ctx.diff) result.diff = { prepared: `>> Newly checked out ${remoteHead}` } as never;
      return result;
    }
    await clone(g, ctx, dest!, p, warn);
  } else if (!p.update) {
    result.before = await g.version(dest!);
    result.after = result.before;
    return result;
  } else {
    localMods = await hasLocalMods(g, dest!, p.bare);
    result.before = await g.version(dest!);
    if (localMods) {
      if (!p.force) return failed(`Local modifications exist in the destination: ${dest} (force=no).`, result);
      if (!ctx.check) {
        await g.run(['reset', '--hard', 'HEAD'], dest, true);
        result.changed = true;
        result.msg = `Local modifications exist in the destination: ${dest}`;
      }
    }
    let urlChanged: boolean;
    if (ctx.check) {
      const url = await g.remoteUrl(dest!, p.remote);
      urlChanged = !!url && url !== g.repo && !(await sameUrl(ctx, url, g.repo));
    } else urlChanged = await g.setRemoteUrl(dest!, p.remote);
    result.remote_url_changed = urlChanged;
    if (ctx.check) {
      remoteHead = await g.remoteHead(dest, p.version, p.remote, p.bare);
      result.changed = result.before !== remoteHead || urlChanged;
      result.after = remoteHead;
      if (ctx.diff && result.before !== remoteHead) result.diff = { prepared: `>> ${result.before} -> ${remoteHead}` } as never;
      return result;
    }
    await fetch(g, dest!, p, ver);
    result.after = await g.version(dest!);
  }
  if (!p.bare) await switchVersion(g, dest!, p);
  let subUpdated = false;
  if (p.recursive && !p.bare) {
    subUpdated = await submodulesFetch(g, ctx, dest!, p);
    if (subUpdated) {
      result.submodules_changed = true;
      await submoduleUpdate(g, ctx, dest!, p);
    }
  }
  result.after = await g.version(dest!);
  if (result.before !== result.after || localMods || subUpdated || result.remote_url_changed === true) {
    result.changed = true;
    if (ctx.diff) {
      if (result.before === null) result.diff = { prepared: `>> Newly checked out ${result.after}` } as never;
      else if (result.before !== result.after) {
        const d = await g.run(['diff', String(result.before), String(result.after)], dest);
        const text = d.rc === 0 ? (d.out ? d.out : `>> No visual differences between ${result.before} and ${result.after}`) : `>> Failed to get proper diff between ${result.before} and ${result.after}`;
        result.diff = { prepared: text } as never;
      }
    }
  }
  return result;
}

async function clone(g: Git, ctx: ModuleContext, dest: string, p: Params, warn: (m: string) => void): Promise<void> {
  const parent = posix.dirname(dest);
  await ctx.run(`mkdir -p -- ${shq(parent)}`);
  const cmd = ['clone'];
  if (p.bare) cmd.push('--bare');
  else cmd.push('--origin', p.remote);
  const branchOrTag = (await g.isRemoteBranch(dest, g.repo, p.version)) || (await g.isRemoteTag(dest, g.repo, p.version));
  if (p.depth) {
    if (p.version === 'HEAD' || p.refspec) cmd.push('--depth', String(p.depth));
    else if (branchOrTag) cmd.push('--depth', String(p.depth), '--branch', p.version);
    else warn('Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec.');
  }
  if (p.reference) cmd.push('--reference', p.reference);
  if (p.singleBranch) {
    cmd.push('--single-branch');
    if (branchOrTag) cmd.push('--branch', p.version);
  }
  cmd.push(g.repo, dest);
  await g.run(cmd, parent, true);
  if (p.bare && p.remote !== 'origin') await g.run(['remote', 'add', p.remote, g.repo], dest, true);
  if (p.refspec) {
    const f = ['fetch'];
    if (p.depth) f.push('--depth', String(p.depth));
    f.push(p.remote, p.refspec);
    await g.run(f, dest, true);
  }
}

async function hasLocalMods(g: Git, dest: string, bare: boolean): Promise<boolean> {
  if (bare) return false;
  const r = await g.run(['status', '--porcelain'], dest);
  return r.out.split('\n').filter((l) => l && !/^\?\?/.test(l)).length > 0;
}

async function fetch(g: Git, dest: string, p: Params, gitVersion: string): Promise<void> {
  await g.setRemoteUrl(dest, p.remote);
  const cmd = ['fetch'];
  let refspecs: string[] = [];
  if (p.depth) {
    const head = await g.headBranch(dest, p.remote, false);
    if (p.refspec) refspecs.push(p.refspec);
    else if (p.version === 'HEAD') refspecs.push(head ?? 'HEAD');
    else if (await g.isRemoteBranch(dest, g.repo, p.version)) {
      if (head !== p.version) refspecs.push(`+refs/heads/${p.version}:refs/heads/${p.version}`);
      refspecs.push(`+refs/heads/${p.version}:refs/remotes/${p.remote}/${p.version}`);
    } else if (await g.isRemoteTag(dest, g.repo, p.version)) refspecs.push(`+refs/tags/${p.version}:refs/tags/${p.version}`);
    if (refspecs.length) cmd.push('--depth', String(p.depth));
  }
  if (!p.depth || !refspecs.length) {
    if (p.bare) refspecs = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
    else if (gitVersion.localeCompare('1.9', undefined, { numeric: true }) >= 0) cmd.push('--tags');
    if (p.refspec) refspecs.push(p.refspec);
  }
  if (p.force) cmd.push('--force');
  cmd.push(p.remote, ...refspecs);
  const r = await g.run(cmd, dest);
  if (r.rc !== 0) throw new Fail(failed(`Failed to download remote objects and refs: ${r.out} ${r.err}`, { cmd: [g.bin, ...cmd].join(' ') }));
}

async function switchVersion(g: Git, dest: string, p: Params): Promise<void> {
  let cmd: string[];
  let branch: string | undefined;
  if (p.version === 'HEAD') {
    branch = await g.headBranch(dest, p.remote, false);
    const r = await g.run(['checkout', '--force', branch ?? ''], dest);
    if (r.rc !== 0) throw new Fail(failed(`Failed to checkout branch ${branch}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
    cmd = ['reset', '--hard', `${p.remote}/${branch}`, '--'];
  } else if (await g.isRemoteBranch(dest, p.remote, p.version)) {
    if (p.depth && !(await g.isLocalBranch(dest, p.version))) {
      const refs = [`+refs/heads/${p.version}:refs/heads/${p.version}`, `+refs/heads/${p.version}:refs/remotes/${p.remote}/${p.version}`];
      const r = await g.run(['fetch', `--depth=${p.depth}`, p.remote, ...refs], dest);
      if (r.rc !== 0) throw new Fail(failed(`Failed to fetch branch from remote: ${p.version}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
    }
    if (!(await g.isLocalBranch(dest, p.version))) cmd = ['checkout', '--track', '-b', p.version, `${p.remote}/${p.version}`];
    else {
      const r = await g.run(['checkout', '--force', p.version], dest);
      if (r.rc !== 0) throw new Fail(failed(`Failed to checkout branch ${p.version}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
      cmd = ['reset', '--hard', `${p.remote}/${p.version}`];
    }
  } else cmd = ['checkout', '--force', p.version];
  const r = await g.run(cmd, dest);
  if (r.rc !== 0) {
    const what = p.version !== 'HEAD' ? `Failed to checkout ${p.version}` : `Failed to checkout branch ${branch}`;
    throw new Fail(failed(what, { stdout: r.out, stderr: r.err, rc: r.rc, cmd: [g.bin, ...cmd].join(' ') }));
  }
}

async function submoduleVersions(g: Git, dest: string, version = 'HEAD'): Promise<Record<string, string>> {
  const r = await g.run(['submodule', 'foreach', g.bin, 'rev-parse', version], dest);
  if (r.rc !== 0) throw new Fail(failed('Unable to determine hashes of submodules', { stdout: r.out, stderr: r.err, rc: r.rc }));
  const out: Record<string, string> = {};
  let name: string | undefined;
  for (const line of r.out.split('\n')) {
    if (line.startsWith("Entering '")) name = line.slice(10, -1);
    else if (line.trim().length === 40 && name !== undefined) {
      out[name] = line.trim();
      name = undefined;
    }
  }
  return out;
}

async function submodulesFetch(g: Git, ctx: ModuleContext, dest: string, p: Params): Promise<boolean> {
  const gm = await ctx.run(`cat ${shq(posix.join(dest, '.gitmodules'))} 2>/dev/null`);
  if (gm.rc !== 0) return false;
  for (const line of gm.stdout.split('\n')) {
    if (line.trim().startsWith('path')) {
      const path = line.split('=').slice(1).join('=').trim();
      if ((await ctx.run(`[ -e ${shq(posix.join(dest, path, '.git'))} ]`)).rc !== 0) return true;
    }
  }
  const begin = await submoduleVersions(g, dest);
  await g.run(['submodule', 'foreach', g.bin, 'fetch'], dest, true);
  if (p.trackSubmodules) {
    const after = await submoduleVersions(g, dest, `${p.remote}/master`);
    return JSON.stringify(begin) !== JSON.stringify(after);
  }
  const st = await g.run(['submodule', 'status'], dest, true);
  return st.out.split('\n').some((l) => l.length > 0 && l[0] !== ' ');
}

async function submoduleUpdate(g: Git, ctx: ModuleContext, dest: string, p: Params): Promise<void> {
  await g.run(['submodule', 'sync'], dest, true);
  const cmd = ['submodule', 'update', '--init', '--recursive'];
  if (p.trackSubmodules) cmd.push('--remote');
  if (p.force) cmd.push('--force');
  const r = await g.run(cmd, dest);
  if (r.rc !== 0) throw new Fail(failed(`Failed to init/update submodules: ${r.out}${r.err}`));
}
