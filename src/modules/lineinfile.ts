/**
 * ansible.builtin.lineinfile with Ansible's exact rules (last match wins unless firstmatch;
 * backrefs without a match change nothing; an existing identical line is not added again).
 * The file is read in one exec (probe + cat), edited here, written atomically only when different.
 * Lines are handled as bytes (latin1 strings), like Ansible's bytes regexes.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { pyExpand, pyRegex } from './util/pyregex.js';
import { INSERT_ARGS, TEXT_FILE_ARGS, fromBytes, probeText, saveText, textDiff, textPath, toBytes as L } from './sys/textfile.js';

const args = declareArgs(
  {
    ...TEXT_FILE_ARGS,
    ...INSERT_ARGS,
    regexp: { type: 'str', aliases: ['regex'] },
    search_string: { type: 'str' },
    line: { type: 'str', aliases: ['value'] },
    backrefs: { type: 'bool' },
    firstmatch: { type: 'bool' },
  },
  {
    exclusive: [
      ['regexp', 'search_string'],
      ['insertbefore', 'insertafter'],
      ['backrefs', 'search_string'],
    ],
  },
);

export const lineinfile: ModuleDef = {
  name: 'lineinfile',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const path = await textPath(ctx, a);
    const { state, regexp, search_string: search, line, backrefs, create, backup, firstmatch, insertbefore, validate } = a;
    let insertafter = a.insertafter;
    if (state === 'present') {
      if (backrefs && regexp === undefined) throw new KbsError('TASK', 'regexp is required with backrefs=true');
      if (line === undefined) throw new KbsError('TASK', 'line is required with state=present');
      if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF';
    } else if (regexp === undefined && search === undefined && line === undefined) {
      throw new KbsError('TASK', 'one of line, search_string, or regexp is required with state=absent');
    }

    // Ansible edits the link's target (os.path.realpath)
    const f = await probeText(ctx, path);
    if (f.exists && f.info.type === 'directory') return { changed: false, failed: true, rc: 256, msg: `Path ${path} is a directory !` };
    const before = f.content.toString('latin1');
    const lines = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];

    let edit: Edit;
    if (state === 'present') {
      if (!f.exists && !create) return { changed: false, failed: true, rc: 257, msg: `Destination ${path} does not exist !` };
      const re = regexp === undefined ? undefined : pyRegex(L(regexp), 'regexp');
      const insRaw = insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;
      const ins = insRaw === undefined ? undefined : pyRegex(L(insRaw), insertafter !== undefined ? 'insertafter' : 'insertbefore');
      edit = present(lines, { re, search: search === undefined ? undefined : L(search), line: L(line!), ins, insertafter, insertbefore, backrefs, firstmatch });
    } else {
      if (!f.exists) return { changed: false, msg: 'file not present' };
      const re = regexp === undefined ? undefined : pyRegex(L(regexp), 'regexp');
      edit = absent(lines, { re, search: search === undefined ? undefined : L(search), line: line === undefined ? undefined : L(line) });
    }

    const after = edit.lines.join('');
    const result: ModuleResult = { changed: edit.changed, msg: edit.msg, backup: '' };
    if (edit.found !== undefined) result.found = edit.found;
    if (ctx.diff) result.diff = [textDiff(path, fromBytes(before), fromBytes(after))];
    return saveText(ctx, f, { result, after: edit.changed ? Buffer.from(after, 'latin1') : undefined, attrs: a, backup, validate, backupKey: 'backup' });
  },
};

interface Edit {
  lines: string[];
  changed: boolean;
  msg: string;
  found?: number;
}

interface PresentOpts {
  re?: RegExp;
  search?: string;
  line: string;
  ins?: RegExp;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  firstmatch: boolean;
}

const strip = (s: string) => s.replace(/[\r\n]+$/, '');

/** Ansible's lineinfile present(), line for line. */
export function present(input: string[], o: PresentOpts): Edit {
  const lines = [...input];
  const NL = '\n';
  let idx0 = -1;
  let idx1 = -1;
  let match: RegExpExecArray | boolean | null = null;
  let exact = false;
  if (o.re) {
    for (let i = 0; i < lines.length; i++) {
      const m = o.re.exec(lines[i]);
      if (m) {
        idx0 = i;
        match = m;
        if (o.firstmatch) break;
      }
    }
  }
  if (o.search !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].includes(o.search)) {
        idx0 = i;
        match = true;
        if (o.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      if (o.line === strip(lines[i])) {
        idx0 = i;
        exact = true;
      } else if (o.ins && o.ins.exec(lines[i])) {
        if (o.insertafter) {
          idx1 = i + 1;
          if (o.firstmatch) break;
        }
        if (o.insertbefore) {
          idx1 = i;
          if (o.firstmatch) break;
        }
      }
    }
  }
  let msg = '';
  let changed = false;
  const add = (at: number) => {
    lines.splice(at, 0, o.line + NL);
    msg = 'line added';
    changed = true;
  };
  if (idx0 !== -1) {
    let newLine = o.backrefs && match && typeof match !== 'boolean' ? pyExpand(o.line, match) : o.line;
    if (!newLine.endsWith(NL)) newLine += NL;
    if (!o.re && o.search === undefined && !match && !exact) {
      // unreachable in practice (idx0 is only set by a match or an exact line), kept as in Ansible
    } else if (lines[idx0] !== newLine) {
      lines[idx0] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (o.backrefs) {
    // no match: generating the line without the groups is not safe, do nothing
  } else if (o.insertbefore === 'BOF' || o.insertafter === 'BOF') {
    add(0);
  } else if (o.insertafter === 'EOF' || idx1 === -1) {
    if (lines.length && !/[\n\r]$/.test(lines[lines.length - 1])) lines.push(NL);
    lines.push(o.line + NL);
    msg = 'line added';
    changed = true;
  } else if (o.insertafter && idx1 !== -1) {
    if (lines.length === idx1) {
      if (strip(lines[idx1 - 1]) !== o.line) {
        // the matched line is the last one: make sure it ends with a newline
        if (!/[\n\r]$/.test(lines[idx1 - 1])) lines[idx1 - 1] += NL;
        lines.push(o.line + NL);
        msg = 'line added';
        changed = true;
      }
    } else if (o.line !== strip(lines[idx1])) add(idx1);
  } else {
    add(idx1);
  }
  return { lines, changed, msg };
}

/** Ansible's lineinfile absent(). */
export function absent(input: string[], o: { re?: RegExp; search?: string; line?: string }): Edit {
  let found = 0;
  const lines = input.filter((l) => {
    let hit: boolean;
    if (o.re) hit = o.re.exec(l) !== null;
    else if (o.search !== undefined) hit = l.includes(o.search);
    else hit = o.line === strip(l);
    if (hit) found++;
    return !hit;
  });
  return { lines, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}
