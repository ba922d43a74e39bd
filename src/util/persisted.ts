/**
 * A map kept across runs in one file beside the code cache (docs/cli.md, "Code cache"): what
 * templates compile to (src/template/persist.ts) and what playbook and role files parse to
 * (src/yaml/cache.ts). bin/kbs.js names the folder and each kind's file, `KIND-PLACE-BUILD.bin`,
 * when it runs the bundle from a folder it trusts (the user's, writable by no one else); without
 * it (kbs run from its sources, KBS_CODE_CACHE=0) nothing is kept. Entries are keyed by the text
 * they come from, so an entry is never stale within a build; a new build starts a new file and
 * removes its place's older ones. Read on first use, written atomically at exit when the run added
 * entries. What the files hold becomes code or tasks kbs runs, so a file is read only when
 * bin/kbs.js found that it belongs to the user and no one else may write it (as the code cache).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

export type PersistedKind = 'tpl' | 'yaml';

/**
 * set by bin/kbs.js: the cache folder, the bundle's place as the code cache names it, and for each
 * kind this build's file and whether it may be read (it belongs to the user and no one else may
 * write it; a file that may not is not read, and the run's save replaces it)
 */
interface CachePlace {
  dir: string;
  place: string;
  files: Record<PersistedKind, { file: string; readable: boolean }>;
}
const PLACE = Symbol.for('kbs.cache');

export interface PersistedMapOptions<T> {
  kind: PersistedKind;
  /** an entry of another shape (a file edited by hand, an older layout) is treated as missing */
  wellFormed(e: unknown): e is T;
  /** the approximate bytes of an entry, for the file's size limit */
  sizeOf(key: string, e: T): number;
  /**
   * The file's size limit: a file over it is written again with only what the run used, so that
   * entries of files no longer run do not pile up, and the file stays quick to read at every start.
   */
  maxBytes: number;
}

/** What the file keeps: everything, or only what the run used when everything is over `maxBytes`. */
export function toKeep<T>(all: Map<string, T>, usedKeys: Set<string>, sizeOf: (key: string, e: T) => number, maxBytes: number): Map<string, T> {
  let total = 0;
  for (const [k, e] of all) total += sizeOf(k, e);
  return total <= maxBytes ? all : new Map([...all].filter(([k]) => usedKeys.has(k)));
}

export class PersistedMap<T> {
  private kept?: Map<string, T>;
  private file?: string;
  private added = 0;
  /** the keys this run looked up or added */
  private readonly used = new Set<string>();

  constructor(private readonly o: PersistedMapOptions<T>) {}

  get(key: string): T | undefined {
    const e = this.open().get(key);
    if (e === undefined || !this.o.wellFormed(e)) return undefined;
    this.used.add(key);
    return e;
  }

  set(key: string, entry: T): void {
    const m = this.open();
    if (!this.file) return;
    m.set(key, entry);
    this.used.add(key);
    this.added++;
  }

  private open(): Map<string, T> {
    if (this.kept) return this.kept;
    this.kept = new Map();
    const where = (globalThis as Record<symbol, unknown>)[PLACE] as CachePlace | undefined;
    const mine = where?.files?.[this.o.kind];
    if (!where || !mine) return this.kept;
    this.file = mine.file;
    try {
      if (mine.readable) {
        const m = deserialize(readFileSync(mine.file)) as unknown;
        if (m instanceof Map) this.kept = m as Map<string, T>;
      }
    } catch {
      /* first run of this build, or a file V8 cannot read: start empty */
    }
    process.once('exit', () => this.save(where));
    return this.kept;
  }

  /** written atomically; this place's files of older builds removed; errors ignored (the file is an optimisation) */
  private save(where: CachePlace): void {
    const { file, kept } = this;
    if (!this.added || !file || !kept) return;
    try {
      const keep = toKeep(kept, this.used, this.o.sizeOf, this.o.maxBytes);
      mkdirSync(where.dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize(keep), { mode: 0o600 });
      renameSync(tmp, file);
      const prefix = `${this.o.kind}-${where.place}-`;
      for (const f of readdirSync(where.dir)) if (f.startsWith(prefix) && f.endsWith('.bin') && join(where.dir, f) !== file) rmSync(join(where.dir, f), { force: true });
    } catch {
      /* a read-only folder: run without it */
    }
  }
}
