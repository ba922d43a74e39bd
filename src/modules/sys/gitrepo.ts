/**
 * The git module's runner on the host: `git ARGS` in a folder with the module's environment (reads
 * run as they are, changes through change(), so nothing changes in check mode), and the reads of
 * Ansible's module: revisions, branches, the HEAD's branch, the remote's head and URL.
 */
import { posix } from 'node:path';
import { shq } from '../../transport/shell.js';
import type { ModuleContext } from '../types.js';
import { failed } from '../util/args.js';
import { change } from '../util/change.js';
import { ModuleFail, type ToolOut } from '../util/fail.js';

export class Git {
  constructor(
    readonly ctx: ModuleContext,
    readonly bin: string,
    readonly env: Record<string, string>,
    readonly repo: string,
  ) {}

  /** `git ARGS` in cwd (or in the login folder); words are quoted, never split. */
  command(words: string[], cwd?: string): string {
    // as Ansible's run_command, a cwd that is not a folder (yet) is ignored
    return `${cwd ? `if [ -d ${shq(cwd)} ]; then cd ${shq(cwd)} || exit 1; fi; ` : ''}${[this.bin, ...words].map((w) => shq(w)).join(' ')}`;
  }

  /** a read: `git ARGS`, whose failure (with checkRc) is the module's failure */
  async run(words: string[], cwd?: string, checkRc = false): Promise<ToolOut> {
    const r = await this.ctx.run(this.command(words, cwd), { env: this.env });
    if (checkRc && r.rc !== 0) throw new ModuleFail(failed(r.stderr.trimEnd(), { cmd: [this.bin, ...words].join(' '), rc: r.rc, stdout: r.stdout, stderr: r.stderr }));
    return { rc: r.rc, out: r.stdout, err: r.stderr };
  }

  /**
   * `git ARGS` that changes the host, through change(): nothing runs in check mode (undefined is
   * returned); with checkRc a failure is the module's failure.
   */
  async change(what: string, words: string[], cwd?: string, checkRc = false): Promise<ToolOut | undefined> {
    const r = await change(this.ctx, what, this.command(words, cwd), { env: this.env, keepFailure: true });
    if (r === undefined) return undefined;
    if (checkRc && r.rc !== 0) throw new ModuleFail(failed(r.stderr.trimEnd(), { cmd: [this.bin, ...words].join(' '), rc: r.rc, stdout: r.stdout, stderr: r.stderr }));
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
    if (r.rc !== 0) throw new ModuleFail(failed(`Could not determine branch data - received ${r.out}`, { stdout: r.out, stderr: r.err }));
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
    if (i !== 0) throw new ModuleFail(failed('Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path'));
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
    if (r.out.length < 1) throw new ModuleFail(failed(`Could not determine remote revision for ${version}`, { stdout: r.out, stderr: r.err, rc: r.rc }));
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

  /** set the remote's URL when it differs (not in check mode); true when it differs from a URL set */
  async setRemoteUrl(dest: string, remote: string): Promise<boolean> {
    const url = await this.remoteUrl(dest, remote);
    if (url !== undefined && (url === this.repo || (await sameUrl(this.ctx, url, this.repo)))) return false;
    const r = await this.change(`set the URL of ${remote}`, ['remote', 'set-url', remote, this.repo], dest);
    if (r && r.rc !== 0) throw new ModuleFail(failed(`Failed to set a new url ${this.repo} for ${remote}: ${r.out} ${r.err}`));
    return url !== undefined;
  }
}

/** Ansible's unfrackgitpath comparison: both as normalized real paths (only for local paths). */
async function sameUrl(ctx: ModuleContext, a: string, b: string): Promise<boolean> {
  const r = await ctx.run(`realpath -m -- ${shq(a)} ${shq(b)} 2>/dev/null`);
  const [x, y] = r.stdout.split('\n');
  return r.rc === 0 && x === y;
}
