/**
 * community.general.ini_file: an option (one or several values) set or removed in a section of an
 * INI file, or a whole section removed, editing the lines as community.general 6's module does
 * (commented-out options are reused, `exclusive` drops other occurrences, new options go after
 * the section's last non-blank line). Read in one probe, written atomically only when different.
 */
import { addPathInfo } from './util/pathinfo.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, toBool } from './util/args.js';
import { attrArgs } from './util/attrs.js';
import { expandPath } from './util/paths.js';
import { BOOL, FILE_ATTRS, STR, STR_OR_LIST, argsSchema, oneOfStr } from './util/schema.js';
import { readText, saveText } from './sys/textfile.js';
import { strList } from './find.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const FAKE = 'ad01e11446efb704fcdbdb21f2c43757423d91c5';

const optRe = (option: string, commented: boolean) =>
  new RegExp(`^${commented ? '[#;]?' : ''}( |\\t)*(${escapeRegExp(option)})( |\\t)*(=|$)( |\\t)*(.*)`);

/** Python's re.match on a line that keeps its "\n" ($ also matches before it; . never matches it). */
function matchLine(re: RegExp, line: string): RegExpExecArray | null {
  return re.exec(line.endsWith('\n') ? line.slice(0, -1) : line);
}

export interface IniEdit {
  section?: string;
  option?: string;
  values: string[];
  state: 'present' | 'absent';
  exclusive: boolean;
  noExtraSpaces: boolean;
  allowNoValue: boolean;
}

/** The file's lines after the edit, whether they changed, and the message, as do_ini. */
export function editIni(text: string, e: IniEdit): { lines: string[]; changed: boolean; msg: string } {
  const values: string[] = [];
  for (const v of e.values) if (!values.includes(v)) values.push(v);
  const option = e.option;
  const lines: string[] = text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
  let changed = false;
  if (!lines.length) lines.push('\n');
  if (lines[lines.length - 1] === '' || !lines[lines.length - 1].endsWith('\n')) {
    lines[lines.length - 1] += '\n';
    changed = true;
  }
  lines.unshift(`[${FAKE}]`);
  lines.push('[');
  const section = e.section ? e.section : FAKE;
  let within = false;
  let start = 0;
  let end = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith(`[${section}]`)) {
      within = true;
      start = i;
    } else if (lines[i].startsWith('[') && within) {
      end = i;
      break;
    }
  }
  const before = lines.slice(0, start);
  let sec = lines.slice(start, end);
  const after = lines.slice(end);
  let changedLines = sec.map(() => false);
  let msg = 'OK';
  const fmt = (o: string, v: string) => (e.noExtraSpaces ? `${o}=${v}\n` : `${o} = ${v}\n`);
  let noValuePresent = false;
  const update = (i: number, newline: string) => {
    if (sec[i] !== newline) {
      changed = true;
      msg = 'option changed';
    }
    sec[i] = newline;
    changedLines[i] = true;
  };
  const any = option === undefined ? undefined : optRe(option, true);
  const active = option === undefined ? undefined : optRe(option, false);

  if (e.state === 'present' && option && any) {
    for (let i = 0; i < sec.length; i++) {
      const m = matchLine(any, sec[i]);
      if (!m) continue;
      if (values.length && values.includes(m[6])) {
        const v = m[6];
        update(i, !v && e.allowNoValue ? `${option}\n` : fmt(option, v));
        if (!v && e.allowNoValue) noValuePresent = true;
        values.splice(values.indexOf(v), 1);
      } else if (!values.length && e.allowNoValue) {
        update(i, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
  }
  if (e.state === 'present' && e.exclusive && !e.allowNoValue && any) {
    if (values.length) {
      for (let i = 0; i < sec.length; i++) {
        if (!changedLines[i] && matchLine(any, sec[i])) {
          update(i, fmt(option!, values.shift()!));
          if (!values.length) break;
        }
      }
    }
    for (let i = sec.length - 1; i > 0; i--) {
      if (!changedLines[i] && matchLine(any, sec[i])) {
        sec.splice(i, 1);
        changedLines.splice(i, 1);
        changed = true;
        msg = 'option changed';
      }
    }
  }
  if (e.state === 'present') {
    for (let i = sec.length; i > 0; i--) {
      if (!/^[ \t]*([#;].*)?$/.test(sec[i - 1].replace(/\n$/, ''))) {
        if (option && values.length) {
          for (const v of [...values].reverse()) sec.splice(i, 0, fmt(option, v));
          msg = 'option added';
          changed = true;
        } else if (option && !values.length && e.allowNoValue && !noValuePresent) {
          sec.splice(i, 0, `${option}\n`);
          msg = 'option added';
          changed = true;
        }
        break;
      }
    }
  }
  if (e.state === 'absent') {
    if (option && active) {
      const kept = e.exclusive
        ? sec.filter((l) => !matchLine(active, l))
        : values.length
          ? sec.filter((l) => {
              const m = matchLine(active, l);
              return !(m && values.includes(m[6]));
            })
          : sec;
      if (kept.length !== sec.length) {
        changed = true;
        msg = 'option changed';
        sec = kept;
      }
    } else if (sec.length) {
      sec = [];
      msg = 'section removed';
      changed = true;
    }
  }
  changedLines = [];
  const out = [...before, ...sec, ...after];
  out.shift();
  out.pop();
  if (!within && e.state === 'present') {
    out.push(`[${section}]\n`);
    msg = 'section and option added';
    if (option && values.length) for (const v of values) out.push(fmt(option, v));
    else if (option && !values.length && e.allowNoValue) out.push(`${option}\n`);
    else msg = 'only section added';
    changed = true;
  }
  return { lines: out, changed, msg };
}

export const ini_file: ModuleDef = {
  name: 'ini_file',
  schema: {
    ...argsSchema({
      path: STR,
      dest: STR,
      section: { type: ['string', 'number', 'boolean', 'null'] },
      option: STR,
      value: STR,
      values: STR_OR_LIST,
      backup: BOOL,
      state: oneOfStr('absent', 'present'),
      exclusive: BOOL,
      no_extra_spaces: BOOL,
      allow_no_value: BOOL,
      create: BOOL,
      ...FILE_ATTRS,
    }),
    anyOf: [{ required: ['path'] }, { required: ['dest'] }],
  },
  async run(args, ctx) {
    const path = await expandPath(ctx, optStr(args, 'path', 'dest')!);
    const state = (optStr(args, 'state') ?? 'present') as 'present' | 'absent';
    const allowNoValue = toBool(args.allow_no_value, false, 'allow_no_value');
    const value = optStr(args, 'value');
    if (value !== undefined && args.values !== undefined && args.values !== null) return failed('parameters are mutually exclusive: value|values');
    const values = value !== undefined ? [value] : strList(args.values, 'values');
    if (state === 'present' && !allowNoValue && value === undefined && !values.length) {
      return failed("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
    }
    const f = await readText(ctx, path);
    if (!f.exists && !toBool(args.create, true, 'create')) return failed(`Destination ${path} does not exist!`, { rc: 257 });
    let text = f.content.toString('utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const section = optStr(args, 'section');
    const edit = editIni(text, {
      section: section === '' ? undefined : section,
      option: optStr(args, 'option') || undefined,
      values,
      state,
      exclusive: toBool(args.exclusive, true, 'exclusive'),
      noExtraSpaces: toBool(args.no_extra_spaces, false, 'no_extra_spaces'),
      allowNoValue,
    });
    const after = edit.lines.join('');
    const header = `${path} (content)`;
    const result: ModuleResult = {
      changed: edit.changed,
      msg: edit.msg,
      path,
    };
    if (ctx.diff && edit.changed) result.diff = { before: text, after, before_header: header, after_header: header };
    text = '';
    const saved = await saveText(ctx, f, {
      result,
      after: edit.changed ? Buffer.from(after, 'utf8') : undefined,
      attrs: f.exists || edit.changed ? attrArgs(args) : undefined,
      backup: toBool(args.backup, false, 'backup'),
      backupKey: 'backup_file',
    });
    // saveText's message for attributes: ini_file keeps its own
    saved.msg = edit.msg;
    return addPathInfo(ctx, saved);
  },
};
