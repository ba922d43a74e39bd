/**
 * The Kubernetes release tree the fleet serves (dl.k8s.io layout), built by test/sim/build.sh: the
 * simulated versions (build.sh's default list) and the release/stable.txt, stable-X.Y.txt markers.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KbsError } from '../../src/errors.js';
import { run, tail } from './exec.js';

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const SIM_BUILD = join(REPO_ROOT, 'test/sim/build.sh');

/**
 * Fill OUTDIR (served as the release base URL: OUTDIR/release/vX.Y.Z/bin/linux/amd64/...) with the
 * simulators. Without test/sim/build.sh the folder is served as it is (empty).
 */
export async function buildRelease(outDir: string, log: (m: string) => void = () => undefined): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(SIM_BUILD)) {
    log(`no ${SIM_BUILD}: the release server serves an empty tree`);
    return;
  }
  const r = await run('bash', [SIM_BUILD, outDir], { cwd: REPO_ROOT, timeoutMs: 600_000 });
  if (r.rc !== 0) {
    throw new KbsError('INTERNAL', `${SIM_BUILD} ${outDir} failed (rc ${r.rc})`, {
      hint: tail(r.stderr || r.stdout, 8) + '\n(pass releaseDir to up() to serve another folder)',
    });
  }
}
