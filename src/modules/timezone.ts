/**
 * community.general.timezone: the system time zone (`name`) and whether the hardware clock keeps
 * local time or UTC (`hwclock`), as the community.general module does on Linux: with
 * `timedatectl` when it answers (systemd), else on Debian-like hosts /etc/timezone,
 * /etc/localtime and `dpkg-reconfigure tzdata`. The result's diff holds before/after values.
 */
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { failed, toBool } from './util/args.js';
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

export const timezone: ModuleDef = {
  name: 'timezone',
  schema: args.schema,
  async run(raw, ctx) {
    const { hwclock: hw, name } = args.read(raw);
    const planned: Partial<Record<Key, string>> = {};
    // keys in the module's argument order: hwclock, name
    if (hw !== undefined) planned.hwclock = hw;
    if (name !== undefined) planned.name = name;
    const probe = await ctx.run(
      [
        name !== undefined ? `[ -f ${shq(`/usr/share/zoneinfo/${name}`)} ] || { echo '@@notz'; exit 0; }` : '',
        "if command -v timedatectl >/dev/null 2>&1 && s=$(timedatectl 2>/dev/null); then echo '@@systemd'; timedatectl status; exit 0; fi",
        "echo '@@debian'; command -v dpkg-reconfigure >/dev/null 2>&1 && echo '@@dpkg'; echo '@@tz'; cat /etc/timezone 2>/dev/null",
      ]
        .filter(Boolean)
        .join('\n'),
    );
    const out = probe.stdout;
    const msgs: string[] = [];
    const abort = (msg: string) => failed(['Error message:', msg, ...(msgs.length ? ['Other message(s):', ...msgs] : [])].join('\n'));
    if (out.startsWith('@@notz')) return abort(`given timezone "${name}" is not available`);
    const systemd = out.startsWith('@@systemd');
    let readAgain = false;
    const read = async (): Promise<Partial<Record<Key, string>>> => {
      if (systemd) {
        const r = readAgain ? (await ctx.run('timedatectl status')).stdout : out;
        const v = parseTimedatectl(r);
        return Object.fromEntries(Object.keys(planned).map((k) => [k, v[k as Key]]));
      }
      const tz = readAgain ? (await ctx.run('cat /etc/timezone 2>/dev/null')).stdout : out.slice(out.indexOf('@@tz\n') + 5);
      const v: Partial<Record<Key, string>> = {};
      if ('name' in planned) v.name = /^(\S+)/m.exec(tz)?.[1] ?? 'n/a';
      if ('hwclock' in planned) v.hwclock = 'n/a';
      return v;
    };
    const before = await read();
    if (!systemd && 'hwclock' in planned) return abort('kbs sets hwclock only through timedatectl (systemd hosts)');
    if (!systemd && !out.includes('@@dpkg')) return abort('kbs sets the time zone through timedatectl, or on Debian-like hosts through /etc/timezone and dpkg-reconfigure');
    const result: ModuleResult = { changed: false };
    if (ctx.check) {
      result.changed = JSON.stringify(before) !== JSON.stringify(planned);
      result.diff = { before, after: planned } as unknown as DiffEntry;
      return result;
    }
    for (const k of Object.keys(planned) as Key[]) {
      if (before[k] === planned[k]) continue;
      let cmd: string;
      if (systemd) cmd = k === 'hwclock' ? `timedatectl set-local-rtc ${planned.hwclock === 'local' ? 'yes' : 'no'}` : `timedatectl set-timezone ${shq(planned.name!)}`;
      else cmd = `printf '%s\\n' ${shq(planned.name!)} > /etc/timezone && ln -sf ${shq(`/usr/share/zoneinfo/${planned.name}`)} /etc/localtime && DEBIAN_FRONTEND=noninteractive dpkg-reconfigure --frontend noninteractive tzdata`;
      const r = await ctx.run(cmd);
      if (r.rc !== 0) return abort(`Command failed rc=${r.rc}, err=${r.stderr.trim()}`);
      msgs.push(`executed \`${cmd}\``);
    }
    readAgain = true;
    const after = await read();
    if (JSON.stringify(after) !== JSON.stringify(planned)) return abort(`still not desired state, though changes have made - planned: ${JSON.stringify(planned)}, after: ${JSON.stringify(after)}`);
    result.changed = JSON.stringify(before) !== JSON.stringify(after);
    result.diff = { before, after } as unknown as DiffEntry;
    if (msgs.length) result.msg = msgs.join('\n');
    return result;
  },
};
