/**
 * Decrypted vault values are never printed: every decrypted value is registered here when it is
 * loaded, and the output layer (the engine's events and everything the CLI writes) replaces each
 * occurrence with "********". A multi-line secret is also masked line by line (diffs show lines),
 * and in its JSON-escaped form (--output json). Values shorter than MIN_SECRET characters are not
 * masked: hiding them would hide ordinary text everywhere (docs/vault.md says so). A value changed
 * by a filter (b64encode, upper, a hash) is another text and is not recognised.
 */
export const MASK = '********';
export const MIN_SECRET = 4;

const secrets = new Set<string>();
let pattern: RegExp | undefined;

function add(s: string): void {
  if (s.length < MIN_SECRET || secrets.has(s)) return;
  secrets.add(s);
  const json = JSON.stringify(s).slice(1, -1);
  if (json !== s && json.length >= MIN_SECRET) secrets.add(json);
  pattern = undefined;
}

/** Register a decrypted value (a whole text, or one string of a decrypted document). */
export function addSecret(text: string): void {
  add(text);
  add(text.trim());
  if (/[\r\n]/.test(text)) for (const line of text.split(/\r?\n|\r/)) add(line.trim());
}

/** Register every string (not the keys) inside a value decrypted as a whole (a vault-encrypted vars file). */
export function addSecretsIn(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') addSecret(v);
    else if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') stack.push(...Object.values(v));
  }
}

export function hasSecrets(): boolean {
  return secrets.size > 0;
}

/** Forget every secret (a new run in the same process). */
export function clearSecrets(): void {
  secrets.clear();
  pattern = undefined;
}

function re(): RegExp {
  if (!pattern) {
    const list = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(list.join('|'), 'g');
  }
  return pattern;
}

/** The text with every registered secret masked. */
export function redactText(text: string): string {
  if (!secrets.size || !text) return text;
  return text.replace(re(), MASK);
}

/** A copy of a value (event, result) with secrets masked in every string and key; the value itself when there are no secrets. */
export function redactValue<T>(value: T): T {
  if (!secrets.size) return value;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactText(v);
    if (depth > 200 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (Buffer.isBuffer(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[redactText(k)] = walk(x, depth + 1);
    return out;
  };
  return walk(value, 0) as T;
}
