/**
 * Fact gathering: one exec round trip per host, no Python on the host.
 *
 *   gatherFacts(conn, {become?, timeoutMs?}) → Facts
 *
 * `Facts` are keyed WITHOUT the `ansible_` prefix (`hostname`, `default_ipv4`, `eth0`, ...): that
 * is the shape of the `ansible_facts` variable. `prefixFacts(facts)` gives the same facts WITH
 * the prefix (`ansible_hostname`, ...): that is what Ansible's setup module returns in its
 * result's `ansible_facts`, and what becomes the top-level `ansible_*` host variables.
 * The engine exposes both, as Ansible does:
 *   ansible_facts.hostname   ← facts.hostname
 *   ansible_hostname         ← prefixFacts(facts).ansible_hostname
 * `stripPrefix` goes the other way (Ansible's namespace cleaning of a setup result).
 *
 * Values the host cannot give are 'NA' (product_uuid inside containers, machine_id without
 * /etc/machine-id), as in Ansible. default_ipv4/default_ipv6 are {} without a default route.
 * Environment variables whose names look secret (TOKEN, PASSWORD, SECRET, ...) are redacted in
 * `env`.
 */
import { KbsError } from '../errors.js';
import type { Connection } from '../transport/types.js';
import { globToRegExp } from '../util/glob.js';
import { parseFacts } from './parse.js';
import { FACTS_SCRIPT } from './script.js';
import type { Facts } from './types.js';

export type { Facts, CoreFacts, DefaultRoute, InterfaceFacts, Ipv4Info, Ipv6Info, DateTimeFacts } from './types.js';
export { parseFacts, interfaceKey } from './parse.js';
export { FACTS_SCRIPT } from './script.js';

export interface GatherOptions {
  /** run the script through sudo (product_uuid is readable by root only) */
  become?: boolean;
  becomeUser?: string;
  /** give up after this many ms (setup's gather_timeout) */
  timeoutMs?: number;
}

export async function gatherFacts(conn: Connection, opts: GatherOptions = {}): Promise<Facts> {
  const res = await conn.exec(FACTS_SCRIPT, {
    become: opts.become,
    becomeUser: opts.becomeUser,
    timeoutMs: opts.timeoutMs,
  });
  const host = conn.host;
  if (res.rc === -1 && opts.timeoutMs) {
    throw new KbsError('TASK', `fact gathering timed out after ${Math.round(opts.timeoutMs / 1000)} s`, {
      host,
      hint: 'raise gather_timeout, or check that the host is not overloaded',
    });
  }
  if (!res.stdout.includes('@@kbs-facts')) {
    const why = firstLineOf(res.stderr);
    if (opts.become && /sudo/i.test(res.stderr)) {
      const msg = /become/i.test(why) ? why : `could not become ${opts.becomeUser ?? 'root'}: ${why}`;
      throw new KbsError('BECOME', `fact gathering failed: ${msg}`, {
        host,
        hint: 'give the become password (ansible_become_password / --ask-become-pass) or allow sudo without password',
      });
    }
    throw new KbsError('TASK', `fact gathering failed (rc=${res.rc})${why ? ': ' + why : ''}`, { host });
  }
  return parseFacts(res.stdout, host);
}

function firstLineOf(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? line.slice(0, 200) + '…' : line.trim();
}

/** { hostname: x } → { ansible_hostname: x } (keys already prefixed are kept). */
export function prefixFacts(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
  return out;
}

/** { ansible_hostname: x, foo: y } → { hostname: x, foo: y } (Ansible's ansible_facts namespace). */
export function stripPrefix(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k.slice('ansible_'.length) : k] = v;
  return out;
}

/**
 * Ansible's setup `filter`: keep the prefixed facts whose name matches one of the globs; a glob
 * without the `ansible_` prefix is also tried with it (filter: '*_mb' matches ansible_memtotal_mb).
 * Empty filter or '*' keeps everything.
 */
export function filterFacts(prefixed: Record<string, unknown>, filter: string | string[] | undefined): Record<string, unknown> {
  const globs = (Array.isArray(filter) ? filter : filter === undefined ? [] : [filter]).filter((g) => g !== '');
  if (globs.length === 0 || globs.includes('*')) return prefixed;
  const res = globs.flatMap((g) => (g.startsWith('ansible_') ? [globToRegExp(g)] : [globToRegExp(g), globToRegExp(`ansible_${g}`)]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(prefixed)) if (res.some((r) => r.test(k))) out[k] = v;
  return out;
}
