/**
 * ansible.builtin.git: clone or update a checkout (or a bare repository) on the host with the
 * host's git, step by step as Ansible's module does it: ls-remote for the wanted revision, clone
 * (depth, single_branch, refspec, bare, remote name), or status/fetch/checkout/reset of an
 * existing checkout, submodules; `before`/`after` revisions and `remote_url_changed` as results.
 * Each git command is one exec (`cd DEST && git ...`, C locale); ssh options reach git through
 * GIT_SSH_COMMAND. Every command that changes the host goes through change() (sys/gitrepo.ts);
 * check mode reports the remote's head where Ansible's module does, before any change.
 */
import { posix } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { LIST_OF_STR } from './util/schema.js';
import { safeUrl } from './sys/curl.js';
import { Git } from './sys/gitrepo.js';
import { ModuleFail, resultOf } from './util/fail.js';

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
    return resultOf(() => runGit(g, ctx, p));
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
    // as Ansible's module: check mode (and clone=no) reports the remote's head and clones nothing
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
      if (await g.change('discard the local modifications', ['reset', '--hard', 'HEAD'], dest, true)) {
        result.changed = true;
        result.msg = `Local modifications exist in the destination: ${dest}`;
      }
    }
    const urlChanged = await g.setRemoteUrl(dest!, p.remote);
    result.remote_url_changed = urlChanged;
    // as Ansible's module: check mode reports the remote's head, before any fetch
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
      await submoduleUpdate(g, dest!, p);
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
  await change(ctx, `create ${parent}`, `mkdir -p -- ${shq(parent)}`, { keepFailure: true });
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
  await g.change(`clone ${safeUrl(g.repo)}`, cmd, parent, true);
  if (p.bare && p.remote !== 'origin') await g.change(`add remote ${p.remote}`, ['remote', 'add', p.remote, g.repo], dest, true);
  if (p.refspec) {
    const f = ['fetch'];
    if (p.depth) f.push('--depth', String(p.depth));
    f.push(p.remote, p.refspec);
    await g.change(`fetch ${p.refspec}`, f, dest, true);
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
  const r = await g.change(`fetch from ${p.remote}`, cmd, dest);
  if (r && r.rc !== 0) throw new ModuleFail(failed(`Failed to download remote objects and refs: ${r.out} ${r.err}`, { cmd: [g.bin, ...cmd].join(' ') }));
}

async function switchVersion(g: Git, dest: string, p: Params): Promise<void> {
  let cmd: string[];
  let branch: string | undefined;
  if (p.version === 'HEAD') {
    branch = await g.headBranch(dest, p.remote, false);
    const r = await g.change(`check out ${branch}`, ['checkout', '--force', branch ?? ''], dest);
    if (r && r.rc !== 0) throw new ModuleFail(failed(`Failed to checkout branch ${branch}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
    cmd = ['reset', '--hard', `${p.remote}/${branch}`, '--'];
  } else if (await g.isRemoteBranch(dest, p.remote, p.version)) {
    if (p.depth && !(await g.isLocalBranch(dest, p.version))) {
      const refs = [`+refs/heads/${p.version}:refs/heads/${p.version}`, `+refs/heads/${p.version}:refs/remotes/${p.remote}/${p.version}`];
      const r = await g.change(`fetch branch ${p.version}`, ['fetch', `--depth=${p.depth}`, p.remote, ...refs], dest);
      if (r && r.rc !== 0) throw new ModuleFail(failed(`Failed to fetch branch from remote: ${p.version}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
    }
    if (!(await g.isLocalBranch(dest, p.version))) cmd = ['checkout', '--track', '-b', p.version, `${p.remote}/${p.version}`];
    else {
      const r = await g.change(`check out ${p.version}`, ['checkout', '--force', p.version], dest);
      if (r && r.rc !== 0) throw new ModuleFail(failed(`Failed to checkout branch ${p.version}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
      cmd = ['reset', '--hard', `${p.remote}/${p.version}`];
    }
  } else cmd = ['checkout', '--force', p.version];
  const r = await g.change(`switch to ${p.version}`, cmd, dest);
  if (r && r.rc !== 0) {
    const what = p.version !== 'HEAD' ? `Failed to checkout ${p.version}` : `Failed to checkout branch ${branch}`;
    throw new ModuleFail(failed(what, { stdout: r.out, stderr: r.err, rc: r.rc, cmd: [g.bin, ...cmd].join(' ') }));
  }
}

async function submoduleVersions(g: Git, dest: string, version = 'HEAD'): Promise<Record<string, string>> {
  const r = await g.run(['submodule', 'foreach', g.bin, 'rev-parse', version], dest);
  if (r.rc !== 0) throw new ModuleFail(failed('Unable to determine hashes of submodules', { stdout: r.out, stderr: r.err, rc: r.rc }));
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
  await g.change('fetch the submodules', ['submodule', 'foreach', g.bin, 'fetch'], dest, true);
  if (p.trackSubmodules) {
    const after = await submoduleVersions(g, dest, `${p.remote}/master`);
    return JSON.stringify(begin) !== JSON.stringify(after);
  }
  const st = await g.run(['submodule', 'status'], dest, true);
  return st.out.split('\n').some((l) => l.length > 0 && l[0] !== ' ');
}

async function submoduleUpdate(g: Git, dest: string, p: Params): Promise<void> {
  await g.change('sync the submodules', ['submodule', 'sync'], dest, true);
  const cmd = ['submodule', 'update', '--init', '--recursive'];
  if (p.trackSubmodules) cmd.push('--remote');
  if (p.force) cmd.push('--force');
  const r = await g.change('update the submodules', cmd, dest);
  if (r && r.rc !== 0) throw new ModuleFail(failed(`Failed to init/update submodules: ${r.out}${r.err}`));
}
