#!/usr/bin/env node
// The built kbs in one file, dist/kbs.cjs (npm run build: tsc, then scripts/bundle.mjs), compiled
// with V8's code cache: the first run of each command saves the code V8 compiled for it, later
// runs start from it (docs/cli.md, "Code cache"). Node 20 has no code cache for ES modules, hence
// the classic script. Without the bundle (esbuild not installed yet: run npm ci), the unbundled
// build in dist/src.
'use strict';
// A CommonJS script (bin/package.json): node starts one without its ES module loader (~6 ms).
const { isAscii } = require('node:buffer');
const { createHash } = require('node:crypto');
const { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { createRequire } = Module;
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

// A kbs run is short and most of its code runs a few times per task: V8's optimising compiler, at
// its default eagerness, spent ~150 ms of CPU on a 3-node no-op apply optimising code that was
// about to stop running, on a machine whose CPUs the fleet's shells share (docs/cli.md, "V8
// settings"). Eight times its default interrupt budget leaves only long-hot code (big loops) to
// it. Only on Node 20's V8 (11.3), whose flag this is: another V8 would print an error for it.
if (process.versions.v8.startsWith('11.3.') && process.env.KBS_V8_DEFAULTS !== '1') setFlagsFromString('--interrupt-budget=540672');

const bundle = join(__dirname, '..', 'dist', 'kbs.cjs');
if (!existsSync(bundle)) import(pathToFileURL(join(__dirname, '..', 'dist', 'src', 'cli', 'entry.js')).href);
else runBundle(bundle);

function runBundle(file) {
  // the build escapes every character beyond ASCII (scripts/bundle.mjs): read as latin1, which
  // takes a third of the time of decoding UTF-8, when it is all ASCII
  const raw = readFileSync(file);
  const source = isAscii(raw) ? raw.toString('latin1') : raw.toString('utf8');
  const where = cacheFile(file);
  const cache = where?.path;
  // the same folder keeps what templates compile to and what playbook and role files parse to
  // (src/util/persisted.ts), under the same rules
  if (where) {
    const files = {};
    for (const kind of ['tpl', 'yaml']) {
      const f = join(where.dir, `${kind}-${where.place}-${where.build}.bin`);
      files[kind] = { file: f, readable: ownedByMe(f) };
    }
    globalThis[Symbol.for('kbs.cache')] = { dir: where.dir, place: where.place, files };
  }
  // the cache of a complete run of the command, else that of a run that ended early (an error, a
  // listing): a cache written by a run that stopped at a bad inventory would hold too little of
  // the command for every later run; a complete run replaces it
  let cached;
  let from;
  for (const f of cache ? [cache, where.partial] : []) {
    try {
      cached = readFileSync(f);
      from = f;
      break;
    } catch {
      /* first run of this command */
    }
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  // V8 checks the data against the source, its version and flags; refused data is replaced. A
  // --help or --version run compiles too little to be worth keeping for the command.
  const args = process.argv.slice(2);
  const brief = args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V');
  const listing = args.some((a) => a === '--syntax-check' || a === '--list-tasks' || a === '--list-hosts' || a === '--list-tags');
  const usable = cached && !script.cachedDataRejected;
  if (cache && !brief && !(usable && from === cache)) {
    process.once('exit', (code) => {
      if (code === 0 && !listing) saveCache(cache, script, where.partial);
      else if (!usable) saveCache(where.partial, script);
    });
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

/**
 * One cache file per command (apply, run, plan, ...: each compiles what it runs), named by the
 * bundle it belongs to, with its folder and the names of the bundle's place and build; undefined
 * when KBS_CODE_CACHE=0.
 */
function cacheFile(file) {
  if (process.env.KBS_CODE_CACHE === '0') return undefined;
  const dir = process.env.KBS_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kbs');
  // compiled code runs as this user: only from a folder and files no one else can write
  if (!ownedByMe(dir)) return undefined;
  const st = statSync(file);
  const hash = (s) => createHash('sha256').update(s).digest('hex').slice(0, 12);
  const cmd = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  // the bundle's place, then this build of it (size, time, Node): a rebuild replaces its place's file
  const place = hash(file);
  const build = hash(`${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`);
  const path = join(dir, `code-${place}-${build}-${cmd}.bin`);
  const partial = join(dir, `part-${place}-${build}-${cmd}.bin`);
  return ownedByMe(path) && ownedByMe(partial) ? { path, partial, dir, place, build } : undefined;
}

/** missing, or this user's and not writable by group or others (not a symbolic link) */
function ownedByMe(path) {
  try {
    const st = lstatSync(path);
    return !st.isSymbolicLink() && st.uid === process.getuid() && (st.mode & 0o022) === 0;
  } catch (e) {
    return e.code === 'ENOENT';
  }
}

/**
 * written atomically; older builds' files of this place and command removed, and `replaces` (the
 * partial cache a complete run's replaces); errors ignored (the cache is an optimisation)
 */
function saveCache(path, script, replaces) {
  try {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, path);
    if (replaces) rmSync(replaces, { force: true });
    const [, place, , cmd] = /^((?:code|part)-[0-9a-f]+-)([0-9a-f]+)(-[a-z]+\.bin)$/.exec(path.slice(dir.length + 1)) ?? [];
    const old = Date.now() - 600_000;
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      // an older build of this bundle for this command; a temp file a killed run left behind
      if ((place && cmd && f.startsWith(place) && f.endsWith(cmd) && p !== path) || (/^(code|part|tpl|yaml)-/.test(f) && f.endsWith('.tmp') && statSync(p).mtimeMs < old)) rmSync(p, { force: true });
    }
  } catch {
    /* a read-only home: run without the cache */
  }
}
