// Build step (npm run build, after tsc): dist/src/cli/entry.js and everything it imports, the
// npm dependencies included, in one file, dist/kbs.mjs, which bin/kbs.js runs. Node then reads
// and compiles one file instead of ~300 (start-up ~0.3 s shorter on a quiet machine, more under
// load). ssh2 (optional native parts) and ajv (loaded only for a schema error) stay in
// node_modules. Written to a temp file, then renamed.
import { renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `node scripts/bundle.mjs [ENTRY OUT]`: another entry point bundled the same way (the Kubespray
// check's kbs with stand-ins, bench/kubespray-check.ts)
const [entryArg, outArg] = process.argv.slice(2);
const entry = entryArg ? resolve(entryArg) : join(root, 'dist/src/cli/entry.js');
const out = outArg ? resolve(outArg) : join(root, 'dist/kbs.mjs');
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
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: tmp,
  external: ['ssh2', 'ajv', 'cpu-features'],
  // CommonJS dependencies call require(); an ES module has none of its own
  banner: { js: "import { createRequire as kbsCreateRequire } from 'node:module'; const require = kbsCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
renameSync(tmp, out);
