/**
 * Registered results, kbs against ansible-playbook 2.14, over a real sshd: the playbook
 * test/fixtures/return-fields/site.yml registers every module's result and shows it with
 * `debug: var=r`; both tools run it under --check on a fresh folder, then twice for real (the
 * changed path, then the unchanged one). For every task the SET OF KEYS must be the same, nested
 * mappings (stat, extract_results) and the entries of lists of mappings (find's files) included,
 * and so must every value that does not depend on time, inode numbers or temp names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';
import { USERS, startHosts, stopHosts } from './modules-ssh-shared.js';

const PB = resolve('test/fixtures/return-fields/site.yml');
const HOST = 'asroot';
let sshd: Sshd;
let work: string;
let inv: string;
let server: Server;
let http: string;
let httpPort: number;
let archive: string;

/** The page's Last-Modified; a request with If-Modified-Since from then on gets 304 (as Python's http.server) */
const MODIFIED = new Date('2026-01-02T03:04:05Z');

before(async () => {
  removeAccounts();
  ({ sshd, work, inv } = await startHosts('retfields', { [HOST]: USERS.asroot }));
  server = createServer((req, res) => {
    const ims = req.headers['if-modified-since'];
    if (ims && new Date(ims).getTime() >= MODIFIED.getTime()) {
      res.statusCode = 304;
      return res.end();
    }
    if (req.url !== '/page.txt') {
      res.statusCode = 404;
      return res.end('not here\n');
    }
    // Ansible's urllib asks for Connection: close, curl keeps the connection: answer both alike
    res.setHeader('Connection', 'close');
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Last-Modified', MODIFIED.toUTCString());
    res.end('page\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  httpPort = (server.address() as AddressInfo).port;
  http = `http://127.0.0.1:${httpPort}`;
  const src = join(work, 'archive-src');
  mkdirSync(src);
  writeFileSync(join(src, 'inside.txt'), 'inarch\n');
  archive = join(work, 'a.tgz');
  execFileSync('tar', ['czf', archive, '-C', src, 'inside.txt']);
});

/** the users and groups the tools create; also removed first, in case a killed run left them */
function removeAccounts(): void {
  for (const t of ['a', 'k']) {
    execFileSync('sh', ['-c', `userdel r11${t}usr 2>/dev/null; groupdel r11${t}grp 2>/dev/null; true`]);
  }
}

after(async () => {
  removeAccounts();
  server?.close();
  await stopHosts(sshd, work);
});

type R = Record<string, unknown>;

/** case name → the registered `r` its "show CASE" task printed */
type Shown = Record<string, unknown>;

const vars = (tool: string, base: string) => ['-e', `base=${base}`, '-e', `tool=${tool}`, '-e', `http=${http}`, '-e', `http_port=${httpPort}`, '-e', `archive=${archive}`];

async function ansibleRun(base: string, extra: string[]): Promise<Shown> {
  // a fixed interpreter: discovery would add ansible_facts.discovered_interpreter_python to the first result
  const a = await ansiblePlaybook(['-i', inv, PB, ...vars('a', base), '-e', 'ansible_python_interpreter=/usr/bin/python3', ...extra], work, { ANSIBLE_STDOUT_CALLBACK: 'json' });
  const start = a.out.indexOf('{\n');
  assert.ok(start >= 0, a.out.slice(-3000));
  const doc = JSON.parse(a.out.slice(start, a.out.lastIndexOf('\n}') + 2)) as { plays: { tasks: { task: { name: string }; hosts: Record<string, R> }[] }[] };
  const shown: Shown = {};
  for (const p of doc.plays) for (const t of p.tasks) if (t.task.name.startsWith('show ')) shown[t.task.name.slice(5)] = t.hosts[HOST]?.r;
  return shown;
}

async function kbsRun(base: string, extra: string[]): Promise<Shown> {
  const k = await kbs(['run', PB, '-i', inv, ...vars('k', base), ...extra]);
  const shown: Shown = {};
  for (const e of k.events) if (e.type === 'host_result' && e.task.startsWith('show ')) shown[e.task.slice(5)] = (e.result as R).r;
  assert.ok(Object.keys(shown).length > 0, k.stdout.slice(-3000) + k.stderr);
  return shown;
}

/**
 * Keys Ansible adds that are not the module's return fields, never compared:
 * - `invocation`: the module's arguments, added by AnsibleModule for -v output;
 * - `diff`: Ansible's file modules compute it on every run and show it only under --diff; kbs
 *   computes it only under --diff (the --diff output itself is compared elsewhere);
 * - `exception`: the Python traceback of a failure (shown with -vvv).
 * `_ansible_*` keys never reach a registered variable.
 */
const NOT_COMPARED = new Set(['invocation', 'diff', 'exception']);

/** Keys compared by presence only, at any depth: times, inode data, timestamped backup names. */
const VOLATILE = new Set(['start', 'end', 'delta', 'stop', 'elapsed', 'atime', 'mtime', 'ctime', 'inode', 'dev', 'version', 'backup_file', 'date', 'last_modified', 'server']);

/** More keys compared by presence only, per case. */
const VOLATILE_IN: Record<string, string[]> = {
  // the remote temp file the content went through: Ansible's ansible-tmp-*/source, kbs's own
  'copy content': ['src'],
  'copy src': ['src'],
  'copy backup': ['src'],
  template: ['src'],
  get_url: ['src'],
  'get_url file': ['src'],
  // where the archive was: Ansible's uploaded temp copy, kbs's workstation path; the tar command
  // (kbs: the shell command line it ran, a string; Ansible: tar's argv, a list; docs/modules.md)
  unarchive: ['src', 'cmd'],
  // lineinfile's backup name carries a timestamp
  'lineinfile backup': ['backup'],
  // the time really paused, to 2 decimals
  pause: ['stdout'],
  // Ansible runs raw and script on a tty over ssh (CRLF, stderr in stdout, ssh's "Shared
  // connection ... closed." in stderr); kbs keeps the streams apart (docs/modules.md)
  raw: ['stdout', 'stderr', 'stdout_lines', 'stderr_lines'],
  script: ['stdout', 'stderr', 'stdout_lines', 'stderr_lines'],
  // each tool creates its own group (gid 47110 / 47120) and user (the next free uid)
  group: ['gid'],
  user: ['group', 'uid'],
};

/**
 * Cases whose result differs under --check, knowingly (docs/modules.md lists them): uri runs
 * GET requests in check mode; get_url reports a missing folder before the request Ansible makes;
 * a failing file task reports its message (with kbs's hint) without the path keys.
 */
const CHECK_DIFFERENCES = new Set(['uri', 'get_url', 'get_url file', 'file file', 'file link', 'file hard']);

function norm(v: unknown): unknown {
  const text = JSON.stringify(v ?? null)
    .replaceAll(join(work, 'AC'), 'BASE')
    .replaceAll(join(work, 'KC'), 'BASE')
    .replaceAll(join(work, 'A'), 'BASE')
    .replaceAll(join(work, 'K'), 'BASE')
    .replace(/r11[ak](usr|grp)/g, 'r11X$1');
  return JSON.parse(text);
}

function normKeys(m: R): R {
  return Object.fromEntries(Object.entries(m).map(([key, v]) => [norm(key) as string, v]));
}

const isMap = (v: unknown): v is R => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every difference between two results: "case: key.path: what". */
function differences(name: string, a0: unknown, k0: unknown, path: string, volatile: Set<string>, out: string[]): void {
  if (isMap(a0) && isMap(k0)) {
    // keys that are paths (find's skipped_paths) in each tool's own folder
    const [a, k] = [normKeys(a0), normKeys(k0)];
    const ak = Object.keys(a).filter((x) => !NOT_COMPARED.has(x));
    const kk = Object.keys(k).filter((x) => !NOT_COMPARED.has(x));
    const onlyA = ak.filter((x) => !(x in k)).sort();
    const onlyK = kk.filter((x) => !(x in a)).sort();
    if (onlyA.length) out.push(`${name}: ${path || '.'}: only Ansible has ${onlyA.join(', ')}`);
    if (onlyK.length) out.push(`${name}: ${path || '.'}: only kbs has ${onlyK.join(', ')}`);
    for (const key of ak.filter((x) => x in k)) {
      if (volatile.has(key)) continue;
      differences(name, a[key], k[key], path ? `${path}.${key}` : key, volatile, out);
    }
    return;
  }
  const [a, k] = [a0, k0];
  if (Array.isArray(a) && Array.isArray(k) && a.some(isMap)) {
    // find's files: the same entries, compared in path order
    const byPath = (l: unknown[]) => [...l].sort((x, y) => String((x as R).path).localeCompare(String((y as R).path)));
    if (a.length !== k.length) out.push(`${name}: ${path}: ${a.length} entries under Ansible, ${k.length} under kbs`);
    const [as, ks] = [byPath(a), byPath(k)];
    for (let i = 0; i < Math.min(as.length, ks.length); i++) differences(name, as[i], ks[i], `${path}[${i}]`, volatile, out);
    return;
  }
  const [x, y] = [JSON.stringify(norm(a)), JSON.stringify(norm(k))];
  if (x !== y) out.push(`${name}: ${path}: Ansible ${x.slice(0, 200)}, kbs ${y.slice(0, 200)}`);
}

function compare(phase: string, ansible: Shown, kbsShown: Shown, skip: Set<string> = new Set()): string[] {
  const out: string[] = [];
  assert.ok(Object.keys(ansible).length >= 40, `${phase}: Ansible showed ${Object.keys(ansible).length} results`);
  for (const [name, a] of Object.entries(ansible)) {
    if (!(name in kbsShown)) {
      out.push(`${name}: no result under kbs`);
      continue;
    }
    if (skip.has(name)) continue;
    differences(name, a, kbsShown[name], '', new Set([...VOLATILE, ...(VOLATILE_IN[name] ?? [])]), out);
  }
  return out.map((d) => `${phase}: ${d}`);
}

test('registered results: the keys and values of Ansible 2.14, under --check, on the first and on the second run', async () => {
  const [A, K] = [join(work, 'A'), join(work, 'K')];
  // each tool works in folders (and on a user and group) of its own: both run at once
  const [[ac, a1, a2], [kc, k1, k2]] = await Promise.all([
    (async () => [await ansibleRun(join(work, 'AC'), ['--check']), await ansibleRun(A, []), await ansibleRun(A, [])])(),
    (async () => [await kbsRun(join(work, 'KC'), ['--check']), await kbsRun(K, []), await kbsRun(K, [])])(),
  ]);
  // the comparison itself can fail: a known field of each phase is there under Ansible
  assert.equal((a1['copy src'] as R).md5sum, '7d112083ec9ea0b8e558e6df9a29a412');
  assert.equal((a2['copy src'] as R).path, join(A, 'd/hello.txt'));
  assert.deepEqual({ ...(ac['copy content'] as R), diff: undefined }, { changed: true, failed: false, diff: undefined });
  const diffs = [...compare('--check', ac, kc, CHECK_DIFFERENCES), ...compare('first run', a1, k1), ...compare('second run', a2, k2)];
  assert.deepEqual(diffs, []);
  // the cases left out under --check still have a result under kbs
  for (const name of CHECK_DIFFERENCES) assert.ok(isMap(kc[name]), `${name} under --check`);
});
