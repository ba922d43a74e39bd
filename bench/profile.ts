/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: self time per function
 * and per source file, (idle)/(program)/(garbage collector) separated out.
 *   node --import tsx bench/profile.ts FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Hot {
  name: string;
  where: string;
  selfMs: number;
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  programMs: number;
  functions: Hot[];
  files: Hot[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.startsWith('/') ? relative(ROOT, path) : path;
  return rel.replace(/^node_modules\//, 'npm:');
}

export function analyzeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; attribute it to that sample's node
  for (let i = 0; i < p.samples.length; i++) {
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, Hot>();
  const files = new Map<string, Hot>();
  let totalUs = 0;
  let idle = 0;
  let gc = 0;
  let program = 0;
  for (const [id, us] of self) {
    totalUs += us;
    const n = byId.get(id);
    if (!n) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += us;
    else if (name === '(garbage collector)') gc += us;
    else if (name === '(program)') program += us;
    const where = shortUrl(n.callFrame.url);
    const key = `${name}@${where}:${n.callFrame.lineNumber + 1}`;
    const h = fn.get(key) ?? { name, where: `${where}:${n.callFrame.lineNumber + 1}`, selfMs: 0, pct: 0 };
    h.selfMs += us / 1000;
    fn.set(key, h);
    const f = files.get(where) ?? { name: where, where, selfMs: 0, pct: 0 };
    f.selfMs += us / 1000;
    files.set(where, f);
  }
  const busy = (totalUs - idle) / 1000;
  const finish = (m: Map<string, Hot>) =>
    [...m.values()]
      .filter((h) => h.name !== '(idle)')
      .map((h) => ({ ...h, selfMs: Math.round(h.selfMs * 10) / 10, pct: Math.round((h.selfMs / busy) * 1000) / 10 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return {
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idle / 1000),
    gcMs: Math.round(gc / 1000),
    programMs: Math.round(program / 1000),
    functions: finish(fn),
    files: finish(files),
  };
}

export function profileMarkdown(s: ProfileSummary, n = 15): string {
  const lines = [
    `Sampled ${s.totalMs} ms: idle (waiting on the network) ${s.idleMs} ms, busy ${s.totalMs - s.idleMs} ms ` +
      `(of which GC ${s.gcMs} ms, V8/native "(program)" ${s.programMs} ms).`,
    '',
    '| self ms | % of busy | function | where |',
    '|---:|---:|---|---|',
    ...s.functions.slice(0, n).map((h) => `| ${h.selfMs} | ${h.pct} | \`${h.name}\` | ${h.where} |`),
    '',
    '| self ms | % of busy | file |',
    '|---:|---:|---|',
    ...s.files.slice(0, n).map((h) => `| ${h.selfMs} | ${h.pct} | ${h.name} |`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: profile.ts FILE.cpuprofile [N]\n');
    process.exit(4);
  }
  process.stdout.write(profileMarkdown(analyzeProfile(file, Number(process.argv[3] ?? 25)), Number(process.argv[3] ?? 25)) + '\n');
}
