/**
 * The shape of src/: the folders import each other without cycles (a folder is a layer: yaml/
 * below inventory/, inventory/ below template/, template/ below load/, ... cli/ on top), no file
 * outside its folder takes part in an import cycle, and a verb in cli/ never imports main.ts
 * (main.ts lists the verbs; a new verb is one file plus one line there; entry.ts starts main).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const SRC = join(dirname(new URL(import.meta.url).pathname), '../../src');

/** Every .ts file under a folder, as paths relative to it. */
function sources(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p, base);
    return e.name.endsWith('.ts') ? [relative(base, p)] : [];
  });
}

/** The relative imports of a file (static, re-exports, type-only and dynamic), as src-relative .ts paths. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.[^']*)'/g;
  for (const m of text.matchAll(re)) out.push(normalize(join(dirname(file), m[1])).replace(/\.js$/, '.ts'));
  return out;
}

/** The folder a src-relative file belongs to ('.' for src/errors.ts). */
function folderOf(file: string): string {
  const i = file.indexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

/** Cycles of a directed graph (one per strongly connected component with more than one node). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || graph.get(v)?.has(v)) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function edges(): { files: Map<string, Set<string>>; folders: Map<string, Set<string>>; why: Map<string, string> } {
  const files = new Map<string, Set<string>>();
  const folders = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const f of sources(SRC)) {
    const targets = importsOf(f, readFileSync(join(SRC, f), 'utf8'));
    files.set(f, new Set(targets));
    const from = folderOf(f);
    if (!folders.has(from)) folders.set(from, new Set());
    for (const t of targets) {
      const to = folderOf(t);
      if (to === from) continue;
      folders.get(from)!.add(to);
      if (!why.has(`${from}->${to}`)) why.set(`${from}->${to}`, `${f} imports ${t}`);
    }
  }
  return { files, folders, why };
}

test('the cycle finder finds cycles and accepts layers', () => {
  const g = (pairs: [string, string][]) => {
    const m = new Map<string, Set<string>>();
    for (const [a, b] of pairs) {
      if (!m.has(a)) m.set(a, new Set());
      if (!m.has(b)) m.set(b, new Set());
      m.get(a)!.add(b);
    }
    return m;
  };
  assert.deepEqual(cycles(g([['cli', 'engine'], ['engine', 'load'], ['load', 'yaml'], ['cli', 'yaml']])), []);
  assert.deepEqual(cycles(g([['load', 'schema'], ['schema', 'load'], ['cli', 'load']])), [['load', 'schema']]);
  assert.deepEqual(cycles(g([['a', 'b'], ['b', 'c'], ['c', 'a']])), [['a', 'b', 'c']]);
  assert.deepEqual(importsOf('cli/run.ts', "import { x } from './main.js';\nconst m = await import('../engine/play.js');"), ['cli/main.ts', 'engine/play.ts']);
});

test('the folders of src/ import each other without a cycle', () => {
  const { folders, why } = edges();
  assert.ok(folders.size > 10, 'the folders of src/ were read');
  const found = cycles(folders).map((c) => {
    const links = [...why].filter(([k]) => {
      const [a, b] = k.split('->');
      return c.includes(a) && c.includes(b);
    });
    return `${c.join(' <-> ')}:\n    ${links.map(([, v]) => v).join('\n    ')}`;
  });
  assert.deepEqual(found, [], `import cycles between folders:\n  ${found.join('\n  ')}`);
});

test('no import cycle spans two folders; verbs in cli/ do not import main.ts', () => {
  const { files } = edges();
  const spanning = cycles(files).filter((c) => new Set(c.map(folderOf)).size > 1);
  assert.deepEqual(spanning, []);
  const intoMain = [...files].filter(([f, ts]) => f !== 'cli/main.ts' && f !== 'cli/entry.ts' && ts.has('cli/main.ts')).map(([f]) => f);
  assert.deepEqual(intoMain, []);
});
