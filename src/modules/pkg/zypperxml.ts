/**
 * zypper's `--xmlout` output read as Ansible's zypper module reads it with minidom: the solvables
 * (name, edition, edition-old, status and the element they sit in: to-install, to-upgrade,
 * to-remove...) and the text of each <message>. Output that is not XML gives expat's message
 * (the common cases: nothing at all, text before the root, an unclosed root, junk after it).
 */

export interface Solvable {
  name: string;
  edition: string;
  editionOld: string;
  status: string;
  /** the element the solvable sits in (to-install, to-upgrade, to-remove, solvable-list...) */
  group: string;
}

export interface ZypperXml {
  solvables: Solvable[];
  /** the text of every <message>, in order */
  messages: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

const TOKEN = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTR = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** line (from 1) and column (from 0) of offset I, as expat counts them */
function where(text: string, i: number): string {
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return `line ${line}, column ${i - (before.lastIndexOf('\n') + 1)}`;
}

/** The solvables and messages of zypper's XML output, or expat's error message. */
export function readZypperXml(text: string): ZypperXml | { error: string } {
  const out: ZypperXml = { solvables: [], messages: [] };
  const stack: string[] = [];
  let rootDone = false;
  let message: string | undefined;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const chunk = text.slice(i, next < 0 ? text.length : next);
      if (!stack.length && chunk.trim()) {
        const at = i + chunk.length - chunk.trimStart().length;
        return { error: `${rootDone ? 'junk after document element' : 'syntax error'}: ${where(text, at)}` };
      }
      if (message !== undefined) message += unescapeXml(chunk);
      i += chunk.length;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m) return { error: `${rootDone && !stack.length ? 'junk after document element' : 'not well-formed (invalid token)'}: ${where(text, i)}` };
    i = TOKEN.lastIndex;
    const [, close, tag, attrs, empty] = m;
    if (!tag) continue;
    if (close) {
      if (stack[stack.length - 1] !== tag) return { error: `mismatched tag: ${where(text, m.index + 2)}` };
      stack.pop();
      if (tag === 'message' && message !== undefined) {
        out.messages.push(message);
        message = undefined;
      }
      if (!stack.length) rootDone = true;
      continue;
    }
    if (!stack.length && rootDone) return { error: `junk after document element: ${where(text, m.index)}` };
    const a: Record<string, string> = {};
    for (const x of attrs.matchAll(ATTR)) a[x[1]] = unescapeXml(x[2] ?? x[3] ?? '');
    if (tag === 'solvable') {
      out.solvables.push({ name: a.name ?? '', edition: a.edition ?? '', editionOld: a['edition-old'] ?? '', status: a.status ?? '', group: stack[stack.length - 1] ?? '' });
    }
    if (empty) {
      if (!stack.length) rootDone = true;
      continue;
    }
    if (tag === 'message') message = '';
    stack.push(tag);
  }
  if (stack.length || !rootDone) return { error: `no element found: ${where(text, text.length)}` };
  return out;
}
