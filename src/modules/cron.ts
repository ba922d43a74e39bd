/**
 * ansible.builtin.cron: a job (marked by its "#Ansible: NAME" comment line) or an environment
 * variable in a user's crontab (read with `crontab -l`, installed with `crontab FILE`) or in a
 * file under /etc/cron.d (written atomically, removed when its last job goes). The lines are
 * edited as Ansible's module edits them; one exec reads, one exec writes.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { remoteError, tempTrap, writeFile } from './util/remote.js';

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

export const cron: ModuleDef = {
  name: 'cron',
  schema: args.schema,
  async run(raw, ctx) {
    const d = args.read(raw);
    const fileArg = await expandPath(ctx, d.cron_file);
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
    if (a.cronFile) {
      if (a.cronFile === '/etc/crontab') return failed('Will not manage /etc/crontab via cron_file, see documentation.');
      const base = a.cronFile.slice(a.cronFile.lastIndexOf('/') + 1);
      if (!/^[A-Z0-9_-]+$/i.test(base)) warnings.push(`Filename portion of cron_file ("${base}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens`);
    }
    if (a.special && [a.minute, a.hour, a.day, a.month, a.weekday].some((x) => x !== '*')) return failed('You must specify time and date fields or special time.');
    if (a.present) {
      if (a.cronFile && !a.user) return failed('To use cron_file=... parameter you must specify user=... as well');
      if (a.job === undefined) return failed("You must specify 'job' to install a new cron job or variable");
      if ((a.insertafter || a.insertbefore) && !a.env) return failed('Insertafter and insertbefore parameters are valid only with env=yes');
    }

    const uflag = await userFlag(ctx, a.user);
    let lines: string[];
    let existing: string;
    let fileExists = false;
    if (a.cronFile) {
      const r = await ctx.run(`f=${shq(a.cronFile)}; if [ -f "$f" ]; then echo yes; cat -- "$f" || exit 1; else echo no; fi`);
      if (r.rc !== 0) throw remoteError(`cannot read ${a.cronFile}`, r);
      fileExists = r.stdout.startsWith('yes\n');
      existing = fileExists ? r.stdout.slice(4) : '';
      lines = existing === '' ? [] : existing.split(/\r\n|\n|\r/);
      if (lines.length && lines[lines.length - 1] === '' && /[\r\n]$/.test(existing)) lines.pop();
    } else {
      const r = await ctx.run(`crontab ${uflag}-l`);
      if (r.rc !== 0 && r.rc !== 1) return failed('Unable to read crontab');
      ({ lines, existing } = stripCrontabHeader(r.rc === 0 ? r.stdout : ''));
      if (r.rc === 1) existing = r.stdout;
    }
    const header = a.cronFile ?? (a.user ? `crontab for user "${a.user}"` : 'crontab');
    const backup = d.backup;
    let backupFile: string | undefined;
    if (backup && !ctx.check) backupFile = await saveBackup(ctx, renderCron(lines));

    const e = editCron(lines, existing, a);
    if (e.error) return failed(e.error);
    warnings.push(...e.warnings);
    if (e.removeFile) {
      const result: ModuleResult = { changed: ctx.check ? fileExists : true, cron_file: fileArg, state: 'absent' };
      if (ctx.diff) result.diff = { before: existing, before_header: header, after: '', after_header: '/dev/null' };
      if (!ctx.check) {
        const r = await ctx.run(`rm -- ${shq(a.cronFile!)}`);
        result.changed = r.rc === 0;
      }
      return result;
    }
    const result: ModuleResult = {
      changed: e.changed,
      jobs: e.lines.filter((l) => l.startsWith(MARK)).map((l) => l.slice(MARK.length)),
      envs: e.lines.filter((l) => /^\S+=/.test(l)).map((l) => l.split('=')[0]),
    };
    if (warnings.length) result.warnings = warnings;
    const text = renderCron(e.lines);
    if (e.changed) {
      if (ctx.diff) result.diff = { before: existing, before_header: header, after: text, after_header: header };
      if (!ctx.check) {
        if (a.cronFile) {
          const m = await ctx.run(`stat -c %a -- ${shq(a.cronFile)} 2>/dev/null || echo 644`);
          await writeFile(ctx, { dest: a.cronFile, mode: parseInt(m.stdout.trim(), 8) }, Buffer.from(text, 'utf8'));
        } else {
          const w = await ctx.run(`t=$(mktemp "\${TMPDIR:-/tmp}/crontabXXXXXXXX") || exit 1\n${tempTrap('t')}\ncat > "$t" || exit 1\nchmod 644 "$t"\ncrontab ${uflag}"$t"`, { stdin: Buffer.from(text, 'utf8') });
          if (w.rc !== 0) return failed(w.stderr.trim() || `crontab failed (rc=${w.rc})`);
        }
      }
    }
    if (backupFile !== undefined) {
      if (e.changed) result.backup_file = backupFile;
      else await ctx.run(`rm -f -- ${shq(backupFile)}`);
    }
    if (fileArg) result.cron_file = fileArg;
    return result;
  },
};

/** `-u USER ` when USER is not the (become) user the commands run as, else ''. */
async function userFlag(ctx: ModuleContext, user: string | undefined): Promise<string> {
  if (!user) return '';
  const r = await ctx.run('id -un');
  return r.stdout.trim() === user ? '' : `-u ${shq(user)} `;
}

async function saveBackup(ctx: ModuleContext, text: string): Promise<string> {
  const r = await ctx.run(`t=$(mktemp "\${TMPDIR:-/tmp}/crontabXXXXXXXX") && cat > "$t" && printf '%s' "$t"`, { stdin: Buffer.from(text, 'utf8') });
  if (r.rc !== 0) throw remoteError('cannot write the crontab backup', r);
  return r.stdout;
}
