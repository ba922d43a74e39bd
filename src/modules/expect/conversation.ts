/**
 * The pure part of ansible.builtin.expect, as Ansible 2.14's module does it with pexpect.run():
 * the command line split as pexpect splits it, the answers as bytes, the prompts searched in the
 * command's output, the list answers given in turn, and the result.
 *
 * Matching is pexpect's: each question's Python regex (compiled with DOTALL, over bytes) is
 * searched in the output that arrived since the last match, again each time output arrives; the
 * question whose match starts first wins (the first question on a tie), its answer is sent, and
 * the search goes on in what follows the match. The output is kept as latin1 text, one character
 * per byte, so that a pattern matches bytes as in Python (the pattern's own text is UTF-8 too).
 */
import { KbsError } from '../../errors.js';
import { pyStr } from '../../template/python.js';
import { compilePy } from '../../util/pyregex.js';
import type { ModuleResult } from '../types.js';
import { pyDateTime, pyDelta, splitLines } from '../util/args.js';

/** what Python's str.isspace() holds for one character */
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/**
 * pexpect's split_command_line: words split on whitespace; '...' and "..." quote (no escapes
 * inside either), \ escapes the next character outside them. Unlike shlex, leading whitespace
 * gives an empty first word, and an empty last word is dropped.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let state: 'basic' | 'esc' | 'single' | 'double' | 'space' = 'basic';
  for (const c of line) {
    if (state === 'basic' || state === 'space') {
      if (c === '\\') state = 'esc';
      else if (c === "'") state = 'single';
      else if (c === '"') state = 'double';
      else if (PY_SPACE.test(c)) {
        if (state === 'basic') {
          words.push(word);
          word = '';
          state = 'space';
        }
      } else {
        word += c;
        state = 'basic';
      }
    } else if (state === 'esc') {
      word += c;
      state = 'basic';
    } else if (state === 'single') {
      if (c === "'") state = 'basic';
      else word += c;
    } else if (c === '"') state = 'basic';
    else word += c;
  }
  if (word !== '') words.push(word);
  return words;
}

/** An answer as the module sends it: Python's str() of the value, trailing newlines replaced by one. */
export function answerBytes(v: unknown): Buffer {
  return Buffer.from(pyStr(v).replace(/\n+$/, '') + '\n', 'utf8');
}

export interface Question {
  /** the key as written (the failure message names it) */
  key: string;
  re: RegExp;
  /** one answer for every match, or a list given in turn */
  answers: Buffer | Buffer[];
}

/** The questions of `responses`: each key a Python regex, each value an answer or a list of them. */
export function readQuestions(responses: Record<string, unknown>): Question[] {
  return Object.entries(responses).map(([key, value]) => {
    const latin1 = Buffer.from(key, 'utf8').toString('latin1');
    const re = compilePy(latin1, 's', (why) => new KbsError('TASK', `invalid question ${JSON.stringify(key)} in responses: ${why}`, { hint: 'the question is a Python regular expression; escape special characters with \\' }));
    return { key, re, answers: Array.isArray(value) ? value.map(answerBytes) : answerBytes(value) };
  });
}

/** What the module does about a match: send an answer, or fail because a list ran out. */
export type Step = { send: Buffer } | { exhausted: string };

/** Python's repr() of bytes: b'...' with \t \n \r \\ and \xNN escapes (what the failure message shows). */
export function pyBytesRepr(b: Buffer): string {
  const q = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let s = `b${q}`;
  for (const c of b) {
    if (c === 0x5c || c === q.charCodeAt(0)) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c >= 0x7f) s += `\\x${c.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(c);
  }
  return s + q;
}

/** The prompts searched in the output as it arrives, and the answers given. */
export class Conversation {
  /** output since the last match (latin1) */
  private pending = '';
  /** output up to the last match */
  private done = '';
  private readonly turn: number[];

  constructor(private readonly questions: Question[]) {
    this.turn = questions.map(() => 0);
  }

  /**
   * Take a chunk of output; the steps for the matches it completes, in order. After an
   * `exhausted` step the conversation is over (the module fails), nothing follows it.
   */
  feed(chunk: Buffer): Step[] {
    this.pending += chunk.toString('latin1');
    const steps: Step[] = [];
    for (;;) {
      const m = this.search();
      if (!m) return steps;
      const piece = this.pending.slice(0, m.end);
      this.done += piece;
      this.pending = this.pending.slice(m.end);
      const q = this.questions[m.index];
      if (Array.isArray(q.answers)) {
        const i = this.turn[m.index]++;
        if (i >= q.answers.length) {
          steps.push({ exhausted: `No remaining responses for '${q.key}', output was '${pyBytesRepr(Buffer.from(piece, 'latin1'))}'` });
          return steps;
        }
        steps.push({ send: q.answers[i] });
      } else steps.push({ send: q.answers });
      // an empty match would match again at once, forever (pexpect's loop): wait for more output
      if (m.end === m.start) return steps;
    }
  }

  /** All the output so far. */
  output(): Buffer {
    return Buffer.from(this.done + this.pending, 'latin1');
  }

  /** The question whose match starts first in the pending output (the first one on a tie). */
  private search(): { index: number; start: number; end: number } | undefined {
    let best: { index: number; start: number; end: number } | undefined;
    this.questions.forEach((q, index) => {
      q.re.lastIndex = 0;
      const m = q.re.exec(this.pending);
      if (m && (!best || m.index < best.start)) best = { index, start: m.index, end: m.index + m[0].length };
    });
    return best;
  }
}

/**
 * The result of a command that ran: its output (the pty's \r\n kept, trailing \r and \n
 * stripped as Ansible does), rc (null after the timeout), start, end, delta; failed with
 * Ansible's message on the timeout or a non-zero rc.
 */
export function ranResult(cmd: string, out: Buffer, rc: number | null, start: Date, end: Date): ModuleResult {
  const stdout = out.toString('utf8').replace(/[\r\n]+$/, '');
  // rc null: Python's None (ModuleResult's rc is a number otherwise)
  const r: ModuleResult = { changed: true, cmd, stdout, stdout_lines: splitLines(stdout), rc: rc as number, start: pyDateTime(start), end: pyDateTime(end), delta: pyDelta(end.getTime() - start.getTime()) };
  if (rc === null) return { ...r, failed: true, msg: 'command exceeded timeout' };
  if (rc !== 0) return { ...r, failed: true, msg: 'non-zero return code' };
  return r;
}

/** creates/removes said not to run: Ansible's answer, with changed false and rc 0. */
export function skippedResult(cmd: string, why: 'creates' | 'removes', path: string): ModuleResult {
  const stdout = why === 'creates' ? `skipped, since ${path} exists` : `skipped, since ${path} does not exist`;
  return { changed: false, cmd, stdout, stdout_lines: [stdout], rc: 0 };
}
