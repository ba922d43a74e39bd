/**
 * The fleet's HTTP server: static files, GET/HEAD only, bound to the bridge address only.
 * One process serves the apt repository on one port and the Kubernetes release tree
 * (dl.k8s.io layout) on another. Run detached by the fleet:
 *   node --import tsx test/fleet/server.ts --fleet-id ID --bind IP --serve PORT=DIR [--serve PORT=DIR]
 */
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KbsError } from '../../src/errors.js';
import { sleep } from './exec.js';
import { alive } from './procs.js';

const TYPES: Record<string, string> = {
  '.gz': 'application/gzip',
  '.deb': 'application/vnd.debian.binary-package',
  '.sha256': 'text/plain',
  '.txt': 'text/plain',
};

/** a static file server for `dir`; resolves once listening */
export function serveDir(dir: string, host: string, port: number): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let st;
    try {
      st = statSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!st.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not a file\n');
      return;
    }
    const ext = /\.[a-z0-9]+$/.exec(file)?.[0] ?? '';
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'content-length': st.size,
      'last-modified': st.mtime.toUTCString(),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

export interface ServerSpec {
  fleetId: string;
  bind: string;
  /** port → folder */
  serve: Record<number, string>;
  log: string;
}

const SELF = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(SELF, '..', '..', '..');

/** command-line marker used to find a fleet's server among all processes */
export function serverMarker(id: string): string[] {
  return ['--fleet-id', id];
}

/** start the server detached; resolves with its pid once every port answers */
export async function startServer(spec: ServerSpec): Promise<number> {
  const args = ['--import', 'tsx', SELF, ...serverMarker(spec.fleetId), '--bind', spec.bind];
  for (const [port, dir] of Object.entries(spec.serve)) args.push('--serve', `${port}=${dir}`);
  const fd = openSync(spec.log, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => undefined);
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  if (!pid) throw new KbsError('INTERNAL', 'cannot start the fleet HTTP server');
  const until = Date.now() + 20_000;
  for (;;) {
    const ok = await Promise.all(Object.keys(spec.serve).map((port) => answers(spec.bind, Number(port))));
    if (ok.every(Boolean)) return pid;
    if (!alive(pid) || Date.now() > until) {
      throw new KbsError('INTERNAL', `the fleet HTTP server did not start on ${spec.bind}`, { hint: `see ${spec.log}` });
    }
    await sleep(150);
  }
}

async function answers(host: string, port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://${host}:${port}/`, { method: 'HEAD', signal: AbortSignal.timeout(1000) });
    return r.status > 0;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<void> {
  let bind = '';
  const serve: [number, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--bind') bind = argv[++i];
    else if (argv[i] === '--serve') {
      const [port, ...dir] = argv[++i].split('=');
      serve.push([Number(port), dir.join('=')]);
    } else if (argv[i] === '--fleet-id') i++;
  }
  if (!bind || serve.length === 0) {
    process.stderr.write('usage: server.ts --fleet-id ID --bind IP --serve PORT=DIR...\n');
    process.exit(2);
  }
  for (const [port, dir] of serve) {
    await serveDir(dir, bind, port);
    process.stdout.write(`serving ${dir} on http://${bind}:${port}/\n`);
  }
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`fleet server: ${e.message}\n`);
    process.exit(1);
  });
}

