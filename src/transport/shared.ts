/**
 * One set of connections for several engine runs of one command: `kbs apply` takes the lock, reads
 * the nodes, runs the playbook, reads the records and releases the lock over the same SSH
 * connections instead of connecting five times. Each run gets a lease: its closeAll() leaves the
 * connections open, its totals() count that run's own share. close() ends them all.
 */
import type { ConnectionPool } from './pool.js';
import type { Connection, ConnectionSpec, ConnectionStats } from './types.js';
import type { StopSignal } from './interrupt.js';

export interface Lease {
  get(spec: ConnectionSpec): Promise<Connection>;
  closeAll(): Promise<void>;
  totals(): ConnectionStats;
  reset(name: string): Promise<void>;
  interrupt(sig: StopSignal): Promise<number>;
}

export class SharedPool {
  constructor(private readonly pool: ConnectionPool) {}

  lease(): Lease {
    const base = this.pool.totals();
    return {
      get: (spec) => this.pool.get(spec),
      closeAll: async () => undefined,
      totals: () => {
        const t = this.pool.totals();
        return { connects: t.connects - base.connects, execs: t.execs - base.execs, channels: t.channels - base.channels };
      },
      reset: (name) => this.pool.reset(name),
      interrupt: (sig) => this.pool.interrupt(sig),
    };
  }

  /** ConnectionPool.settled(): every connection asked for so far made or failed */
  settled(): Promise<void> {
    return this.pool.settled();
  }

  close(): Promise<void> {
    return this.pool.closeAll();
  }
}
