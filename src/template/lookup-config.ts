/**
 * `lookup('config', ...)`: its work (ansible.cfg, the environment, Ansible's definitions) is in
 * src/cli/config-lookup.ts, above the templates; it hands itself over here when it is loaded
 * (src/cli/main.ts loads it).
 */
import { type Dict, templateError } from './python.js';
import type { KbsContext } from './runtime.js';

type Lookup = (ctx: KbsContext, terms: unknown[], kw: Dict) => unknown[];

let impl: Lookup | undefined;

export function setConfigLookup(fn: Lookup): void {
  impl = fn;
}

export function configLookup(ctx: KbsContext, terms: unknown[], kw: Dict): unknown[] {
  if (!impl) throw templateError("the config lookup is not loaded in this process", 'kbs loads it with its command line (src/cli/config-lookup.ts)');
  return impl(ctx, terms, kw);
}
