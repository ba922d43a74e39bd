/**
 * ansible.builtin.user (basic): create (useradd), change (usermod) or remove (userdel) a local
 * user. The password is a crypt hash; it is set with `chpasswd -e` on stdin and never appears in
 * the command line, the result, the diff or an error message.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { optStr, toBool } from './util/args.js';
import { stateDiff } from './util/diff.js';
import { BOOL, INT, STR, STR_OR_LIST, argsSchema, oneOfStr } from './util/schema.js';
import { groupList, parsePasswd, parseUserQuery, userQuery, type PasswdEntry } from './sys/accounts.js';

export const user: ModuleDef = {
  name: 'user',
  schema: argsSchema(
    {
      name: STR,
      state: oneOfStr('present', 'absent'),
      uid: INT,
      group: STR,
      groups: STR_OR_LIST,
      append: BOOL,
      shell: STR,
      home: STR,
      create_home: BOOL,
      createhome: BOOL,
      move_home: BOOL,
      system: BOOL,
      comment: STR,
      password: STR,
      update_password: oneOfStr('always', 'on_create'),
      password_lock: BOOL,
      remove: BOOL,
      force: BOOL,
      non_unique: BOOL,
      skeleton: STR,
    },
    ['name'],
  ),
  async run(args, ctx) {
    const name = optStr(args, 'name') ?? '';
    if (!name) throw new KbsError('TASK', 'missing required argument: name');
    const state = optStr(args, 'state') ?? 'present';
    const uid = args.uid === undefined || args.uid === null ? undefined : Number(args.uid);
    const grp = optStr(args, 'group');
    const groups = groupList(args.groups);
    const append = toBool(args.append, false, 'append');
    const shell = optStr(args, 'shell');
    const home = optStr(args, 'home');
    const comment = optStr(args, 'comment');
    const password = optStr(args, 'password');
    const updatePassword = optStr(args, 'update_password') ?? 'always';
    const system = toBool(args.system, false, 'system');
    const createHome = toBool(args.create_home ?? args.createhome, true, 'create_home');
    const nonUnique = toBool(args.non_unique, false, 'non_unique');
    const n = shq(name);

    const lookups = [...new Set([...(grp ? [grp] : []), ...(groups ?? []), name])];
    const q = parseUserQuery((await ctx.run(userQuery(name, lookups, password !== undefined))).stdout);
    const cur = q.user;
    const result: ModuleResult = { changed: false, name, state };

    if (state === 'absent') {
      if (!cur) return result;
      const cmd = `userdel${toBool(args.force, false, 'force') ? ' -f' : ''}${toBool(args.remove, false, 'remove') ? ' -r' : ''} ${n}`;
      result.changed = true;
      if (ctx.diff) result.diff = stateDiff({ name, state: 'present', uid: cur.uid }, { name, state: 'absent' });
      // Ansible's user module answers check mode with `changed` alone
      if (ctx.check) return withDiff({ changed: true }, result);
      const r = await ctx.run(cmd);
      if (r.rc !== 0) return { ...result, changed: false, failed: true, rc: r.rc, msg: `userdel failed: ${(r.stderr || r.stdout).trim()}` };
      return { ...result, force: toBool(args.force, false, 'force'), remove: toBool(args.remove, false, 'remove') };
    }

    // Ansible's user module answers a check-mode create with `changed` alone, before it looks at groups
    if (!cur && ctx.check) return { changed: true };
    for (const g of [...(grp ? [grp] : []), ...(groups ?? [])]) {
      if (!q.groups.has(g)) return { ...result, failed: true, msg: `Group ${g} does not exist` };
    }
    const gid = grp ? q.groups.get(grp)!.gid : undefined;
    const opts: string[] = [];
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const note = (k: string, b: unknown, a: unknown) => {
      before[k] = b;
      after[k] = a;
    };
    let cmd = '';
    let setPassword = false;
    if (!cur) {
      if (uid !== undefined) opts.push(`-u ${uid}`);
      if (nonUnique) opts.push('-o');
      if (grp) opts.push(`-g ${shq(grp)}`);
      else if (q.groups.has(name)) opts.push('-N');
      if (groups?.length) opts.push(`-G ${shq(groups.join(','))}`);
      if (comment !== undefined) opts.push(`-c ${shq(comment)}`);
      if (home !== undefined) opts.push(`-d ${shq(home)}`);
      if (shell !== undefined) opts.push(`-s ${shq(shell)}`);
      if (system) opts.push('-r');
      opts.push(createHome ? '-m' : '-M');
      const skel = optStr(args, 'skeleton');
      if (skel && createHome) opts.push(`-k ${shq(skel)}`);
      cmd = `useradd ${opts.join(' ')} ${n}`;
      setPassword = password !== undefined;
      note('state', 'absent', 'present');
    } else {
      if (uid !== undefined && cur.uid !== uid) {
        opts.push(`-u ${uid}${nonUnique ? ' -o' : ''}`);
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
        opts.push(`-d ${shq(home)}${toBool(args.move_home, false, 'move_home') ? ' -m' : ''}`);
        note('home', cur.home, home);
      }
      if (shell !== undefined && cur.shell !== shell) {
        opts.push(`-s ${shq(shell)}`);
        note('shell', cur.shell, shell);
      }
      if (opts.length) cmd = `usermod ${opts.join(' ')} ${n}`;
      setPassword = password !== undefined && updatePassword === 'always' && q.hash !== password;
    }
    if (setPassword && cur) note('password', '(hidden)', '(changed)');
    const lock = args.password_lock === undefined || args.password_lock === null ? undefined : toBool(args.password_lock, false, 'password_lock');
    const locked = (q.hash ?? '').startsWith('!');
    let lockCmd = '';
    if (lock !== undefined && cur && q.hash !== undefined && lock !== locked) lockCmd = `usermod ${lock ? '-L' : '-U'} ${n}`;
    else if (lock !== undefined && !cur) lockCmd = lock ? `usermod -L ${n}` : '';

    const changed = cmd !== '' || setPassword || lockCmd !== '';
    result.changed = changed;
    if (changed && ctx.diff) result.diff = stateDiff({ name, ...before }, { name, ...after });
    // as Ansible: a new user reports system and create_home, an existing one append and move_home
    if (cur) Object.assign(result, { append, move_home: toBool(args.move_home, false, 'move_home') });
    else Object.assign(result, { system, create_home: createHome });
    if (!cur && ctx.check) return withDiff({ changed: true }, result);
    const groupsArg = groups === undefined ? undefined : groups.join(',');
    if (!changed || ctx.check) return fill(result, cur, groupsArg);
    const script = [cmd ? `${cmd} || exit $?` : '', setPassword ? 'chpasswd -e || exit $?' : '', lockCmd ? `${lockCmd} || exit $?` : '', `getent passwd ${n}`].filter(Boolean).join('\n');
    const r = await ctx.run(script, setPassword ? { stdin: `${name}:${password}\n` } : {});
    if (r.rc !== 0) {
      const err = (r.stderr || r.stdout).trim().split('\n').slice(-2).join('; ');
      return { ...result, changed: false, failed: true, rc: r.rc, msg: `${cmd ? cmd.split(' ')[0] : 'chpasswd'} failed: ${password ? err.split(password).join('********') : err}` };
    }
    const now = parsePasswd(r.stdout.trim().split('\n').pop() ?? '');
    if (password !== undefined && setPassword) result.password = 'NOT_LOGGING_PASSWORD';
    return fill(result, now, groupsArg);
  },
};

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
