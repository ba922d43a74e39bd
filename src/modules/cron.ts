/**
 * ansible.builtin.cron: a job (marked by its "#Ansible: NAME" comment line) or an environment
 * variable in a user's crontab (read with `crontab -l`, installed with `crontab FILE`) or in a
 * file under /etc/cron.d (written atomically, removed when its last job goes). The lines are
 * edited as Ansible's module edits them: one probe reads, a pure plan edits, one exec writes.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { probeFields, runPlannedArgs, type Change, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { tempTrap } from './util/remote.js';

const MARK = '#Ansible: ';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface CronArgs {
  name: string;
  user?: string;
  job?: string;
  cronFile?: string;
  present: boolean;
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
  special?: string;
  disabled: boolean;
  env: boolean;
  insertafter?: string;
  insertbefore?: string;
}

export interface CronEdit {
  lines: string[];
  changed: boolean;
  warnings: string[];
  /** a cron_file whose last job went: remove the file */
  removeFile?: boolean;
  error?: string;
}

/** The job line as Ansible's get_cron_job writes it. */
export function cronJobLine(a: CronArgs): string {
  const job = a.job!.replace(/^[\r\n]+|[\r\n]+$/g, '');
  const p = a.disabled ? '#' : '';
  const who = a.cronFile ? ` ${a.user}` : '';
  if (a.special) return `${p}@${a.special}${who} ${job}`;
  return `${p}${a.minute} ${a.hour} ${a.day} ${a.month} ${a.weekday}${who} ${job}`;
}

/** Edit crontab LINES (without trailing newlines) as Ansible's cron module; `existing` is the raw text. */
export function editCron(input: string[], existing: string, a: CronArgs): CronEdit {
  let lines = [...input];
  const warnings: string[] = [];
  let changed = false;
  const comment = (n: string | null) => `${MARK}${n}`;
  const envMatch = (n: string, l: string) => new RegExp(`^${n}=`).test(l);
  if (a.env) {
    if (a.name.includes(' ')) return { lines, changed, warnings, error: 'Invalid name for environment variable' };
    const decl = `${a.name}="${a.job}"`;
    const oldIdx = lines.findIndex((l) => envMatch(escapeRe(a.name), l));
    if (a.present) {
      if (oldIdx < 0) {
        const other = a.insertafter ?? a.insertbefore;
        if (!other) lines.unshift(decl);
        else {
          const at = lines.findIndex((l) => envMatch(other, l));
          if (at < 0) return { lines, changed, warnings, error: `Variable named '${other}' not found.` };
          lines.splice(a.insertafter ? at + 1 : at, 0, decl);
        }
        changed = true;
      } else if (lines[oldIdx] !== decl) {
        lines = lines.map((l) => (envMatch(escapeRe(a.name), l) ? decl : l));
        changed = true;
      }
    } else if (oldIdx >= 0) {
      lines = lines.filter((l) => !envMatch(escapeRe(a.name), l));
      changed = true;
    }
  } else {
    const findJob = (job?: string): string[] | [string, string, true] => {
      let c: string | undefined;
      for (const l of lines) {
        if (c !== undefined) {
          if (c === a.name) return [c, l];
          c = undefined;
        } else if (l.startsWith(MARK)) c = l.slice(MARK.length);
      }
      if (job) {
        for (let i = 0; i < lines.length; i++) {
          if (lines[i] !== job) continue;
          const prev = lines.at(i - 1) ?? '';
          if (!prev.startsWith(MARK)) {
            lines.splice(i, 0, comment(a.name));
            return [lines[i], job, true];
          } else if (a.name && prev === comment(null)) {
            lines[i - 1 < 0 ? lines.length - 1 : i - 1] = comment(a.name);
            return [comment(a.name), job, true];
          }
        }
      }
      return [];
    };
    const updateJob = (job: string | undefined) => {
      const out: string[] = [];
      let c: string | undefined;
      for (const l of lines) {
        if (c !== undefined) {
          if (job !== undefined) out.push(c, job);
          c = undefined;
        } else if (l === comment(a.name)) c = l;
        else out.push(l);
      }
      lines = out;
    };
    if (a.present) {
      if (/[\r\n]/.test(a.job!.replace(/^[\r\n]+|[\r\n]+$/g, ''))) warnings.push('Job should not contain line breaks');
      const job = cronJobLine(a);
      const old = findJob(job);
      if (old.length === 0) {
        lines.push(comment(a.name), job);
        changed = true;
      }
      if (old.length > 0 && old[1] !== job) {
        updateJob(job);
        changed = true;
      }
      if (old.length > 2) {
        updateJob(job);
        changed = true;
      }
    } else {
      const old = findJob();
      if (old.length > 0) {
        updateJob(undefined);
        changed = true;
        if (a.cronFile && lines.every((l) => !l.trim())) return { lines, changed, warnings, removeFile: true };
      }
    }
  }
  if (!changed && existing !== '' && !/[\r\n]$/.test(existing)) changed = true;
  return { lines, changed, warnings };
}

/** Ansible's render: the lines joined, one trailing newline (nothing for an empty crontab). */
export function renderCron(lines: string[]): string {
  const r = lines.join('\n');
  return r ? r.replace(/[\r\n]+$/, '') + '\n' : r;
}

/** The `crontab -l` output without the three header lines crontab adds on some systems. */
export function stripCrontabHeader(out: string): { lines: string[]; existing: string } {
  const lines: string[] = [];
  let existing = out;
  out.split(/\r\n|\n|\r/).forEach((l, i, all) => {
    if (i === all.length - 1 && l === '') return;
    const head = /^# DO NOT EDIT THIS FILE - edit the master and reinstall\./.test(l) || /^# \(\/tmp\/.*installed on.*\)/.test(l) || /^# \(.*version.*\)/.test(l);
    if (i > 2 || !head) lines.push(l);
    else existing = existing.replace(new RegExp(escapeRe(l) + '[\r\n]?'), '');
  });
  return { lines, existing };
}

const SPECIAL = ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'] as const;

const args = declareArgs(
  {
    name: { type: 'str', required: true },
    user: { type: 'str' },
    job: { type: 'str', aliases: ['value'] },
    cron_file: { type: 'str' },
    state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
    backup: { type: 'bool' },
    minute: { type: 'str', default: '*' },
    hour: { type: 'str', default: '*' },
    day: { type: 'str', default: '*', aliases: ['dom'] },
    month: { type: 'str', default: '*' },
    weekday: { type: 'str', default: '*', aliases: ['dow'] },
    special_time: { type: 'str', choices: SPECIAL },
    disabled: { type: 'bool' },
    env: { type: 'bool' },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
  },
  { exclusive: [['insertafter', 'insertbefore']] },
);

type Args = ReturnType<typeof args.read>;

/** The declared args as the module's checks leave them, and the warnings about the file's name. */
function cronArgs(d: Args): { a: CronArgs; warnings: string[] } {
  const fileArg = d.cron_file;
  const a: CronArgs = {
    name: d.name,
    user: d.user,
    job: d.job,
    cronFile: fileArg === undefined || fileArg === '' ? undefined : fileArg.startsWith('/') ? fileArg : `/etc/cron.d/${fileArg}`,
    present: d.state === 'present',
    minute: d.minute,
    hour: d.hour,
    day: d.day,
    month: d.month,
    weekday: d.weekday,
    special: d.special_time,
    disabled: d.disabled,
    env: d.env,
    insertafter: d.insertafter,
    insertbefore: d.insertbefore,
  };
  const warnings: string[] = [];
  const fail = (msg: string) => new KbsError('TASK', msg);
  if (a.cronFile) {
    if (a.cronFile === '/etc/crontab') throw fail('Will not manage /etc/crontab via cron_file, see documentation.');
    const base = a.cronFile.slice(a.cronFile.lastIndexOf('/') + 1);
    if (!/^[A-Z0-9_-]+$/i.test(base)) warnings.push(`Filename portion of cron_file ("${base}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens`);
  }
  if (a.special && [a.minute, a.hour, a.day, a.month, a.weekday].some((x) => x !== '*')) throw fail('You must specify time and date fields or special time.');
  if (a.present) {
    if (a.cronFile && !a.user) throw fail('To use cron_file=... parameter you must specify user=... as well');
    if (a.job === undefined) throw fail("You must specify 'job' to install a new cron job or variable");
    if ((a.insertafter || a.insertbefore) && !a.env) throw fail('Insertafter and insertbefore parameters are valid only with env=yes');
  }
  return { a, warnings };
}

/**
 * The probe: O 1 when `user` is not the user the commands run as (crontab then takes -u USER),
 * then the cron file (E exists, S its mode) or the user's crontab (R: rc of `crontab -l`), its
 * text after @@content.
 */
function cronProbe(d: Args): string {
  const { a } = cronArgs(d);
  const lines = [a.user ? `o=0; [ "$(id -un)" = ${shq(a.user)} ] || o=1; printf 'O\\t%s\\n' "$o"` : ''];
  if (a.cronFile) {
    lines.push(
      `f=${shq(a.cronFile)}; if [ -f "$f" ]; then printf 'E\\t1\\nS\\t%s\\n' "$(stat -c %a -- "$f" 2>/dev/null || echo 644)"; echo '@@content'; cat -- "$f" || exit 1; fi`,
    );
  } else {
    const l = (flag: string) => `c=$(crontab ${flag}-l 2>/dev/null; r=$?; echo .; exit $r)`;
    lines.push(a.user ? `if [ "$o" = 1 ]; then ${l(`-u ${shq(a.user)} `)}; else ${l('')}; fi` : l(''), `printf 'R\\t%s\\n' "$?"; echo '@@content'; printf '%s' "\${c%.}"`);
  }
  return lines.filter(Boolean).join('\n');
}

export const cronPlanner: Planner<Args> = {
  args,
  probe: cronProbe,
  probeError: (d) => `cannot read ${cronArgs(d).a.cronFile ?? 'the crontab'}`,
  plan(d, out, { diff }) {
    const { a, warnings } = cronArgs(d);
    const at = out.indexOf('@@content\n');
    const v = probeFields(at < 0 ? out : out.slice(0, at));
    const text = at < 0 ? '' : out.slice(at + '@@content\n'.length);
    const uflag = v.O === '1' ? `-u ${shq(a.user!)} ` : '';
    let lines: string[];
    let existing: string;
    const fileExists = v.E === '1';
    if (a.cronFile) {
      existing = text;
      lines = existing === '' ? [] : existing.split(/\r\n|\n|\r/);
      if (lines.length && lines[lines.length - 1] === '' && /[\r\n]$/.test(existing)) lines.pop();
    } else {
      if (v.R !== '0' && v.R !== '1') return { result: failed('Unable to read crontab'), changes: [] };
      ({ lines, existing } = stripCrontabHeader(v.R === '0' ? text : ''));
      if (v.R === '1') existing = '';
    }
    const header = a.cronFile ?? (a.user ? `crontab for user "${a.user}"` : 'crontab');
    const e = editCron(lines, existing, a);
    if (e.error) return { result: failed(e.error), changes: [] };
    warnings.push(...e.warnings);
    if (e.removeFile) {
      const result: ModuleResult = { changed: false, cron_file: d.cron_file, state: 'absent' };
      if (diff) result.diff = { before: existing, before_header: header, after: '', after_header: '/dev/null' };
      // a file that cannot be removed is no change, as the module's remove_job_file
      return { result, changes: fileExists ? [{ description: `remove ${a.cronFile}`, command: `rm -- ${shq(a.cronFile!)}`, failWith: () => ({ ...result, changed: false }) }] : [] };
    }
    const result: ModuleResult = {
      changed: false,
      jobs: e.lines.filter((l) => l.startsWith(MARK)).map((l) => l.slice(MARK.length)),
      envs: e.lines.filter((l) => /^\S+=/.test(l)).map((l) => l.split('=')[0]),
    };
    if (warnings.length) result.warnings = warnings;
    const changes: Change[] = [];
    const after = renderCron(e.lines);
    if (e.changed) {
      if (diff) result.diff = { before: existing, before_header: header, after, after_header: header };
      if (d.backup) {
        changes.push({
          description: 'write the crontab backup',
          command: `t=$(mktemp "\${TMPDIR:-/tmp}/crontabXXXXXXXX") && cat > "$t" && printf '%s' "$t"`,
          stdin: renderCron(lines),
          done: (r) => ({ backup_file: r.stdout }),
        });
      }
      if (a.cronFile) changes.push({ description: `write ${a.cronFile}`, write: { path: a.cronFile, data: after, mode: parseInt(v.S ?? '644', 8) } });
      else {
        changes.push({
          description: `install the crontab${a.user ? ` of ${a.user}` : ''}`,
          command: `t=$(mktemp "\${TMPDIR:-/tmp}/crontabXXXXXXXX") || exit 1\n${tempTrap('t')}\ncat > "$t" || exit 1\nchmod 644 "$t"\ncrontab ${uflag}"$t"`,
          stdin: after,
          failWith: (r) => failed(r.stderr.trim() || `crontab failed (rc=${r.rc})`),
        });
      }
    }
    if (d.cron_file) result.cron_file = d.cron_file;
    return { result, changes };
  },
};

export const cron: ModuleDef = {
  name: 'cron',
  schema: args.schema,
  async run(raw, ctx) {
    const d = args.read(raw);
    return runPlannedArgs(cronPlanner, { ...d, cron_file: await expandPath(ctx, d.cron_file) }, ctx);
  },
};
