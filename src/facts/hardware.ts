/** Memory and CPU facts from /proc/meminfo and (filtered) /proc/cpuinfo, as Ansible computes them. */
import type { CoreFacts } from './types.js';

export type MemoryFacts = Pick<CoreFacts, 'memtotal_mb' | 'memfree_mb' | 'swaptotal_mb' | 'swapfree_mb' | 'memory_mb'>;

export type CpuFacts = Pick<
  CoreFacts,
  'processor' | 'processor_count' | 'processor_cores' | 'processor_threads_per_core' | 'processor_vcpus' | 'processor_nproc'
>;

export function memoryFacts(lines: string[]): MemoryFacts {
  const kb = new Map<string, number>();
  for (const line of lines) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1], Number(m[2]));
  }
  const mb = (k: string) => Math.floor((kb.get(k) ?? 0) / 1024);
  const total = mb('MemTotal');
  const free = mb('MemFree');
  const nocacheFree = free + mb('Buffers') + mb('Cached');
  const swapTotal = mb('SwapTotal');
  const swapFree = mb('SwapFree');
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: swapTotal,
    swapfree_mb: swapFree,
    memory_mb: {
      real: { total, used: total - free, free },
      nocache: { free: nocacheFree, used: total - nocacheFree },
      swap: { total: swapTotal, free: swapFree, used: swapTotal - swapFree, cached: mb('SwapCached') },
    },
  };
}

/** `lines` are the `key : value` lines kept by the script's grep of /proc/cpuinfo. */
export function cpuFacts(lines: string[], nproc?: number): CpuFacts {
  const processor: string[] = [];
  const sockets = new Map<string, number>(); // physical id → cpu cores
  const siblings = new Map<string, number>(); // physical id → siblings
  let physId = '';
  let procCount = 0;
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    const val = line.slice(i + 1).trim();
    switch (key) {
      case 'processor':
        procCount++;
        processor.push(val);
        break;
      case 'vendor_id':
      case 'model name':
      case 'Processor':
        processor.push(val);
        break;
      case 'physical id':
        physId = val;
        if (!sockets.has(physId)) sockets.set(physId, 0);
        break;
      case 'cpu cores':
        sockets.set(physId, Number(val) || 0);
        break;
      case 'siblings':
        siblings.set(physId, Number(val) || 0);
        break;
    }
  }
  const count = sockets.size || procCount || 1;
  const cores = [...sockets.values()][0] || 1;
  const threads = Math.max(1, Math.floor(([...siblings.values()][0] || 1) / cores));
  return {
    processor,
    processor_count: count,
    processor_cores: cores,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * cores,
    processor_nproc: nproc && nproc > 0 ? nproc : procCount || 1,
  };
}
