/**
 * Python's configparser.ConfigParser (the defaults the ini lookup uses: delimiters = and :,
 * full-line comments # and ;, indented continuation lines, a DEFAULT section seen by every section,
 * strict duplicate checks, BasicInterpolation's %(name)s and %%) and csv.reader's excel dialect,
 * for the ini and csvfile lookups. Pure: text in, values out; errors carry Python's messages.
 */
import { templateError } from './python.js';

export interface IniOptions {
  /** keep option names as written (else lowercased, as optionxform) */
  caseSensitive: boolean;
  /** an option line without a delimiter is an option whose value is None */
  allowNoValue: boolean;
}

export class ConfigParser {
  private readonly sections = new Map<string, Map<string, string | null>>();
  private readonly defaults = new Map<string, string | null>();

  constructor(private readonly o: IniOptions) {}

  xform(name: string): string {
    return this.o.caseSensitive ? name : name.toLowerCase();
  }

  /** configparser.read_string: FILE names the source in the errors */
  read(text: string, file = '<???>'): void {
    const lines = text.split(/\r\n|\n|\r/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    let cur: Map<string, string | null> | undefined;
    let curName = '';
    let opt: string | undefined;
    let optLines: string[] | null = null;
    let indent = 0;
    const errors: string[] = [];
    const flush = () => {
      if (cur && opt !== undefined) cur.set(opt, optLines === null ? null : optLines.join('\n').replace(/\s+$/, ''));
      opt = undefined;
      optLines = null;
    };
    lines.forEach((raw, i) => {
      const lineno = i + 1;
      const stripped = raw.trim();
      const isComment = stripped.startsWith('#') || stripped.startsWith(';');
      const value = isComment ? '' : stripped;
      if (!value) {
        // an empty line inside a multi-line value is part of it
        if (!isComment && optLines !== null && opt !== undefined) optLines.push('');
        return;
      }
      const level = raw.length - raw.trimStart().length;
      if (cur && opt !== undefined && optLines !== null && level > indent) {
        optLines.push(value);
        return;
      }
      indent = level;
      const sect = /^\[(.+)\]/.exec(value);
      if (sect) {
        flush();
        curName = sect[1];
        if (curName === 'DEFAULT') cur = this.defaults;
        else {
          if (this.sections.has(curName)) throw templateError(`While reading from '${file}' [line ${String(lineno).padStart(2)}]: section '${curName}' already exists`);
          cur = new Map();
          this.sections.set(curName, cur);
        }
        return;
      }
      if (!cur) throw templateError(`File contains no section headers.\nfile: '${file}', line: ${lineno}\n'${raw}\\n'`);
      const m = /^(.*?)\s*([=:])\s*(.*)$/.exec(value);
      const name = m ? m[1] : this.o.allowNoValue ? value : undefined;
      if (name === undefined || name === '') {
        errors.push(`\t[line ${String(lineno).padStart(2)}]: '${raw}\\n'`);
        return;
      }
      flush();
      const key = this.xform(name.trimEnd());
      if (cur.has(key) && cur !== this.defaults) throw templateError(`While reading from '${file}' [line ${String(lineno).padStart(2)}]: option '${key}' in section '${curName}' already exists`);
      if (cur === this.defaults && cur.has(key)) throw templateError(`While reading from '${file}' [line ${String(lineno).padStart(2)}]: option '${key}' in section 'DEFAULT' already exists`);
      opt = key;
      optLines = m ? [m[3].trim()] : null;
      cur.set(key, optLines === null ? null : '');
    });
    flush();
    if (errors.length) throw templateError(`Source contains parsing errors: '${file}'\n${errors.join('\n')}`);
  }

  private values(section: string): Map<string, string | null> {
    const s = this.sections.get(section);
    if (!s && section !== 'DEFAULT') throw new NoSection(section);
    return new Map([...this.defaults, ...(s ?? [])]);
  }

  /** get(section, option) with interpolation; undefined when the option is missing */
  get(section: string, option: string): string | null | undefined {
    const all = this.values(section);
    const key = this.xform(option);
    if (!all.has(key)) return undefined;
    return this.interpolate(all, key, all.get(key) ?? null, 1);
  }

  /** items(section): (name, value) pairs, the DEFAULT section's first, interpolated */
  items(section: string): [string, string | null][] {
    const all = this.values(section);
    return [...all.keys()].map((k) => [k, this.interpolate(all, k, all.get(k) ?? null, 1)]);
  }

  private interpolate(all: Map<string, string | null>, option: string, value: string | null, depth: number): string | null {
    if (value === null || !value.includes('%')) return value;
    if (depth > 10) throw templateError(`Recursion limit exceeded in value substitution: option '${option}'`);
    let out = '';
    let rest = value;
    while (rest) {
      const p = rest.indexOf('%');
      if (p < 0) {
        out += rest;
        break;
      }
      out += rest.slice(0, p);
      rest = rest.slice(p);
      if (rest[1] === '%') {
        out += '%';
        rest = rest.slice(2);
        continue;
      }
      const m = /^%\(([^)]+)\)s/.exec(rest);
      if (!m) throw templateError(`'%' must be followed by '%' or '(', found: '${rest}'`);
      const ref = this.xform(m[1]);
      if (!all.has(ref)) throw templateError(`Bad value substitution: option '${option}' references '${ref}', which is not set`);
      out += this.interpolate(all, ref, all.get(ref) ?? null, depth + 1) ?? '';
      rest = rest.slice(m[0].length);
    }
    return out;
  }
}

export class NoSection extends Error {
  constructor(readonly section: string) {
    super(`No section: '${section}'`);
  }
}

/** csv.reader with the excel dialect and DELIMITER: the rows of TEXT */
export function csvRows(text: string, delimiter: string): string[][] {
  if ([...delimiter].length !== 1) throw templateError('"delimiter" must be a 1-character string');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let fieldStarted = false;
  const endField = () => {
    row.push(field);
    field = '';
    quoted = false;
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      inQuotes = quoted = fieldStarted = true;
      continue;
    }
    if (c === delimiter) {
      endField();
      continue;
    }
    if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (fieldStarted || row.length || quoted) endField();
      rows.push(row);
      row = [];
      continue;
    }
    field += c;
    fieldStarted = true;
  }
  if (inQuotes) throw templateError('unexpected end of data');
  if (fieldStarted || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}
