/**
 * setup (alias gather_facts): gather facts in one round trip and hand them to the engine.
 * The result's `ansible_facts` has the `ansible_` prefix, as Ansible's setup module returns it;
 * ctx.setFacts gets them without it (hostname, default_ipv4, ...); the engine exposes them as
 * `ansible_facts.hostname` and `ansible_hostname`.
 */
import { KbsError } from '../errors.js';
import { filterFacts, gatherFacts, prefixFacts, stripPrefix } from '../facts/index.js';
import type { Connection } from '../transport/types.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';

const stringOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** Default time limit of the whole gathering, in seconds, when gather_timeout is not given. */
export const DEFAULT_GATHER_TIMEOUT = 30;

/** A Connection whose exec goes through ctx.run, so the task's become/environment apply. */
function taskConnection(ctx: ModuleContext): Connection {
  return {
    host: ctx.host,
    stats: ctx.conn.stats,
    exec: (cmd, opts) => ctx.run(cmd, { timeoutMs: opts?.timeoutMs }),
    close: async () => undefined,
  };
}

function timeoutSeconds(v: unknown): number {
  if (v === '') return DEFAULT_GATHER_TIMEOUT;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    throw new KbsError('TASK', `gather_timeout must be a positive number of seconds, got ${JSON.stringify(v)}`);
  }
  return n;
}

const args = declareArgs({
  filter: { type: 'any', schema: stringOrList, read: (v) => v as string | string[] },
  gather_subset: { type: 'any', schema: stringOrList },
  gather_timeout: { type: 'any', schema: { anyOf: [{ type: 'integer' }, { type: 'string' }] }, default: DEFAULT_GATHER_TIMEOUT, read: timeoutSeconds },
  fact_path: { type: 'str', schema: { type: 'string' } },
});

export const setupModule: ModuleDef = {
  name: 'setup',
  aliases: ['gather_facts'],
  schema: args.schema,
  async run(given, ctx): Promise<ModuleResult> {
    let a: ReturnType<typeof args.read>;
    try {
      a = args.read(given);
    } catch (e) {
      // a bad gather_timeout fails the task (not the run)
      return { changed: false, failed: true, msg: (e as Error).message };
    }
    try {
      const facts = await gatherFacts(taskConnection(ctx), { timeoutMs: a.gather_timeout * 1000 });
      const ansible_facts = filterFacts(prefixFacts(facts), a.filter);
      // the engine keeps facts without the prefix (ansible_facts.hostname) and adds ansible_hostname
      ctx.setFacts?.(stripPrefix(ansible_facts));
      return { changed: false, ansible_facts };
    } catch (e) {
      if (e instanceof KbsError && e.code === 'TASK') return { changed: false, failed: true, msg: e.message };
      throw e;
    }
  },
};
