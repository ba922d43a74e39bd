/**
 * The imports of a Python source file, read the way Ansible's module dependency finder reads
 * them: `import a.b.c [as x], d` and `from [.]a.b import x, (y, z)`. Comments and string
 * literals (docstrings too) are blanked out first, so an import named in a docstring does not
 * count; statements are joined across brackets and backslash continuations.
 */

export interface PyImport {
  /** `import X` (plain) or `from X import names` (from) */
  kind: 'import' | 'from';
  /** dotted module (for `from . import x`: '') */
  module: string;
  /** leading dots of a relative `from` import */
  level: number;
  /** the names after `import` of a from-import (`*` kept) */
  names: string[];
  /** inside a block (indented): a try/except or a function, so it may be optional */
  nested: boolean;
}

/** the source with comments and string literals replaced by spaces (newlines kept) */
export function blankStringsAndComments(src: string): string {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '#') {
      while (i < n && src[i] !== '\n') {
        out += ' ';
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      out += ' '.repeat(q.length);
      i += q.length;
      while (i < n) {
        if (src[i] === '\\') {
          out += src[i + 1] === '\n' ? ' \n' : '  ';
          i += 2;
          continue;
        }
        if (src.startsWith(q, i)) {
          out += ' '.repeat(q.length);
          i += q.length;
          break;
        }
        if (!triple && src[i] === '\n') break; // unterminated: stop at the line end
        out += src[i] === '\n' ? '\n' : ' ';
        i++;
      }
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** logical lines: physical lines joined inside brackets and after a backslash */
function logicalLines(src: string): { text: string; indent: number }[] {
  const out: { text: string; indent: number }[] = [];
  let cur = '';
  let depth = 0;
  let indent = -1;
  for (const line of src.split('\n')) {
    if (indent < 0) {
      if (line.trim() === '') continue;
      indent = line.length - line.trimStart().length;
    }
    for (const ch of line) {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    }
    if (line.endsWith('\\')) {
      cur += line.slice(0, -1) + ' ';
      continue;
    }
    cur += line + ' ';
    if (depth > 0) continue;
    out.push({ text: cur.trim(), indent });
    cur = '';
    indent = -1;
  }
  if (cur.trim()) out.push({ text: cur.trim(), indent: Math.max(indent, 0) });
  return out;
}

const DOTTED = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;

/** every import statement of a Python source, in order */
export function findImports(source: string): PyImport[] {
  const out: PyImport[] = [];
  for (const { text, indent } of logicalLines(blankStringsAndComments(source))) {
    // a block header may carry its statement on the same line: `try: import x`
    for (const stmt0 of text.split(';')) {
      const stmt = stmt0.replace(/^(try|else|finally|except\b[^:]*|if\b[^:]*|elif\b[^:]*)\s*:\s*/, '').trim();
      const nested = indent > 0 || stmt !== stmt0.trim();
      let m = /^import\s+(.+)$/.exec(stmt);
      if (m) {
        for (const part of m[1].split(',')) {
          const mod = part.trim().split(/\s+as\s+/)[0].trim();
          if (DOTTED.test(mod)) out.push({ kind: 'import', module: mod, level: 0, names: [], nested });
        }
        continue;
      }
      m = /^from\s+(\.*)\s*([\w.]*)\s+import\s+(.+)$/.exec(stmt);
      if (m) {
        const names = m[3]
          .replace(/[()]/g, ' ')
          .split(',')
          .map((p) => p.trim().split(/\s+as\s+/)[0].trim())
          .filter((p) => p === '*' || DOTTED.test(p));
        if (m[2] !== '' && !DOTTED.test(m[2])) continue;
        out.push({ kind: 'from', module: m[2], level: m[1].length, names, nested });
      }
    }
  }
  return out;
}
