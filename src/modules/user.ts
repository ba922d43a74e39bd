/**
 * ansible.builtin.user (basic): create (useradd), change (usermod) or remove (userdel) a local
 * user. The password is a crypt hash; it is set with `chpasswd -e` on stdin and never appears in
 * the command line, the result, the diff or an error message.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { runPlanned, type Plan, type Planner } from './util/change.js';
import { OPT_BOOL, declareArgs } from './util/declare.js';
import { stateDiff } from './util/diff.js';
import { STR_OR_LIST } from './util/schema.js';
import { groupList, parsePasswd, parseUserQuery, userQuery, type PasswdEntry, type UserQuery } from './sys/accounts.js';

const args = declareArgs({
  name: { type: 'str', required: true },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  uid: { type: 'int' },
  group: { type: 'str' },
  groups: { type: 'any', schema: STR_OR_LIST, read: (v: unknown) => groupList(v) },
  append: { type: 'bool' },
  shell: { type: 'str' },
  home: { type: 'str' },
  create_home: { type: 'bool', default: true, aliases: ['createhome'] },
  move_home: { type: 'bool' },
  system: { type: 'bool' },
  comment: { type: 'str' },
  password: { type: 'str' },
  update_password: { type: 'str', choices: ['always', 'on_create'], default: 'always' },
  password_lock: OPT_BOOL,
  remove: { type: 'bool' },
  force: { type: 'bool' },
  non_unique: { type: 'bool' },
  skeleton: { type: 'str' },
});
type Args = ReturnType<typeof args.read>;

export const userPlanner: Planner<Args> = {
  args,
  probe: (a) => userQuery(a.name, [...new Set([...(a.group ? [a.group] : []), ...(a.groups ?? []), a.name])], a.password !== undefined),
  probeError: (a) => `cannot read user ${a.name}`,
  plan(a, out, { diff, check }) {
    const q = parseUserQuery(out);
    const result: ModuleResult = { changed: false, name: a.name, state: a.state };
    return a.state === 'absent' ? planRemoval(a, q.user, result, diff, check) : planUser(a, q, result, diff, check);
  },
};

function planRemoval(a: Args, cur: PasswdEntry | undefined, result: ModuleResult, diff: boolean, check?: boolean): Plan {
  const { name } = a;
  if (!cur) return { result, changes: [] };
  const cmd = `userdel${a.force ? ' -f' : ''}${a.remove ? ' -r' : ''} ${shq(name)}`;
  result.changed = true;
  if (diff) result.diff = stateDiff({ name, state: 'present', uid: cur.uid }, { name, state: 'absent' });
  const removed = { ...result, force: a.force, remove: a.remove };
  return {
    // Ansible's user module answers check mode with `changed` alone
    result: check ? withDiff({ changed: true }, result) : removed,
    changes: [
      {
        description: `remove user ${name}`,
        command: cmd,
        failWith: (r) => ({ ...result, changed: false, failed: true, rc: r.rc, msg: `userdel failed: ${(r.stderr || r.stdout).trim()}` }),
      },
    ],
  };
}

function planUser(a: Args, q: UserQuery, result: ModuleResult, diff: boolean, check?: boolean): Plan {
  const { name, uid, group: grp, groups, append, shell, home, comment, password, system } = a;
  const cur = q.user;
  const n = shq(name);
  // Ansible's user module answers a check-mode create with `changed` alone, before it looks at groups
  if (!cur && check) return { result: { changed: true }, changes: [] };
  for (const g of [...(grp ? [grp] : []), ...(groups ?? [])]) {
    if (!q.groups.has(g)) return { result: { ...result, failed: true, msg: `Group ${g} does not exist` }, changes: [] };
  }
  const gid = grp ? q.groups.get(grp)!.gid : undefined;
  const opts: string[] = [];
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const note = (k: string, b: unknown, v: unknown) => {
    before[k] = b;
    after[k] = v;
  };
  let cmd = '';
  let setPassword = false;
  if (!cur) {
    if (uid !== undefined) opts.push(`-u ${uid}`);
    if (a.non_unique) opts.push('-o');
    if (grp) opts.push(`-g ${shq(grp)}`);
    else if (q.groups.has(name)) opts.push('-N');
    if (groups?.length) opts.push(`-G ${shq(groups.join(','))}`);
    if (comment !== undefined) opts.push(`-c ${shq(comment)}`);
    if (home !== undefined) opts.push(`-d ${shq(home)}`);
    if (shell !== undefined) opts.push(`-s ${shq(shell)}`);
    if (system) opts.push('-r');
    opts.push(a.create_home ? '-m' : '-M');
    if (a.skeleton && a.create_home) opts.push(`-k ${shq(a.skeleton)}`);
    cmd = `useradd ${opts.join(' ')} ${n}`;
    setPassword = password !== undefined;
    note('state', 'absent', 'present');
  } else {
    if (uid !== undefined && cur.uid !== uid) {
      opts.push(`-u ${uid}${a.non_unique ? ' -o' : ''}`);
      note('uid', cur.uid, uid);
    }
    if (gid !== undefined && cur.gid !== gid) {
      opts.push(`-g ${shq(grp!)}`);
      note('group', cur.gid, gid);
    }
    if (groups !== undefined) {
      const curSet = new Set(q.supplementary);
      const want = new Set(groups);
      const missing = [...want].filter((g) => !curSet.has(g));
      const extra = [...curSet].filter((g) => !want.has(g));
      if (missing.length || (!append && extra.length)) {
        opts.push(`${append ? '-a ' : ''}-G ${shq(groups.join(','))}`);
        note('groups', [...curSet].sort().join(','), (append ? [...new Set([...curSet, ...want])] : [...want]).sort().join(','));
      }
    }
    if (comment !== undefined && cur.comment !== comment) {
      opts.push(`-c ${shq(comment)}`);
      note('comment', cur.comment, comment);
    }
    if (home !== undefined && cur.home !== home) {
      opts.push(`-d ${shq(home)}${a.move_home ? ' -m' : ''}`);
      note('home', cur.home, home);
    }
    if (shell !== undefined && cur.shell !== shell) {
      opts.push(`-s ${shq(shell)}`);
      note('shell', cur.shell, shell);
    }
    if (opts.length) cmd = `usermod ${opts.join(' ')} ${n}`;
    setPassword = password !== undefined && a.update_password === 'always' && q.hash !== password;
  }
  if (setPassword && cur) note('password', '(hidden)', '(changed)');
  const lock = a.password_lock;
  const locked = (q.hash ?? '').startsWith('!');
  let lockCmd = '';
  if (lock !== undefined && cur && q.hash !== undefined && lock !== locked) lockCmd = `usermod ${lock ? '-L' : '-U'} ${n}`;
  else if (lock !== undefined && !cur) lockCmd = lock ? `usermod -L ${n}` : '';

  const changed = cmd !== '' || setPassword || lockCmd !== '';
  result.changed = changed;
  if (changed && diff) result.diff = stateDiff({ name, ...before }, { name, ...after });
  // as Ansible: a new user reports system and create_home, an existing one append and move_home
  if (cur) Object.assign(result, { append, move_home: a.move_home });
  else Object.assign(result, { system, create_home: a.create_home });
  const groupsArg = groups === undefined ? undefined : groups.join(',');
  if (!changed || check) return { result: fill({ ...result }, cur, groupsArg), changes: [] };
  const script = [cmd ? `${cmd} || exit $?` : '', setPassword ? 'chpasswd -e || exit $?' : '', lockCmd ? `${lockCmd} || exit $?` : '', `getent passwd ${n}`].filter(Boolean).join('\n');
  return {
    result,
    changes: [
      {
        description: `${cur ? 'change' : 'create'} user ${name}`,
        command: script,
        ...(setPassword ? { stdin: `${name}:${password}\n` } : {}),
        failWith: (r) => {
          const err = (r.stderr || r.stdout).trim().split('\n').slice(-2).join('; ');
          return { ...result, changed: false, failed: true, rc: r.rc, msg: `${cmd ? cmd.split(' ')[0] : 'chpasswd'} failed: ${password ? err.split(password).join('********') : err}` };
        },
        done: (r) => fill(setPassword ? { changed: true, password: 'NOT_LOGGING_PASSWORD' } : { changed: true }, parsePasswd(r.stdout.trim().split('\n').pop() ?? ''), groupsArg),
      },
    ],
  };
}

/** Ansible's fields of a present user (passwd's uid, gid, comment, home, shell), and `groups` when given. */
function fill(r: ModuleResult, u: PasswdEntry | undefined, groups: string | undefined): ModuleResult {
  if (u) Object.assign(r, { uid: u.uid, group: u.gid, home: u.home, shell: u.shell, comment: u.comment });
  if (u && groups !== undefined) r.groups = groups;
  return r;
}

function withDiff(r: ModuleResult, from: ModuleResult): ModuleResult {
  if (from.diff) r.diff = from.diff;
  return r;
}

export const user: ModuleDef = {
  name: 'user',
  schema: args.schema,
  run: (a, ctx) => runPlanned(userPlanner, a, ctx),
};
