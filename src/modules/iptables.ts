/**
 * ansible.builtin.iptables: one rule of a chain (present/absent, appended or inserted at
 * rule_num), a chain's policy, a flush, or a chain's creation and removal (chain_management),
 * with the host's iptables/ip6tables. The rule is built in the order of Ansible's construct_rule
 * and its presence is asked with `iptables -C`, so idempotence is the kernel's own comparison.
 * One exec reads the state, one more changes it.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { runPlanned, type Change, type Plan, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { LIST_OF_STR, STR } from './util/schema.js';

const ICMP_TYPE: Record<string, string> = { ipv4: '--icmp-type', ipv6: '--icmpv6-type' };

/** The rule's arguments as Ansible's module holds them after its argument checks. */
export interface RuleParams {
  table: string;
  chain?: string;
  ip_version: string;
  rule_num?: string;
  wait?: string;
  protocol?: string;
  source?: string;
  destination?: string;
  match: string[];
  tcp_flags?: { flags?: string[]; flags_set?: string[] };
  jump?: string;
  gateway?: string;
  log_prefix?: string;
  log_level?: string;
  to_destination?: string;
  destination_ports: string[];
  to_source?: string;
  goto?: string;
  in_interface?: string;
  out_interface?: string;
  fragment?: string;
  set_counters?: string;
  source_port?: string;
  destination_port?: string;
  to_ports?: string;
  set_dscp_mark?: string;
  set_dscp_mark_class?: string;
  syn: string;
  ctstate: string[];
  src_range?: string;
  dst_range?: string;
  match_set?: string;
  match_set_flags?: string;
  limit?: string;
  limit_burst?: string;
  uid_owner?: string;
  gid_owner?: string;
  reject_with?: string;
  icmp_type?: string;
  comment?: string;
}

/** Ansible's list type: a list, or a comma-separated string. */
function strList(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') return v === '' ? [] : v.split(',').map((s) => s.trim());
  if (typeof v === 'number') return [String(v)];
  throw new KbsError('TASK', `${name} must be a list`);
}

function tcpFlags(tf: unknown): RuleParams['tcp_flags'] {
  if (typeof tf !== 'object' || Array.isArray(tf)) throw new KbsError('TASK', 'tcp_flags must be a dict with flags and flags_set');
  const t = tf as Record<string, unknown>;
  return { flags: t.flags === undefined ? undefined : strList(t.flags, 'flags'), flags_set: t.flags_set === undefined ? undefined : strList(t.flags_set, 'flags_set') };
}

const LOG_LEVELS = ['0', '1', '2', '3', '4', '5', '6', '7', 'emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
const LIST_ARG = { type: 'any', schema: { anyOf: [LIST_OF_STR, STR] }, read: strList } as const;
const S = { type: 'str' } as const;

const args = declareArgs(
  {
    table: { type: 'str', choices: ['filter', 'nat', 'mangle', 'raw', 'security'], default: 'filter' },
    state: { type: 'str', choices: ['absent', 'present'], default: 'present' },
    action: { type: 'str', choices: ['append', 'insert'], default: 'append' },
    ip_version: { type: 'str', choices: ['ipv4', 'ipv6'], default: 'ipv4' },
    chain: S,
    rule_num: S,
    protocol: S,
    wait: S,
    source: S,
    to_source: S,
    destination: S,
    to_destination: S,
    match: LIST_ARG,
    tcp_flags: { type: 'any', schema: { type: ['object', 'string'] }, read: tcpFlags },
    jump: S,
    gateway: S,
    log_prefix: S,
    log_level: { type: 'str', choices: LOG_LEVELS },
    goto: S,
    in_interface: S,
    out_interface: S,
    fragment: S,
    set_counters: S,
    source_port: S,
    destination_port: S,
    destination_ports: LIST_ARG,
    to_ports: S,
    set_dscp_mark: S,
    set_dscp_mark_class: S,
    comment: S,
    ctstate: LIST_ARG,
    src_range: S,
    dst_range: S,
    match_set: S,
    match_set_flags: { type: 'str', choices: ['src', 'dst', 'src,dst', 'dst,src'] },
    limit: S,
    limit_burst: S,
    uid_owner: S,
    gid_owner: S,
    reject_with: S,
    icmp_type: S,
    syn: { type: 'str', choices: ['ignore', 'match', 'negate'], default: 'ignore' },
    flush: { type: 'bool' },
    policy: { type: 'str', choices: ['ACCEPT', 'DROP', 'QUEUE', 'RETURN'] },
    chain_management: { type: 'bool' },
  },
  {
    exclusive: [
      ['set_dscp_mark', 'set_dscp_mark_class'],
      ['flush', 'policy'],
    ],
  },
);
type Args = ReturnType<typeof args.read>;

/** The rule as Ansible's module holds it after its argument checks. */
export function ruleParams(a: Args): RuleParams {
  if (a.jump?.toLowerCase() === 'tee' && a.gateway === undefined) throw new KbsError('TASK', `jump is ${a.jump} but all of the following are missing: gateway`);
  if (!a.flush && a.chain === undefined) throw new KbsError('TASK', 'Either chain or flush parameter must be specified.');
  return { ...a, match: a.match ?? [], destination_ports: a.destination_ports ?? [], ctstate: a.ctstate ?? [] };
}

/** The rule's words in the order of Ansible's construct_rule (a leading `!` negates a value). */
export function constructRule(p: RuleParams): string[] {
  const rule: string[] = [];
  const param = (v: string | undefined, flag: string) => {
    if (v === undefined || v === null) return;
    if (v[0] === '!') rule.push('!', flag, v.slice(1));
    else rule.push(flag, v);
  };
  const matchFlag = (v: string | undefined, flag: string, negatable: boolean) => {
    if (v === 'match') rule.push(flag);
    else if (negatable && v === 'negate') rule.push('!', flag);
  };
  const csv = (v: string[], flag: string) => {
    if (v.length) rule.push(flag, v.join(','));
  };
  const match = (on: unknown, m: string) => {
    if (on && !(Array.isArray(on) && on.length === 0)) rule.push('-m', m);
  };
  if (p.wait) rule.push('-w', p.wait);
  param(p.protocol, '-p');
  param(p.source, '-s');
  param(p.destination, '-d');
  for (const m of p.match) param(m, '-m');
  if (p.tcp_flags?.flags && p.tcp_flags.flags_set) rule.push('--tcp-flags', p.tcp_flags.flags.join(','), p.tcp_flags.flags_set.join(','));
  param(p.jump, '-j');
  if (p.jump && p.jump.toLowerCase() === 'tee') param(p.gateway, '--gateway');
  param(p.log_prefix, '--log-prefix');
  param(p.log_level, '--log-level');
  param(p.to_destination, '--to-destination');
  match(p.destination_ports, 'multiport');
  csv(p.destination_ports, '--dports');
  param(p.to_source, '--to-source');
  param(p.goto, '-g');
  param(p.in_interface, '-i');
  param(p.out_interface, '-o');
  param(p.fragment, '-f');
  param(p.set_counters, '-c');
  param(p.source_port, '--source-port');
  param(p.destination_port, '--destination-port');
  param(p.to_ports, '--to-ports');
  param(p.set_dscp_mark, '--set-dscp');
  param(p.set_dscp_mark_class, '--set-dscp-class');
  matchFlag(p.syn, '--syn', true);
  if (p.match.includes('conntrack')) csv(p.ctstate, '--ctstate');
  else if (p.match.includes('state')) csv(p.ctstate, '--state');
  else if (p.ctstate.length) {
    match(p.ctstate, 'conntrack');
    csv(p.ctstate, '--ctstate');
  }
  if (p.match.includes('iprange')) {
    param(p.src_range, '--src-range');
    param(p.dst_range, '--dst-range');
  } else if (p.src_range || p.dst_range) {
    match(p.src_range || p.dst_range, 'iprange');
    param(p.src_range, '--src-range');
    param(p.dst_range, '--dst-range');
  }
  if (p.match.includes('set')) {
    param(p.match_set, '--match-set');
    if (p.match_set_flags) rule.push(p.match_set_flags);
  } else if (p.match_set) {
    match(p.match_set, 'set');
    param(p.match_set, '--match-set');
    if (p.match_set_flags) rule.push(p.match_set_flags);
  }
  match(p.limit || p.limit_burst, 'limit');
  param(p.limit, '--limit');
  param(p.limit_burst, '--limit-burst');
  match(p.uid_owner, 'owner');
  matchFlag(p.uid_owner, '--uid-owner', true);
  param(p.uid_owner, '--uid-owner');
  match(p.gid_owner, 'owner');
  matchFlag(p.gid_owner, '--gid-owner', true);
  param(p.gid_owner, '--gid-owner');
  if (p.jump === undefined && p.reject_with) rule.push('-j', 'REJECT');
  param(p.reject_with, '--reject-with');
  param(p.icmp_type, ICMP_TYPE[p.ip_version]);
  match(p.comment, 'comment');
  param(p.comment, '--comment');
  return rule;
}

/** `iptables -t TABLE ACTION CHAIN [rule_num] [rule...]` as one shell line. */
function command(bin: string, p: RuleParams, action: string, withRule: boolean, extra: string[] = []): string {
  // as Ansible's run_command, a missing chain is left out (`iptables -t mangle -F`)
  const words = [bin, '-t', p.table, action, ...(p.chain === undefined ? [] : [p.chain])];
  if (action === '-I' && p.rule_num) words.push(p.rule_num);
  if (withRule) words.push(...constructRule(p));
  words.push(...extra);
  return words.map((w) => shq(w)).join(' ');
}

/** The rule with the jump a log option asks for (LOG), as the module sets it after its checks. */
function withLogJump(p: RuleParams): RuleParams {
  if (!p.log_prefix && !p.log_level) return p;
  if (p.jump === undefined) return { ...p, jump: 'LOG' };
  if (p.jump !== 'LOG') throw new KbsError('TASK', 'Logging options can only be used with the LOG jump target.');
  return p;
}

const binOf = (p: RuleParams) => (p.ip_version === 'ipv6' ? 'ip6tables' : 'iptables');

export const iptablesPlanner: Planner<Args> = {
  args,
  /** one exec: the binary, its version (-w without seconds before 1.6.0) and the state asked for */
  probe(a) {
    const p = withLogJump(ruleParams(a));
    const bin = binOf(p);
    // the listing's stderr comes back as @@err lines (a policy's failure message)
    const listing = `{ { ${command(bin, p, '-L', false)}; echo "@@rc $?"; } 2>&1 1>&3 3>&- | sed 's/^/@@err /'; } 3>&1`;
    return [
      `command -v ${bin} >/dev/null 2>&1 || { echo '@@nobin'; exit 0; }`,
      `${bin} --version`,
      a.flush ? '' : a.policy !== undefined ? `echo '@@L'; ${listing}` : `${command(bin, p, '-C', true)} >/dev/null 2>&1; echo "@@C $?"; ${command(bin, p, '-L', false)} >/dev/null 2>&1; echo "@@N $?"`,
    ]
      .filter(Boolean)
      .join('\n');
  },
  probeError: (a) => `cannot read the ${a.table} table`,
  plan(a, out) {
    const { state, flush, policy, chain_management: chainManagement } = a;
    const base = ruleParams(a);
    const result: ModuleResult = { changed: false, ip_version: base.ip_version, table: base.table, chain: base.chain ?? null, flush, rule: constructRule(base).join(' '), state, chain_management: chainManagement };
    const p = withLogJump(base);
    const bin = binOf(p);
    const none = (r: ModuleResult): Plan => ({ result: r, changes: [] });
    if (out.startsWith('@@nobin')) return none(failed(`Failed to find required executable "${bin}" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`));
    const version = /v(\d+(?:\.\d+)*)/.exec(out)?.[1] ?? '0';
    if (p.wait !== undefined && cmpVersion(version, '1.6.0') < 0) p.wait = cmpVersion(version, '1.4.20') >= 0 ? '' : undefined;
    const act = (what: string, cmd: string): Change => ({ description: what, command: cmd, failWith: (r) => failed(r.stderr.trimEnd(), { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr }) });
    const chain = p.chain ?? '';

    if (flush) return { result, changes: [act(`flush ${chain || 'every chain'}`, command(bin, p, '-F', false))] };
    if (policy !== undefined) {
      const lines = out.slice(out.indexOf('@@L\n') + 4).split('\n');
      const errs = lines.filter((l) => l.startsWith('@@err ')).map((l) => l.slice(6));
      const listing = lines.filter((l) => !l.startsWith('@@err '));
      const rc = /@@rc (\d+)/.exec(listing.join('\n'))?.[1];
      const stderr = errs.length ? errs.join('\n') + '\n' : '';
      if (rc !== '0') return none(failed(stderr.trimEnd() || `cannot list chain ${p.chain}`, { rc: Number(rc), stderr }));
      const current = /\(policy ([A-Z]+)\)/.exec(listing[0])?.[1];
      if (!current) return none(failed("Can't detect current policy"));
      return { result, changes: current === policy ? [] : [act(`set the policy of ${chain} to ${policy}`, command(bin, p, '-P', false, [policy]))] };
    }
    const rulePresent = /@@C 0\b/.test(out);
    const chainPresent = rulePresent || /@@N 0\b/.test(out);
    if (state === 'absent' && !result.rule) {
      result.changed = chainPresent;
      return { result, changes: chainPresent && chainManagement ? [act(`delete chain ${chain}`, command(bin, p, '-X', false))] : [] };
    }
    const shouldBe = state === 'present';
    if (rulePresent === shouldBe) return { result, changes: [] };
    if (!shouldBe) return { result, changes: [act(`delete the rule from ${chain}`, command(bin, p, '-D', true))] };
    const changes = !chainPresent && chainManagement ? [act(`create chain ${chain}`, command(bin, p, '-N', false))] : [];
    changes.push(act(`${a.action === 'insert' ? 'insert' : 'append'} the rule to ${chain}`, command(bin, p, a.action === 'insert' ? '-I' : '-A', true)));
    return { result, changes };
  },
};

export const iptables: ModuleDef = {
  name: 'iptables',
  schema: args.schema,
  run: (a, ctx) => runPlanned(iptablesPlanner, a, ctx),
};

/** LooseVersion-like comparison of dotted numbers. */
function cmpVersion(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

