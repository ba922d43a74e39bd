/**
 * community.general.ini_file: an option (one or several values) set or removed in a section of an
 * INI file, or a whole section removed, editing the lines as community.general 6's module does
 * (commented-out options are reused, `exclusive` drops other occurrences, new options go after
 * the section's last non-blank line). Read in one probe, written atomically only when different.
 */
import { addPathInfo } from './util/pathinfo.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { FILE_ATTR_ARGS, declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
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

const args = declareArgs(
  {
    path: { type: 'str', required: true, aliases: ['dest'] },
    section: { type: 'str', schema: { type: ['string', 'number', 'boolean', 'null'] } },
    option: { type: 'str' },
    value: { type: 'str' },
    values: { type: 'list', read: strList },
    backup: { type: 'bool' },
    state: { type: 'str', choices: ['absent', 'present'], default: 'present' },
    exclusive: { type: 'bool', default: true },
    no_extra_spaces: { type: 'bool' },
    allow_no_value: { type: 'bool' },
    create: { type: 'bool', default: true },
    ...FILE_ATTR_ARGS,
    attributes: { type: 'str', aliases: ['attr'] },
  },
  { exclusive: [['value', 'values']] },
);

export const ini_file: ModuleDef = {
  name: 'ini_file',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const path = await expandPath(ctx, a.path);
    const { state, value, allow_no_value: allowNoValue } = a;
    const values = value !== undefined ? [value] : (a.values ?? []);
    if (state === 'present' && !allowNoValue && value === undefined && !values.length) {
      return failed("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
    }
    const f = await readText(ctx, path);
    if (!f.exists && !a.create) return failed(`Destination ${path} does not exist!`, { rc: 257 });
    let text = f.content.toString('utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const { section } = a;
    const edit = editIni(text, {
      section: section === '' ? undefined : section,
      option: a.option || undefined,
      values,
      state,
      exclusive: a.exclusive,
      noExtraSpaces: a.no_extra_spaces,
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
      attrs: f.exists || edit.changed ? a : undefined,
      backup: a.backup,
      backupKey: 'backup_file',
    });
    // saveText's message for attributes: ini_file keeps its own
    saved.msg = edit.msg;
    return addPathInfo(ctx, saved);
  },
};
