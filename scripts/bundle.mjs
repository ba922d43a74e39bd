// Build step (npm run build, after tsc): dist/src/cli/entry.js and everything it imports, the
// npm dependencies included, in one CommonJS file, dist/kbs.cjs, which bin/kbs.js runs with V8's
// code cache. Node then reads and compiles one file instead of ~300 (start-up ~0.3 s shorter on a
// quiet machine, more under load), and later runs reuse the compiled code. ssh2 (optional native
// parts) and ajv (loaded only for a schema error) stay in node_modules. Written to a temp file,
// then renamed.
import { renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
        define: { 'import.meta.url': 'kbsImportMetaUrl' },
        banner: { js: "const kbsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      },
);
renameSync(tmp, out);
// the ES module bundle of earlier builds
if (!entryArg) rmSync(join(root, 'dist/kbs.mjs'), { force: true });
