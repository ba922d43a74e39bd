/**
 * Ansible's add_path_info: every module result that names a `path` (else a `dest`) gets, when
 * that path exists on the host as the module leaves it, its uid, gid, owner, group, mode, state
 * (link, directory, hard when it has more than one link, else file) and size, read with lstat.
 * In check mode that is the state before the (skipped) change, as in Ansible.
 */
import type { ModuleContext, ModuleResult } from '../types.js';
import { formatMode } from './mode.js';
import { probe, type FileInfo } from './remote.js';

export interface PathInfo {
  uid: number;
  gid: number;
  owner: string;
  group: string;
  mode: string;
  state: 'link' | 'directory' | 'hard' | 'file';
  size: number;
}

/** The fields of an existing path from a probe item (not following links), or undefined. */
export function pathInfoOf(info: FileInfo): PathInfo | undefined {
  if (!info.exists) return undefined;
  const state = info.type === 'link' ? 'link' : info.type === 'directory' ? 'directory' : info.nlink > 1 ? 'hard' : 'file';
  return { uid: info.uid, gid: info.gid, owner: info.owner, group: info.group, mode: formatMode(info.mode), state, size: info.size };
}

/**
 * An sh command printing `PI\t...` for the path (an sh word such as "$d"), to append to a
 * script that changes the path: the final state comes back in the same round trip.
 */
export function pathInfoLine(pathWord: string): string {
  return `if [ -e ${pathWord} ]; then stat --printf 'PI\\t%u\\t%g\\t%U\\t%G\\t%a\\t%s\\t%h\\t%F\\n' -- ${pathWord}; fi`;
}

/** Parse the `PI` line of pathInfoLine from a script's stdout. */
export function parsePathInfoLine(stdout: string): PathInfo | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('PI\t'));
  if (!line) return undefined;
  const f = line.split('\t');
  const type = f[8] ?? '';
  const state = type === 'symbolic link' ? 'link' : type === 'directory' ? 'directory' : Number(f[7]) > 1 ? 'hard' : 'file';
  return { uid: Number(f[1]), gid: Number(f[2]), owner: f[3], group: f[4], mode: formatMode(parseInt(f[5], 8)), state, size: Number(f[6]) };
}

/** Merge path info into a result (nothing when the path does not exist). */
export function withPathInfo(result: ModuleResult, info: PathInfo | undefined): ModuleResult {
  if (info) Object.assign(result, info);
  return result;
}

/**
 * One probe of the result's `path` (else `dest`) and its fields merged in, as add_path_info does.
 * `known`: that path as the module's own probe found it (not following links, then following),
 * for a module that ran nothing on the host since: the probe would read the same again.
 */
export async function addPathInfo(ctx: ModuleContext, result: ModuleResult, known?: { info: FileInfo; target: FileInfo }): Promise<ModuleResult> {
  const p = typeof result.path === 'string' ? result.path : typeof result.dest === 'string' ? result.dest : undefined;
  if (p === undefined) return result;
  let info: FileInfo;
  let target: FileInfo;
  if (known) ({ info, target } = known);
  else {
    const pr = await probe(ctx, [
      { tag: 'pi', path: p },
      { tag: 'pt', path: p, follow: true, sameAs: 'pi' },
    ]);
    [info, target] = [pr.files.pi, pr.files.pt];
  }
  // os.path.exists follows links: a dangling link adds nothing; nlink is the target's
  if (!target.exists) return result;
  const pi = pathInfoOf(info);
  if (pi && pi.state === 'file' && target.nlink > 1) pi.state = 'hard';
  return withPathInfo(result, pi);
}
