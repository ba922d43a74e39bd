/**
 * ansible.builtin.subversion: check out, update, switch or export a Subversion repository on the
 * host with the host's svn, step by step as Ansible 2.14's module does it (its `svn info` /
 * `status` screen-scraping in the C locale, its results: `before`/`after` as "Revision: N" and
 * "URL: ..." lines, check mode's early answers). Reads run as they are; checkout, export, switch,
 * update and revert go through change(). A password goes to svn on stdin (svn 1.10 and later),
 * never on the command line.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, splitLines, withLines } from './util/args.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { ModuleFail, resultOf } from './util/fail.js';
import { expandPath, findBin } from './util/paths.js';

const args = declareArgs({
  dest: { type: 'str' },
  repo: { type: 'str', required: true, aliases: ['name', 'repository'] },
  revision: { type: 'str', default: 'HEAD', aliases: ['rev', 'version'] },
  force: { type: 'bool', default: false },
  username: { type: 'str' },
  password: { type: 'str' },
  executable: { type: 'str' },
  export: { type: 'bool', default: false },
  checkout: { type: 'bool', default: true },
  update: { type: 'bool', default: true },
  switch: { type: 'bool', default: true },
  in_place: { type: 'bool', default: false },
  validate_certs: { type: 'bool', default: false },
});
type Args = ReturnType<typeof args.read>;

/** Ansible's REVISION_RE: "Revision: N" in any language */
const REVISION_RE = /^[\p{L}\p{N}_]+\s?:\s+\d+$/mu;
/** the lines svn update/switch print for a changed path */
const CHANGED_LINE = /^[ABDUCGE]\s/;

export class Svn {
  private passwordStdin?: boolean;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly bin: string,
    private readonly a: Args,
  ) {}

  private async command(words: string[]): Promise<{ cmd: string; stdin?: string; shown: string }> {
    const bits = [this.bin, '--non-interactive', '--no-auth-cache'];
    if (!this.a.validate_certs) bits.push('--trust-server-cert');
    if (this.a.username) bits.push('--username', this.a.username);
    let stdin: string | undefined;
    if (this.a.password) {
      if (this.passwordStdin === undefined) {
        const v = await this.ctx.run(`${shq(this.bin)} --version --quiet`);
        if (v.rc !== 0) throw new ModuleFail(failed(v.stderr.trimEnd(), { cmd: `${this.bin} --version --quiet`, rc: v.rc, stdout: v.stdout, stderr: v.stderr }));
        this.passwordStdin = v.stdout.trim().localeCompare('1.10.0', undefined, { numeric: true }) >= 0;
      }
      if (!this.passwordStdin) throw new ModuleFail(failed('svn before 1.10 takes a password only on its command line: kbs does not put secrets there', { rc: 1 }));
      bits.push('--password-from-stdin');
      stdin = this.a.password;
    }
    bits.push(...words);
    // svn's output is read as text in the C locale, as Ansible's module sets it
    return { cmd: `LANG=C.UTF-8 LC_MESSAGES=C.UTF-8 ${bits.map(shq).join(' ')}`, stdin, shown: bits.join(' ') };
  }

  private fail(shown: string, r: { rc: number; stdout: string; stderr: string }): never {
    throw new ModuleFail(withLines(failed(r.stderr.trimEnd(), { cmd: shown, rc: r.rc, stdout: r.stdout, stderr: r.stderr })));
  }

  /** a read: its output lines, or the module's failure */
  async read(words: string[]): Promise<string[]> {
    const c = await this.command(words);
    const r = await this.ctx.run(c.cmd, c.stdin === undefined ? {} : { stdin: c.stdin });
    if (r.rc !== 0) this.fail(c.shown, r);
    return splitLines(r.stdout);
  }

  async rc(words: string[]): Promise<number> {
    const c = await this.command(words);
    return (await this.ctx.run(c.cmd, c.stdin === undefined ? {} : { stdin: c.stdin })).rc;
  }

  /** a change: its output lines (none in check mode), or the module's failure */
  async change(what: string, words: string[]): Promise<string[]> {
    const c = await this.command(words);
    const r = await change(this.ctx, what, c.cmd, { keepFailure: true, ...(c.stdin === undefined ? {} : { stdin: c.stdin }) });
    if (!r) return [];
    if (r.rc !== 0) this.fail(c.shown, r);
    return splitLines(r.stdout);
  }

  async revision(target: string, rev?: string): Promise<[string, string]> {
    const text = (await this.read(['info', ...(rev === undefined ? [] : ['-r', rev]), target])).join('\n');
    const url = /^URL\s?:.*$/m.exec(text);
    return [REVISION_RE.exec(text)?.[0] ?? 'Unable to get revision', url?.[0] ?? 'Unable to get URL'];
  }

  async localMods(dest: string): Promise<boolean> {
    return (await this.read(['status', '--quiet', '--ignore-externals', dest])).some((l) => /^[^?X]/.test(l));
  }
}

async function exists(ctx: ModuleContext, path: string): Promise<boolean> {
  return (await ctx.run(`[ -e ${shq(path)} ]`)).rc === 0;
}

async function svnRun(a: Args, ctx: ModuleContext): Promise<ModuleResult> {
  const dest = await expandPath(ctx, a.dest);
  const { repo, revision: rev, force } = a;
  let bin = a.executable === undefined ? undefined : await expandPath(ctx, a.executable);
  if (bin === undefined) {
    const found = await findBin(ctx, 'svn');
    if ('missing' in found) return failed(found.missing);
    bin = found.bin;
  }
  if (!dest && (a.checkout || a.update || a.export)) return failed('the destination directory must be specified unless checkout=no, update=no, and export=no');
  const svn = new Svn(ctx, bin, a);
  if (!a.export && !a.update && !a.checkout) {
    const text = (await svn.read(['info', repo])).join('\n');
    return { changed: false, after: REVISION_RE.exec(text)?.[0] ?? 'Unable to get remote revision' };
  }
  const target = dest as string;
  let before: [string, string] | null = null;
  let localMods = false;
  let filesChanged = false;
  if (a.export || !(await exists(ctx, target))) {
    if (ctx.check) return { changed: true };
    if (!a.export && !a.checkout) return { changed: false };
    if (!a.export) await svn.change(`check out ${repo}`, ['checkout', '-r', rev, repo, target]);
    else await svn.change(`export ${repo}`, ['export', ...(force ? ['--force'] : []), '-r', rev, repo, target]);
    filesChanged = true;
  } else if ((await svn.rc(['info', target])) === 0) {
    if (!a.update) return { changed: false };
    if (ctx.check) {
      if ((await svn.localMods(target)) && !force) return failed('ERROR: modified files exist in the repository.');
      const [curr] = await svn.revision(target);
      const [head] = await svn.revision(target, rev);
      const n = (s: string) => Number.parseInt(s.split(':')[1]?.trim() ?? '', 10);
      if (Number.isNaN(n(curr)) || Number.isNaN(n(head))) return failed(`invalid literal for int() with base 10: '${Number.isNaN(n(curr)) ? curr : head}'`);
      return { changed: n(curr) < n(head), before: curr, after: head };
    }
    before = await svn.revision(target);
    localMods = await svn.localMods(target);
    if (a.switch) filesChanged = (await svn.change(`switch ${target} to ${repo}`, ['switch', '--revision', rev, repo, target])).some((l) => CHANGED_LINE.test(l)) || filesChanged;
    if (localMods) {
      if (!force) return failed('ERROR: modified files exist in the repository.');
      // as Ansible's module: a line that is not "Reverted ..." counts as a change
      filesChanged = (await svn.change(`revert ${target}`, ['revert', '-R', target])).some((l) => !l.startsWith('Reverted ')) || filesChanged;
    }
    filesChanged = (await svn.change(`update ${target}`, ['update', '-r', rev, target])).some((l) => CHANGED_LINE.test(l)) || filesChanged;
  } else if (a.in_place) {
    await svn.change(`check out ${repo} over ${target}`, ['checkout', '--force', '-r', rev, repo, target]);
    filesChanged = true;
    localMods = await svn.localMods(target);
    if (localMods && force) await svn.change(`revert ${target}`, ['revert', '-R', target]);
  } else return failed(`ERROR: ${target} folder already exists, but its not a subversion repository.`);
  if (a.export) return { changed: true };
  return { changed: filesChanged || localMods, before, after: await svn.revision(target) };
}

export const subversion: ModuleDef = {
  name: 'subversion',
  schema: args.schema,
  async run(raw, ctx) {
    return resultOf(() => svnRun(args.read(raw), ctx));
  },
};
