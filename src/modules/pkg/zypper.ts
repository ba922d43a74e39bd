/**
 * community.general.zypper's pure parts: the wanted packages of `name` (a `+`/`-`/`~` prefix, a
 * version bound such as `docker>=1.10`, rpm files and URLs apart), zypper's command lines as the
 * module builds them (global options, the subcommand and its options, extra_args), the one probe
 * script (zypper's and transactional-update's paths, the installed-state search) and what a run
 * of zypper reports (its XML read by zypperxml.ts, Ansible's messages and `prepared` diff).
 */
import { shq } from '../../transport/shell.js';
import type { ModuleResult } from '../types.js';
import { probeSections } from '../util/change.js';
import { readZypperXml, type Solvable } from './zypperxml.js';

export const ZYPPER_STATES = ['absent', 'installed', 'latest', 'present', 'removed', 'dist-upgrade'] as const;
export const ZYPPER_TYPES = ['package', 'patch', 'pattern', 'product', 'srcpackage', 'application'] as const;

/** the module's arguments, as read */
export interface ZypperArgs {
  name: string[];
  state: (typeof ZYPPER_STATES)[number];
  type: (typeof ZYPPER_TYPES)[number];
  extra_args_precommand?: string;
  disable_gpg_check: boolean;
  disable_recommends: boolean;
  force: boolean;
  force_resolution: boolean;
  update_cache: boolean;
  oldpackage: boolean;
  extra_args?: string;
  allow_vendor_change: boolean;
  replacefiles: boolean;
  clean_deps: boolean;
  simple_errors: boolean;
  quiet: boolean;
}

/** a wanted package: `+` install, `-` remove; a version bound kept as written (`>=1.10`) */
export interface WantPkg {
  prefix: '+' | '-';
  name: string;
  version: string;
}

export const pkgWord = (p: WantPkg): string => p.prefix + p.name + p.version;

/** split_name_version: the prefix (`~` is `-`), the name and a version bound of digits, dots and dashes */
export function splitNameVersion(spec: string): { prefix: string; name: string; version: string } {
  let prefix = '';
  let rest = spec;
  if ('-~+'.includes(rest[0])) {
    prefix = rest[0] === '~' ? '-' : rest[0];
    rest = rest.slice(1);
  }
  const m = /^([\s\S]*?)((?:<|>|<=|>=|=)[0-9.-]*)?$/.exec(rest);
  return m ? { prefix, name: m[1], version: m[2] ?? '' } : { prefix, name: rest, version: '' };
}

/** get_want_state: the packages (unprefixed ones installed, or removed with REMOVE) and the rpm files or URLs */
export function wantState(names: string[], remove: boolean): { packages: WantPkg[]; urls: string[] } {
  const packages: WantPkg[] = [];
  const urls: string[] = [];
  for (const n of names) {
    if (n.includes('://') || n.endsWith('.rpm')) {
      urls.push(n);
      continue;
    }
    const s = splitNameVersion(n);
    const prefix = s.prefix === '-' || s.prefix === '+' ? s.prefix : remove ? '-' : '+';
    packages.push({ prefix, name: s.name, version: s.version });
  }
  return { packages, urls };
}

/** where zypper runs: its path, and transactional-update's when / is a read-only btrfs */
export interface ZypperHost {
  zypper: string;
  tu?: string;
}

export type Subcommand = 'install' | 'update' | 'patch' | 'dist-upgrade' | 'remove' | 'refresh' | 'search';

/** get_cmd: zypper's command line for SUB, as the module builds it (ends before the package words) */
export function zypperArgv(a: ZypperArgs, host: ZypperHost, sub: Subcommand, o: { check: boolean; oldpackage?: boolean }): string[] {
  const install = sub === 'install' || sub === 'update' || sub === 'patch' || sub === 'dist-upgrade';
  const cmd = [host.zypper, ...(a.quiet ? ['--quiet'] : []), '--non-interactive', '--xmlout'];
  if (host.tu) cmd.unshift(host.tu, '--continue', '--drop-if-no-change', '--quiet', 'run');
  if (a.extra_args_precommand) cmd.push(...a.extra_args_precommand.split(/\s+/).filter(Boolean));
  if ((install || sub === 'refresh') && a.disable_gpg_check) cmd.push('--no-gpg-checks');
  if (sub === 'search') cmd.push('--disable-repositories');
  cmd.push(sub);
  if (sub !== 'patch' && sub !== 'dist-upgrade' && sub !== 'refresh') cmd.push('--type', a.type);
  if (o.check && sub !== 'search') cmd.push('--dry-run');
  if (install) {
    cmd.push('--auto-agree-with-licenses');
    if (a.disable_recommends) cmd.push('--no-recommends');
    if (a.force) cmd.push('--force');
    if (a.force_resolution) cmd.push('--force-resolution');
    if (a.oldpackage || o.oldpackage) cmd.push('--oldpackage');
    if (a.replacefiles) cmd.push('--replacefiles');
  }
  if (sub === 'remove' && a.clean_deps) cmd.push('--clean-deps');
  if (sub === 'dist-upgrade' && a.allow_vendor_change) cmd.push('--allow-vendor-change');
  // Python's str.split(' '): two spaces give an empty argument
  if (a.extra_args) cmd.push(...a.extra_args.split(' '));
  return cmd;
}

/** the environment of every zypper call (run_command_environ_update) */
export const ZYPPER_ENV = 'LANG=C LC_ALL=C LC_MESSAGES=C';

/** ARGV as one shell command under ZYPPER_ENV */
export const shellOf = (argv: string[]): string => `${ZYPPER_ENV} ${argv.map(shq).join(' ')}`;

/** the search options and names of get_installed_state, after get_cmd('search') */
export const searchTail = (names: string[]): string[] => ['--match-exact', '--details', '--installed-only', ...names];

/** get_bin_path in sh: the first executable $1 on PATH or in the sbin folders, else the folders searched */
const FIND_BIN = [
  'kbs_bin() (',
  '  p="$PATH"',
  '  for d in /sbin /usr/sbin /usr/local/sbin; do case ":$p:" in *":$d:"*) ;; *) [ -e "$d" ] && p="$p:$d";; esac; done',
  '  IFS=:',
  '  for d in $p; do [ -n "$d" ] && [ -e "$d/$1" ] && [ ! -d "$d/$1" ] && [ -x "$d/$1" ] && { printf "%s\\t%s\\n" "$1" "$d/$1"; exit 0; }; done',
  '  printf "%s-missing\\t%s\\n" "$1" "$p"; exit 1',
  ')',
];

/**
 * The probe: zypper's path (a `zypper` line, or `zypper-missing` with the folders searched);
 * transactional-update's when / is mounted read-only from btrfs; and, when SEARCH lists names
 * (null: no search), the installed-state search with its output, error output and exit code in
 * the sections @@out, @@err and @@rc.
 */
export function probeScript(a: ZypperArgs, search: string[] | null): string {
  const L = [`export ${ZYPPER_ENV}`, ...FIND_BIN];
  L.push('zl=$(kbs_bin zypper); printf \'%s\\n\' "$zl"; Z=${zl#*\t}; TU=');
  L.push('if [ -e /usr/sbin/transactional-update ]; then');
  L.push('  set -- $(awk \'$2 == "/" { print $3, $4; exit }\' /proc/mounts)');
  L.push('  if [ "$1" = btrfs ]; then case ",$2," in *,ro,*) tl=$(kbs_bin transactional-update) && TU=${tl#*\t}; printf \'%s\\n\' "$tl";; esac; fi');
  L.push('fi');
  if (search) {
    const argv = zypperArgv(a, { zypper: '@Z' }, 'search', { check: false });
    const words = [...argv.slice(1), ...searchTail(search)].map(shq).join(' ');
    L.push('case "$zl" in zypper-missing*) exit 0;; esac');
    L.push('set -- "$Z"; [ -n "$TU" ] && set -- "$TU" --continue --drop-if-no-change --quiet run "$Z"');
    L.push('e=$(mktemp) || exit 1');
    L.push(`printf '@@out\\n'; "$@" ${words} 2>"$e"; rc=$?`);
    L.push(`printf '\\n@@err\\n'; cat "$e"; rm -f "$e"; printf '\\n@@rc\\n%s\\n' "$rc"`);
  }
  return L.join('\n') + '\n';
}

/** what the probe found: the host's binaries (or get_bin_path's failure) and the search's run */
export interface ZypperProbe {
  host?: ZypperHost;
  missing?: string;
  search?: { rc: number; stdout: string; stderr: string };
}

export function readProbe(out: string): ZypperProbe {
  const lines = out.split('@@out\n')[0].split('\n');
  const field = (k: string) => lines.find((l) => l.startsWith(`${k}\t`))?.slice(k.length + 1);
  const p: ZypperProbe = {};
  const zypper = field('zypper');
  const tuMissing = field('transactional-update-missing');
  if (zypper === undefined) p.missing = `Failed to find required executable "zypper" in paths: ${field('zypper-missing') ?? ''}`;
  else if (tuMissing !== undefined) p.missing = `Failed to find required executable "transactional-update" in paths: ${tuMissing}`;
  else p.host = { zypper, tu: field('transactional-update') };
  if (out.includes('@@out\n')) {
    const s = probeSections(out.slice(out.indexOf('@@out\n')));
    p.search = { stdout: (s.out ?? '').replace(/\n$/, ''), stderr: (s.err ?? '').replace(/\n$/, ''), rc: Number((s.rc ?? '').trim()) };
  }
  return p;
}

/** a zypper run as parse_zypper_xml sees it */
export interface ZypperRun {
  rc: number;
  stdout: string;
  stderr: string;
}

export type Parsed = { packages: Map<string, Solvable>; run: ZypperRun } | { fail: ModuleResult };

/**
 * parse_zypper_xml: the solvables of a run (into PACKAGES, for the second run after exit code 103),
 * or the module's failure: output that is not XML, 104 (nothing found: `{}` for a search, else
 * the last message), an exit code other than 0, 102, 103, 106. simple_errors puts the messages
 * in place of stdout.
 */
export function parseRun(a: ZypperArgs, argv: string[], r: ZypperRun, failNotFound: boolean, packages = new Map<string, Solvable>()): Parsed {
  const x = readZypperXml(r.stdout);
  const base = { rc: r.rc, stdout: r.stdout, stderr: r.stderr, cmd: argv };
  if ('error' in x) return { fail: { changed: false, failed: true, msg: `Failed to parse zypper xml output: ${x.error}`, ...base } };
  const simple = (): ZypperRun => (a.simple_errors && x.messages.length ? { ...r, stdout: x.messages.join(' \n') } : r);
  if (r.rc === 104) {
    if (failNotFound) return { fail: { changed: false, failed: true, msg: x.messages[x.messages.length - 1] ?? '', ...base } };
    return { packages: new Map(), run: r };
  }
  if ([0, 102, 103, 106].includes(r.rc)) {
    // a dict by name: a later solvable of the same name replaces the earlier one in its place
    for (const s of x.solvables) packages.set(s.name, s);
    return { packages, run: simple() };
  }
  return { fail: { changed: false, failed: true, msg: `Zypper run command failed with return code ${r.rc}.`, ...base, stdout: simple().stdout } };
}

/** set_diff: the installed, removed and upgraded packages of a run, one line each */
export function preparedDiff(packages: Map<string, Solvable> | undefined): string {
  const groups: Record<string, string[]> = { installed: [], removed: [], upgraded: [] };
  for (const [name, s] of packages ?? []) {
    if (s.group === 'to-upgrade') groups.upgraded.push(`${name} (${s.editionOld} => ${s.edition})`);
    else if (s.group === 'to-install') groups.installed.push(name);
    else if (s.group === 'to-remove') groups.removed.push(name);
  }
  return Object.entries(groups)
    .filter(([, v]) => v.length)
    .map(([k, v]) => `${k}: ${v.join(', ')}\n`)
    .join('');
}
