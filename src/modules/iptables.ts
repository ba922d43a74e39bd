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
import { failed, optStr, toBool } from './util/args.js';
import { BOOL, LIST_OF_STR, STR, argsSchema, oneOfStr } from './util/schema.js';

const LIST = { anyOf: [LIST_OF_STR, STR] };

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

const STR_KEYS = [
  'chain', 'rule_num', 'wait', 'protocol', 'source', 'destination', 'jump', 'gateway', 'log_prefix', 'log_level', 'to_destination',
  'to_source', 'goto', 'in_interface', 'out_interface', 'fragment', 'set_counters', 'source_port', 'destination_port', 'to_ports',
  'set_dscp_mark', 'set_dscp_mark_class', 'src_range', 'dst_range', 'match_set', 'match_set_flags', 'limit', 'limit_burst',
  'uid_owner', 'gid_owner', 'reject_with', 'icmp_type', 'comment',
] as const;

/** Ansible's list type: a list, or a comma-separated string. */
function strList(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') return v === '' ? [] : v.split(',').map((s) => s.trim());
  if (typeof v === 'number') return [String(v)];
  throw new KbsError('TASK', `${name} must be a list`);
}

export function ruleParams(args: Record<string, unknown>): RuleParams {
  const p: Record<string, unknown> = {
    table: optStr(args, 'table') ?? 'filter',
    ip_version: optStr(args, 'ip_version') ?? 'ipv4',
    match: strList(args.match, 'match'),
    destination_ports: strList(args.destination_ports, 'destination_ports'),
    ctstate: strList(args.ctstate, 'ctstate'),
    syn: optStr(args, 'syn') ?? 'ignore',
  };
  for (const k of STR_KEYS) p[k] = optStr(args, k);
  const tf = args.tcp_flags;
  if (tf !== undefined && tf !== null) {
    if (typeof tf !== 'object' || Array.isArray(tf)) throw new KbsError('TASK', 'tcp_flags must be a dict with flags and flags_set');
    const t = tf as Record<string, unknown>;
    p.tcp_flags = { flags: t.flags === undefined ? undefined : strList(t.flags, 'flags'), flags_set: t.flags_set === undefined ? undefined : strList(t.flags_set, 'flags_set') };
  }
  return p as unknown as RuleParams;
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

const LOG_LEVELS = ['0', '1', '2', '3', '4', '5', '6', '7', 'emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];

export const iptables: ModuleDef = {
  name: 'iptables',
  schema: argsSchema({
    table: oneOfStr('filter', 'nat', 'mangle', 'raw', 'security'),
    state: oneOfStr('absent', 'present'),
    action: oneOfStr('append', 'insert'),
    ip_version: oneOfStr('ipv4', 'ipv6'),
    chain: STR,
    rule_num: STR,
    protocol: STR,
    wait: STR,
    source: STR,
    to_source: STR,
    destination: STR,
    to_destination: STR,
    match: LIST,
    tcp_flags: { type: ['object', 'string'] },
    jump: STR,
    gateway: STR,
    log_prefix: STR,
    log_level: oneOfStr(...LOG_LEVELS),
    goto: STR,
    in_interface: STR,
    out_interface: STR,
    fragment: STR,
    set_counters: STR,
    source_port: STR,
    destination_port: STR,
    destination_ports: LIST,
    to_ports: STR,
    set_dscp_mark: STR,
    set_dscp_mark_class: STR,
    comment: STR,
    ctstate: LIST,
    src_range: STR,
    dst_range: STR,
    match_set: STR,
    match_set_flags: oneOfStr('src', 'dst', 'src,dst', 'dst,src'),
    limit: STR,
    limit_burst: STR,
    uid_owner: STR,
    gid_owner: STR,
    reject_with: STR,
    icmp_type: STR,
    syn: oneOfStr('ignore', 'match', 'negate'),
    flush: BOOL,
    policy: oneOfStr('ACCEPT', 'DROP', 'QUEUE', 'RETURN'),
    chain_management: BOOL,
  }),
  async run(args, ctx) {
    const p = ruleParams(args);
    const state = optStr(args, 'state') ?? 'present';
    const flush = toBool(args.flush, false, 'flush');
    const policy = optStr(args, 'policy');
    const chainManagement = toBool(args.chain_management, false, 'chain_management');
    if (p.set_dscp_mark !== undefined && p.set_dscp_mark_class !== undefined) return failed('parameters are mutually exclusive: set_dscp_mark|set_dscp_mark_class');
    if (flush && policy !== undefined) return failed('parameters are mutually exclusive: flush|policy');
    if (p.jump?.toLowerCase() === 'tee' && p.gateway === undefined) return failed(`jump is ${p.jump} but all of the following are missing: gateway`);
    const result: ModuleResult = {
      changed: false,
      ip_version: p.ip_version,
      table: p.table,
      chain: p.chain ?? null,
      flush,
      rule: constructRule(p).join(' '),
      state,
      chain_management: chainManagement,
    };
    if (!flush && p.chain === undefined) return failed('Either chain or flush parameter must be specified.');
    if (p.log_prefix || p.log_level) {
      if (p.jump === undefined) p.jump = 'LOG';
      else if (p.jump !== 'LOG') return failed('Logging options can only be used with the LOG jump target.');
    }
    const bin = p.ip_version === 'ipv6' ? 'ip6tables' : 'iptables';
    const insert = (optStr(args, 'action') ?? 'append') === 'insert';

    // one exec: the binary, its version (-w without seconds before 1.6.0) and the state asked for
    const probe = [
      `command -v ${bin} >/dev/null 2>&1 || { echo '@@nobin'; exit 0; }`,
      `${bin} --version`,
      flush ? '' : policy !== undefined ? `echo '@@L'; ${command(bin, p, '-L', false)}; echo "@@rc $?"` : '',
      !flush && policy === undefined ? `${command(bin, p, '-C', true)} >/dev/null 2>&1; echo "@@C $?"; ${command(bin, p, '-L', false)} >/dev/null 2>&1; echo "@@N $?"` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const pr = await ctx.run(probe);
    const out = pr.stdout;
    if (out.startsWith('@@nobin')) return failed(`Failed to find required executable "${bin}" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`);
    const version = /v(\d+(?:\.\d+)*)/.exec(out)?.[1] ?? '0';
    if (p.wait !== undefined && cmpVersion(version, '1.6.0') < 0) p.wait = cmpVersion(version, '1.4.20') >= 0 ? '' : undefined;

    const act = async (cmd: string): Promise<ModuleResult | undefined> => {
      const r = await ctx.run(cmd);
      if (r.rc !== 0) return failed(r.stderr.trimEnd(), { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
      return undefined;
    };

    if (flush) {
      result.changed = true;
      if (!ctx.check) return (await act(command(bin, p, '-F', false))) ?? result;
      return result;
    }
    if (policy !== undefined) {
      const listing = out.slice(out.indexOf('@@L\n') + 4);
      const rc = /@@rc (\d+)/.exec(listing)?.[1];
      if (rc !== '0') return failed(pr.stderr.trimEnd() || `cannot list chain ${p.chain}`, { rc: Number(rc), stderr: pr.stderr });
      const current = /\(policy ([A-Z]+)\)/.exec(listing.split('\n')[0])?.[1];
      if (!current) return failed("Can't detect current policy");
      result.changed = current !== policy;
      if (result.changed && !ctx.check) return (await act(command(bin, p, '-P', false, [policy]))) ?? result;
      return result;
    }
    const rulePresent = /@@C 0\b/.test(out);
    const chainPresent = rulePresent || /@@N 0\b/.test(out);
    if (state === 'absent' && !result.rule) {
      result.changed = chainPresent;
      if (chainPresent && chainManagement && !ctx.check) return (await act(command(bin, p, '-X', false))) ?? result;
      return result;
    }
    const shouldBe = state === 'present';
    result.changed = rulePresent !== shouldBe;
    if (!result.changed || ctx.check) return result;
    if (shouldBe) {
      if (!chainPresent && chainManagement) {
        const f = await act(command(bin, p, '-N', false));
        if (f) return f;
      }
      return (await act(command(bin, p, insert ? '-I' : '-A', true))) ?? result;
    }
    return (await act(command(bin, p, '-D', true))) ?? result;
  },
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

