// Build step (npm run build, after tsc): dist/src/cli/entry.js and everything it imports, the
// npm dependencies included (ssh2 and nunjucks too), in one CommonJS file, dist/kbs.cjs, which
// bin/kbs.js runs with V8's code cache. Node then reads and compiles one file instead of ~340
// (start-up ~0.3 s shorter on a quiet machine, more under load), and later runs reuse the compiled
// code. ajv (loaded only for a schema error) and cpu-features (optional, native) stay in
// node_modules, and so do ssh2's native crypto binding (a .node file, required from where npm
// put it; ssh2 falls back to its JavaScript code without it). Written to a temp file, then renamed.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `node scripts/bundle.mjs [ENTRY OUT]`: another entry point bundled as an ES module (the Kubespray
// check's kbs with stand-ins, bench/kubespray-check.ts)
const [entryArg, outArg] = process.argv.slice(2);
const entry = entryArg ? resolve(entryArg) : join(root, 'dist/src/cli/entry.js');
const out = outArg ? resolve(outArg) : join(root, 'dist/kbs.cjs');
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // a tree whose node_modules predates esbuild: no stale bundle; bin/kbs.js runs dist/src then
  rmSync(out, { force: true });
  console.error(`bundle: esbuild is not installed (run npm ci)${entryArg ? '' : '; bin/kbs.js runs the unbundled dist/src'}`);
  process.exit(entryArg ? 1 : 0);
}
const tmp = `${out}.${process.pid}.tmp`;
const common = { entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', outfile: tmp, external: ['ssh2', 'ajv', 'cpu-features'], logLevel: 'warning' };

/**
 * For the CommonJS bundle: a native addon stays a file beside its package, required by its path
 * relative to the bundle; and the dependencies kbs's ES modules load with createRequire (nunjucks's
 * internals) are bundled: in a CommonJS bundle the module's own require does it.
 */
const inline = {
  name: 'kbs-inline',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (a) => ({ path: './' + relative(dirname(out), resolve(a.resolveDir, a.path)), external: true }));
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]template[\\/](nunjucks|filters)\.js$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8');
      const line = 'const require = createRequire(import.meta.url);';
      if (!text.includes(line)) throw new Error(`${a.path}: "${line}" not found (scripts/bundle.mjs)`);
      return { contents: text.replace(line, ''), loader: 'js' };
    });
  },
};
await build(
  entryArg
    ? {
        ...common,
        format: 'esm',
        // CommonJS dependencies call require(); an ES module has none of its own
        banner: { js: "import { createRequire as kbsCreateRequire } from 'node:module'; const require = kbsCreateRequire(import.meta.url);" },
      }
    : {
        ...common,
        // a classic script, so that bin/kbs.js can compile it with vm.Script and V8's cached data
        // (Node 20 has no code cache for ES modules); import.meta.url is the bundle's own URL
        format: 'cjs',
        external: ['ajv', 'cpu-features'],
        plugins: [inline],
        define: { 'import.meta.url': 'kbsImportMetaUrl' },
        banner: { js: "const kbsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
        // the code escapes every character beyond ASCII, so that bin/kbs.js reads the file as
        // latin1, a third of the time of decoding UTF-8 (~5 ms of every start)
        charset: 'ascii',
      },
);
if (!entryArg) {
  // what esbuild keeps verbatim (comments) escaped too: a \uXXXX in a comment is only text
  const text = readFileSync(tmp, 'utf8');
  if (/[^\x00-\x7f]/.test(text)) writeFileSync(tmp, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
renameSync(tmp, out);
// the ES module bundle of earlier builds
if (!entryArg) rmSync(join(root, 'dist/kbs.mjs'), { force: true });
