/**
 * The one error type of kbs. Every failure the user can cause or meet is a KbsError with a code;
 * the CLI renders it once (file:line:col, message, hint) and maps the code to an exit status.
 */
export type ErrorCode =
  | 'INTERNAL'
  | 'USAGE' // bad command line
  | 'YAML' // YAML syntax error
  | 'SCHEMA' // a document does not match its schema (unknown key, wrong type, unknown module)
  | 'NOT_FOUND' // missing file, role, task file, template
  | 'TEMPLATE' // Jinja2 syntax error or evaluation error
  | 'UNDEFINED' // undefined variable
  | 'INVENTORY' // inventory structure problem
  | 'PATTERN' // bad host pattern
  | 'HOST_KEY' // host key unknown or changed
  | 'UNREACHABLE' // connect/auth failure
  | 'BECOME' // sudo failure
  | 'TASK' // a task failed
  | 'SKEW' // version contract refused
  | 'LOCK' // another run holds the lock
  | 'STATE' // workstation/node state problem
  | 'VAULT' // vault data that cannot be decrypted (no, wrong or unreadable password; malformed data)
  | 'NO_MATCH'; // valid input that selects nothing to run (--limit, --start-at-task, no inventory)

export interface Position {
  file: string;
  line?: number; // 1-based
  col?: number; // 1-based
}

export interface KbsErrorOptions {
  pos?: Position;
  host?: string;
  hint?: string;
  cause?: unknown;
  /** extra structured detail (never secrets) */
  detail?: Record<string, unknown>;
}

export class KbsError extends Error {
  readonly code: ErrorCode;
  readonly pos?: Position;
  readonly host?: string;
  readonly hint?: string;
  readonly detail?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: KbsErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KbsError';
    this.code = code;
    this.pos = opts.pos;
    this.host = opts.host;
    this.hint = opts.hint;
    this.detail = opts.detail;
  }

  /** "file:line:col" or "file" or "" */
  where(): string {
    if (!this.pos) return '';
    const { file, line, col } = this.pos;
    if (line === undefined) return file;
    return col === undefined ? `${file}:${line}` : `${file}:${line}:${col}`;
  }

  /** One human-readable block: "file:l:c: error: message\n  hint: ..." */
  render(): string {
    const where = this.where();
    let out = `${where ? where + ': ' : ''}error: ${this.message}`;
    if (this.host) out = `[${this.host}] ${out}`;
    if (this.hint) out += `\n  hint: ${this.hint}`;
    return out;
  }
}

/** Exit codes of DESIGN.md §2. */
export const EXIT = { OK: 0, INTERNAL: 1, FAILED: 2, UNREACHABLE: 3, INVALID: 4, REFUSED: 5, NOTHING: 6, SIGINT: 130, SIGTERM: 143 } as const;

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof KbsError)) return EXIT.INTERNAL;
  switch (err.code) {
    case 'USAGE':
    case 'YAML':
    case 'SCHEMA':
    case 'NOT_FOUND':
    case 'TEMPLATE':
    case 'UNDEFINED':
    case 'INVENTORY':
    case 'PATTERN':
    case 'VAULT':
      return EXIT.INVALID;
    case 'UNREACHABLE':
      return EXIT.UNREACHABLE;
    case 'HOST_KEY':
    case 'SKEW':
    case 'LOCK':
    case 'STATE':
      return EXIT.REFUSED;
    case 'TASK':
    case 'BECOME':
      return EXIT.FAILED;
    case 'NO_MATCH':
      return EXIT.NOTHING;
    default:
      return EXIT.INTERNAL;
  }
}

/** Levenshtein-based suggestion: "did you mean X?" or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}
