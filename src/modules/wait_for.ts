/**
 * ansible.builtin.wait_for: a port open/closed/drained, or a file present/absent (optionally
 * containing a regex), within a timeout. The whole wait is one bash loop on the host.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { addPathInfo } from './util/pathinfo.js';
import { pyRegex } from './util/pyregex.js';
import { optStr, toList, toNonNegNumber } from './util/args.js';
import { expandPath } from './util/paths.js';
import { remoteError } from './util/remote.js';
import { INT, STR, STR_OR_LIST, argsSchema, oneOfStr } from './util/schema.js';
import { timeoutMessage, waitScript, type WaitSpec } from './sys/waitscript.js';


export const wait_for: ModuleDef = {
  name: 'wait_for',
  noCheckMode: true,
  schema: argsSchema({
    host: STR,
    port: INT,
    path: STR,
    state: oneOfStr('started', 'stopped', 'present', 'absent', 'drained'),
    search_regex: STR,
    timeout: INT,
    delay: INT,
    sleep: INT,
    connect_timeout: INT,
    exclude_hosts: STR_OR_LIST,
    active_connection_states: STR_OR_LIST,
    msg: STR,
  }),
  async run(args, ctx) {
    const path = await expandPath(ctx, optStr(args, 'path'));
    const port = args.port === undefined || args.port === null ? undefined : toNonNegNumber(args.port, 0, 'port');
    let state = (optStr(args, 'state') ?? 'started') as WaitSpec['state'];
    if (path !== undefined && port !== undefined) throw new KbsError('TASK', 'port and path parameter can not both be passed to wait_for');
    if (path !== undefined && state === 'stopped') throw new KbsError('TASK', 'state=stopped should only be used for checking a port in the wait_for module');
    if (path !== undefined && state === 'drained') throw new KbsError('TASK', 'state=drained should only be used for checking a port in the wait_for module');
    if (args.exclude_hosts !== undefined && state !== 'drained') throw new KbsError('TASK', 'exclude_hosts should only be with state=drained');
    if (path !== undefined && state === 'started') state = 'present';
    const searchRegex = optStr(args, 'search_regex');
    if (searchRegex !== undefined && state !== 'present' && state !== 'started') throw new KbsError('TASK', 'search_regex works with state started/present only');
    const spec: WaitSpec = {
      host: optStr(args, 'host') ?? '127.0.0.1',
      port,
      path,
      state,
      searchRegex,
      timeout: toNonNegNumber(args.timeout, 300, 'timeout'),
      delay: toNonNegNumber(args.delay, 0, 'delay'),
      sleep: Math.max(0.1, toNonNegNumber(args.sleep, 1, 'sleep')),
      connectTimeout: Math.max(1, toNonNegNumber(args.connect_timeout, 5, 'connect_timeout')),
      excludeHosts: toList(args.exclude_hosts).map(String),
      activeStates: toList(args.active_connection_states ?? ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT']).map(String),
    };
    if (path === undefined && port === undefined && state !== 'drained') {
      // Ansible: neither path nor port just sleeps for timeout
      spec.path = '/';
      spec.state = 'absent';
    }
    const limitMs = (spec.delay + spec.timeout + spec.connectTimeout + spec.sleep + 10) * 1000;
    const r = await ctx.run(waitScript(spec), { timeoutMs: limitMs });
    const v: Record<string, string> = {};
    for (const line of r.stdout.split('\n')) {
      const t = line.indexOf('\t');
      if (t > 0) v[line.slice(0, t)] = line.slice(t + 1);
    }
    if (r.rc !== 0 || (v.OK === undefined && v.TIMEOUT === undefined)) throw remoteError('wait_for could not run its check on the host', r);
    const elapsed = Math.floor(Number(v.OK ?? v.TIMEOUT) / 1000);
    if (path === undefined && port === undefined && state !== 'drained') {
      // a plain sleep: reaching the timeout is the point
      return { changed: false, elapsed, state: 'started' };
    }
    if (v.TIMEOUT !== undefined) {
      const failed: ModuleResult = { changed: false, elapsed, state: spec.state, failed: true, msg: optStr(args, 'msg') ?? timeoutMessage(spec) };
      if (path !== undefined) failed.path = path;
      if (port !== undefined) failed.port = port;
      return failed;
    }
    // Ansible's keys: the state asked for, port, search_regex, the groups of the match in the file, path, elapsed
    const result: ModuleResult = {
      changed: false,
      elapsed,
      match_groupdict: {},
      match_groups: [],
      path: path ?? null,
      port: port ?? null,
      search_regex: searchRegex ?? null,
      state: optStr(args, 'state') ?? 'started',
    };
    if (v.G !== undefined && path !== undefined && searchRegex !== undefined) {
      // the host found the first match; its groups come from matching the pattern on that text again
      const m = pyRegex(searchRegex, 'search_regex').exec(v.G.replace(/\x01/g, '\n'));
      if (m) {
        result.match_groups = m.slice(1).map((g) => g ?? null);
        result.match_groupdict = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, g]) => [k, g ?? null]));
      }
    }
    return path !== undefined ? addPathInfo(ctx, result) : result;
  },
};
