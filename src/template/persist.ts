/**
 * What templates compile to, kept across runs (compiled.ts): one file per build of kbs beside the
 * code cache, `tpl-PLACE-BUILD.bin` (docs/cli.md, "Code cache"). bin/kbs.js names the folder and
 * the file when it runs the bundle from a folder it trusts (the user's, writable by no one else);
 * without it (kbs run from its sources, KBS_CODE_CACHE=0) nothing is kept. Entries are keyed by
 * the template's text, so an entry is never stale within a build; a new build starts a new file
 * and removes its place's older ones. Read on first use, written atomically at exit when the run
 * compiled templates the file did not have. Only the templates of playbook and role files are kept,
 * never one holding a secret (compiled.ts). The file holds JavaScript that kbs runs, so it is read
 * only when bin/kbs.js found that it belongs to the user and no one else may write it (as the
 * code cache).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

export interface PersistedTemplate {
  /** the generated JavaScript (codegen.ts generateCode) */
  code: string;
  single?: { lead: string; trail: string; text?: boolean };
  names: { filters: string[]; tests: string[] };
}

/**
 * set by bin/kbs.js: the cache folder, the bundle's place as the code cache names it, this build's
 * file, and whether it may be read (it belongs to the user and no one else may write it; a file
 * that may not is not read, and the run's save replaces it)
 */
interface CachePlace {
  dir: string;
  place: string;
  file: string;
  readable: boolean;
}
const PLACE = Symbol.for('kbs.cache');

/**
 * The file's size limit (the sum of its texts and code, ~): a file over it is written again with
 * only what the run used, so that templates of playbooks no longer run do not pile up, and the
 * file stays quick to read at every start.
 */
const MAX_BYTES = 4 * 1024 * 1024;

let kept: Map<string, PersistedTemplate> | undefined;
let file: string | undefined;
let added = 0;
/** the keys this run looked up or added */
const used = new Set<string>();

function open(): Map<string, PersistedTemplate> {
  if (kept) return kept;
  kept = new Map();
  const where = (globalThis as Record<symbol, unknown>)[PLACE] as CachePlace | undefined;
  if (!where) return kept;
  file = where.file;
  try {
    if (where.readable) {
      const m = deserialize(readFileSync(file)) as unknown;
      if (m instanceof Map) kept = m as Map<string, PersistedTemplate>;
    }
  } catch {
    /* first run of this build, or a file V8 cannot read: start empty */
  }
  process.once('exit', () => save(where));
  return kept;
}

export function persisted(key: string): PersistedTemplate | undefined {
  const e = open().get(key);
  if (!e || !wellFormed(e)) return undefined; // an entry of another shape is compiled again (and replaced)
  used.add(key);
  return e;
}

function wellFormed(e: unknown): e is PersistedTemplate {
  const t = e as PersistedTemplate;
  return !!t && typeof t.code === 'string' && !!t.names && Array.isArray(t.names.filters) && Array.isArray(t.names.tests) && t.names.filters.every((n) => typeof n === 'string') && t.names.tests.every((n) => typeof n === 'string') && (t.single === undefined || (typeof t.single.lead === 'string' && typeof t.single.trail === 'string'));
}

export function persist(key: string, entry: PersistedTemplate): void {
  const m = open();
  if (!file) return;
  m.set(key, entry);
  used.add(key);
  added++;
}

const sizeOf = (key: string, e: PersistedTemplate) => key.length + e.code.length + 64;

/** What the file keeps: everything, or only what the run used when everything is over `maxBytes`. */
export function toKeep(all: Map<string, PersistedTemplate>, usedKeys: Set<string>, maxBytes = MAX_BYTES): Map<string, PersistedTemplate> {
  let total = 0;
  for (const [k, e] of all) total += sizeOf(k, e);
  return total <= maxBytes ? all : new Map([...all].filter(([k]) => usedKeys.has(k)));
}

/** written atomically; this place's files of older builds removed; errors ignored (the file is an optimisation) */
function save(where: CachePlace): void {
  if (!added || !file || !kept) return;
  try {
    const keep = toKeep(kept, used);
    mkdirSync(where.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, serialize(keep), { mode: 0o600 });
    renameSync(tmp, file);
    const mine = `tpl-${where.place}-`;
    for (const f of readdirSync(where.dir)) if (f.startsWith(mine) && f.endsWith('.bin') && join(where.dir, f) !== file) rmSync(join(where.dir, f), { force: true });
  } catch {
    /* a read-only folder: run without it */
  }
}
