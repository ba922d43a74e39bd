/**
 * Jinja2's wordwrap filter: each line of the text (str.splitlines) wrapped by Python's
 * textwrap.wrap(line, width, expand_tabs=False, replace_whitespace=False, break_long_words,
 * break_on_hyphens), the lines joined with wrapstring. textwrap's chunking regex, its greedy line
 * filling and its breaking of long words, counted in code points as Python counts.
 */

import { pyLen as len } from '../util/pystr.js';

/** Python's str.splitlines (no empty last line for a final line break) */
export function pySplitlines(s: string): string[] {
  if (!s) return [];
  const parts = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Python's str.splitlines(True): the lines with their line breaks kept */
export function pySplitlinesKeep(s: string): string[] {
  return s.match(/[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]|$)/g)?.filter(Boolean) ?? [];
}

// textwrap's classes: its whitespace (ASCII), Python's \w (letters, digits, _), a letter ([^\d\W])
const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WP = '[\\p{L}\\p{N}_!"\'&.,?]';
const LT = '[\\p{L}\\p{Nl}\\p{No}_]';
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}[\\p{L}\\p{N}_])))`,
  'u',
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`, 'u');
/** the characters Python's str.isspace() is true for (str.split() and str.strip() use them) */
export const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Python's str.strip() == '' (its whitespace, not only textwrap's) */
const ALL_SPACE = new RegExp(`^[${PY_SPACE}]*$`);


export interface WrapOptions {
  width: number;
  breakLongWords: boolean;
  breakOnHyphens: boolean;
}

/** textwrap.wrap of one line (no tab expansion, whitespace kept, dropped at line ends) */
export function wrapLine(text: string, o: WrapOptions): string[] {
  if (o.width <= 0) throw new Error(`invalid width ${o.width} (must be > 0)`);
  // the regex splits around its one group: the chunks are the group's matches and what lies between
  const chunks = text.split(o.breakOnHyphens ? new RegExp(WORDSEP.source, 'gu') : new RegExp(WORDSEP_SIMPLE.source, 'gu')).filter((c) => c);
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const cur: string[] = [];
    let curLen = 0;
    const width = o.width;
    if (ALL_SPACE.test(chunks[chunks.length - 1]) && lines.length) chunks.pop();
    while (chunks.length) {
      const l = len(chunks[chunks.length - 1]);
      if (curLen + l > width) break;
      cur.push(chunks.pop()!);
      curLen += l;
    }
    if (chunks.length && len(chunks[chunks.length - 1]) > width) {
      longWord(chunks, cur, curLen, width, o);
      curLen = cur.reduce((n, c) => n + len(c), 0);
    }
    if (cur.length && ALL_SPACE.test(cur[cur.length - 1])) {
      curLen -= len(cur[cur.length - 1]);
      cur.pop();
    }
    if (cur.length) lines.push(cur.join(''));
  }
  return lines;
}

/** textwrap's _handle_long_word: as much of the word as fits (after its last hyphen that fits, with hyphens) */
function longWord(chunks: string[], cur: string[], curLen: number, width: number, o: WrapOptions): void {
  const spaceLeft = width < 1 ? 1 : width - curLen;
  if (o.breakLongWords) {
    const chunk = Array.from(chunks[chunks.length - 1]);
    let end = spaceLeft;
    if (o.breakOnHyphens && chunk.length > spaceLeft) {
      const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
      if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
    }
    cur.push(chunk.slice(0, end).join(''));
    chunks[chunks.length - 1] = chunk.slice(end).join('');
  } else if (!cur.length) cur.push(chunks.pop()!);
}

/** Jinja2's do_wordwrap: every line of the text wrapped on its own, all joined with `wrapstring` */
export function wordwrap(s: string, width: number, breakLongWords: boolean, wrapstring: string, breakOnHyphens: boolean): string {
  return pySplitlines(s)
    .map((line) => wrapLine(line, { width, breakLongWords, breakOnHyphens }).join(wrapstring))
    .join(wrapstring);
}
