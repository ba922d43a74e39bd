/**
 * ansible.builtin.wait_for: a port open/closed/drained, or a file present/absent (optionally
 * containing a regex), within a timeout. The whole wait is one bash loop on the host.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { addPathInfo } from './util/pathinfo.js';
import { pyRegex } from './util/pyregex.js';
import { toList, toNonNegNumber } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { remoteError } from './util/remote.js';
import { INT, STR_OR_LIST } from './util/schema.js';
import { secondsArg } from './util/seconds.js';
import { timeoutMessage, waitScript, type WaitSpec } from './sys/waitscript.js';

const ACTIVE_STATES = ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'];

const args = declareArgs({
  host: { type: 'str', default: '127.0.0.1' },
  port: { type: 'any', schema: INT, read: (v, n) => toNonNegNumber(v, 0, n) },
  path: { type: 'str' },
  state: { type: 'str', choices: ['started', 'stopped', 'present', 'absent', 'drained'] },
  search_regex: { type: 'str' },
  timeout: secondsArg(300),
  delay: secondsArg(0),
  sleep: secondsArg(1),
  connect_timeout: secondsArg(5),
  // given as null still counts as given (refused without state=drained)
  exclude_hosts: { type: 'any', schema: STR_OR_LIST, nullable: true },
  active_connection_states: { type: 'any', schema: STR_OR_LIST, default: ACTIVE_STATES, read: (v) => toList(v).map(String) },
  msg: { type: 'str' },
});

export const wait_for: ModuleDef = {
  name: 'wait_for',
  noCheckMode: true,
  schema: args.schema,
  async run(given, ctx) {
    const a = args.read(given);
    const path = await expandPath(ctx, a.path);
    const port = a.port;
    let state: WaitSpec['state'] = a.state ?? 'started';
    if (path !== undefined && port !== undefined) throw new KbsError('TASK', 'port and path parameter can not both be passed to wait_for');
    if (path !== undefined && state === 'stopped') throw new KbsError('TASK', 'state=stopped should only be used for checking a port in the wait_for module');
    if (path !== undefined && state === 'drained') throw new KbsError('TASK', 'state=drained should only be used for checking a port in the wait_for module');
    if (a.exclude_hosts !== undefined && state !== 'drained') throw new KbsError('TASK', 'exclude_hosts should only be with state=drained');
    if (path !== undefined && state === 'started') state = 'present';
    const searchRegex = a.search_regex;
    if (searchRegex !== undefined && state !== 'present' && state !== 'started') throw new KbsError('TASK', 'search_regex works with state started/present only');
    const spec: WaitSpec = {
      host: a.host,
      port,
      path,
      state,
      searchRegex,
      timeout: a.timeout,
      delay: a.delay,
      sleep: Math.max(0.1, a.sleep),
      connectTimeout: Math.max(1, a.connect_timeout),
      excludeHosts: toList(a.exclude_hosts).map(String),
      activeStates: [...a.active_connection_states],
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
      const failed: ModuleResult = { changed: false, elapsed, state: spec.state, failed: true, msg: a.msg ?? timeoutMessage(spec) };
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
      state: a.state ?? 'started',
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
