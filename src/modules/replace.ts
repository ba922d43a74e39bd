/**
 * ansible.builtin.replace: every match of a Python regex (MULTILINE) replaced, optionally only
 * between `after` and `before` (DOTALL). Backrefs as Python's re.sub (\1, \g<name>).
 */
import type { ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { pyExpand, pyRegex } from './util/pyregex.js';
import { TEXT_FILE_ARGS, readText, saveText, textPath } from './sys/textfile.js';

/** A Python pattern with extra inline flags merged into its leading (?flags) group. */
export function withFlags(pattern: string, flags: string): string {
  const lead = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  return lead ? `(?${lead[1]}${flags})${pattern.slice(lead[0].length)}` : `(?${flags})${pattern}`;
}

/** Python's re.subn(pattern, repl, text): the new text and the number of replacements. */
export function pySubn(re: RegExp, repl: string, text: string): [string, number] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let n = 0;
  const out = text.replace(g, (...m: unknown[]) => {
    n++;
    const hasGroups = typeof m[m.length - 1] === 'object' && m[m.length - 1] !== null;
    const idx = m[m.length - (hasGroups ? 3 : 2)] as number;
    const arr = m.slice(0, m.length - (hasGroups ? 3 : 2)) as string[];
    const exec = Object.assign([...arr], { index: idx, input: text, groups: hasGroups ? (m[m.length - 1] as Record<string, string>) : undefined }) as unknown as RegExpExecArray;
    return pyExpand(repl, exec);
  });
  return [out, n];
}

const args = declareArgs({
  ...TEXT_FILE_ARGS,
  regexp: { type: 'str', required: true },
  replace: { type: 'str', default: '' },
  after: { type: 'str' },
  before: { type: 'str' },
  encoding: { type: 'str' },
  others: { type: 'str' },
});

export const replace: ModuleDef = {
  name: 'replace',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const path = await textPath(ctx, a);
    const { regexp, replace: repl, after, before } = a;

    const f = await readText(ctx, path);
    if (!f.exists) return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };
    const contents = f.content.toString('utf8');

    let pattern = '';
    if (after && before) pattern = `${after}(?P<subsection>.*?)${before}`;
    else if (after) pattern = `${after}(?P<subsection>.*)`;
    else if (before) pattern = `(?P<subsection>.*)${before}`;
    let section = contents;
    let start = 0;
    let end = contents.length;
    if (pattern) {
      const re = pyRegex(withFlags(pattern, 's'), 'after/before');
      const m = new RegExp(re.source, re.flags + 'd').exec(contents);
      const at = m?.indices?.groups?.subsection;
      if (!m || !at) return { changed: false, msg: `Pattern for before/after params did not match the given file: ${pattern}` };
      [start, end] = at;
      section = contents.slice(start, end);
    }
    const [replaced, n] = pySubn(pyRegex(withFlags(regexp, 'm'), 'regexp'), repl, section);
    const result: ModuleResult = { changed: false, msg: '' };
    let text = contents;
    if (n > 0 && replaced !== section) {
      text = contents.slice(0, start) + replaced + contents.slice(end);
      result.changed = true;
      result.msg = `${n} replacements made`;
      if (ctx.diff) result.diff = { before_header: path, before: contents, after_header: path, after: text };
    }
    result.rc = 0;
    return saveText(ctx, f, {
      result,
      after: result.changed ? Buffer.from(text, 'utf8') : undefined,
      attrs: a,
      backup: a.backup,
      validate: a.validate,
      backupKey: 'backup_file',
    });
  },
};
