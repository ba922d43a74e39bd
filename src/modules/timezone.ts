/**
 * community.general.timezone: the system time zone (`name`) and whether the hardware clock keeps
 * local time or UTC (`hwclock`), as the community.general module does on Linux: with
 * `timedatectl` when it answers (systemd), else on Debian-like hosts /etc/timezone,
 * /etc/localtime and `dpkg-reconfigure tzdata`. The result's diff holds before/after values.
 */
import type { ExecResult } from '../transport/types.js';
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { failed, toBool } from './util/args.js';
import { runPlanned, type Change, type Plan, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';

type Key = 'hwclock' | 'name';

/** `timedatectl status` → {name, hwclock} as the module reads them. */
export function parseTimedatectl(out: string): Record<Key, string | undefined> {
  const name = /^\s*Time ?zone\s*:\s*(\S+)/m.exec(out)?.[1];
  const rtc = /^\s*RTC in local TZ\s*:\s*(\S+)/m.exec(out)?.[1];
  let hwclock: string | undefined;
  if (rtc !== undefined) {
    let local = false;
    try {
      local = toBool(rtc);
    } catch {
      local = false;
    }
    hwclock = local ? 'local' : 'UTC';
  }
  return { name, hwclock };
}

const args = declareArgs(
  { name: { type: 'str' }, hwclock: { type: 'str', choices: ['local', 'UTC'], aliases: ['rtc'] } },
  { requiredOneOf: [['hwclock', 'name']], requiredOneOfAtLoad: true },
);

type Values = Partial<Record<Key, string>>;

/** What the module reads: from `timedatectl status` on systemd hosts, else name from /etc/timezone (hwclock n/a). */
function current(systemd: boolean, text: string, planned: Values): Values {
  if (systemd) {
    const v = parseTimedatectl(text);
    return Object.fromEntries(Object.keys(planned).map((k) => [k, v[k as Key]]));
  }
  const v: Values = {};
  if ('name' in planned) v.name = /^(\S+)/m.exec(text)?.[1] ?? 'n/a';
  if ('hwclock' in planned) v.hwclock = 'n/a';
  return v;
}

const AFTER = '@@after\n';

export const timezonePlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  probe: ({ name }) =>
    [
      name !== undefined ? `[ -f ${shq(`/usr/share/zoneinfo/${name}`)} ] || { echo '@@notz'; exit 0; }` : '',
      "if command -v timedatectl >/dev/null 2>&1 && s=$(timedatectl 2>/dev/null); then echo '@@systemd'; timedatectl status; exit 0; fi",
      "echo '@@debian'; command -v dpkg-reconfigure >/dev/null 2>&1 && echo '@@dpkg'; echo '@@tz'; cat /etc/timezone 2>/dev/null; true",
    ]
      .filter(Boolean)
      .join('\n'),
  probeError: () => 'cannot read the time zone',
  plan({ hwclock: hw, name }, out) {
    const planned: Values = {};
    // keys in the module's argument order: hwclock, name
    if (hw !== undefined) planned.hwclock = hw;
    if (name !== undefined) planned.name = name;
    const msgs: string[] = [];
    const abort = (msg: string, done = msgs) => failed(['Error message:', msg, ...(done.length ? ['Other message(s):', ...done] : [])].join('\n'));
    const none = (result: ModuleResult): Plan => ({ result, changes: [] });
    if (out.startsWith('@@notz')) return none(abort(`given timezone "${name}" is not available`));
    const systemd = out.startsWith('@@systemd');
    const before = current(systemd, systemd ? out : out.slice(out.indexOf('@@tz\n') + 5), planned);
    if (!systemd && 'hwclock' in planned) return none(abort('kbs sets hwclock only through timedatectl (systemd hosts)'));
    if (!systemd && !out.includes('@@dpkg')) return none(abort('kbs sets the time zone through timedatectl, or on Debian-like hosts through /etc/timezone and dpkg-reconfigure'));
    const result: ModuleResult = { changed: false, diff: { before, after: planned } as unknown as DiffEntry };
    const changes: Change[] = [];
    for (const k of Object.keys(planned) as Key[]) {
      if (before[k] === planned[k]) continue;
      let cmd: string;
      if (systemd) cmd = k === 'hwclock' ? `timedatectl set-local-rtc ${planned.hwclock === 'local' ? 'yes' : 'no'}` : `timedatectl set-timezone ${shq(planned.name!)}`;
      else cmd = `printf '%s\\n' ${shq(planned.name!)} > /etc/timezone && ln -sf ${shq(`/usr/share/zoneinfo/${planned.name}`)} /etc/localtime && DEBIAN_FRONTEND=noninteractive dpkg-reconfigure --frontend noninteractive tzdata`;
      const earlier = [...msgs];
      changes.push({ description: `set ${k} to ${planned[k]}`, command: cmd, failWith: (r) => abort(`Command failed rc=${r.rc}, err=${r.stderr.trim()}`, earlier) });
      msgs.push(`executed \`${cmd}\``);
    }
    if (!changes.length) return { result, changes };
    // the last change reads the state back: it must be the one planned
    const last = changes[changes.length - 1];
    last.command = `${last.command} || exit $?\necho '@@after'\n${systemd ? 'timedatectl status' : 'cat /etc/timezone 2>/dev/null'}`;
    const afterOf = (r: ExecResult) => {
      const at = r.stdout.indexOf(AFTER);
      return current(systemd, at < 0 ? '' : r.stdout.slice(at + AFTER.length), planned);
    };
    last.verify = (r) => {
      const after = afterOf(r);
      return JSON.stringify(after) === JSON.stringify(planned) ? undefined : abort(`still not desired state, though changes have made - planned: ${JSON.stringify(planned)}, after: ${JSON.stringify(after)}`);
    };
    last.done = (r) => ({ diff: { before, after: afterOf(r) } as unknown as DiffEntry, msg: msgs.join('\n') });
    return { result, changes };
  },
};

export const timezone: ModuleDef = {
  name: 'timezone',
  schema: args.schema,
  run: (a, ctx) => runPlanned(timezonePlanner, a, ctx),
};
