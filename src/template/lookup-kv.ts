/**
 * `k=v` terms of lookups (`start=1 end=5`, `/path length=20 chars=digits`), as Ansible's parse_kv
 * reads them: blank-separated words, quotes group words; words without `=` are the raw part.
 */
import { templateError } from './python.js';

export interface KvTerm {
  params: Record<string, string>;
  /** the words that are not k=v, joined by one blank ('' when none) */
  raw: string;
}

function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\' && s[i + 1] === quote) cur += s[++i];
      else if (c === quote) quote = undefined;
      else cur += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '"' || c === "'") quote = c;
    else cur += c;
  }
  if (quote) throw templateError(`unclosed quote in lookup term: ${s}`);
  if (inWord) out.push(cur);
  return out;
}

export function parseKvTerm(term: string): KvTerm {
  const params: Record<string, string> = {};
  const raw: string[] = [];
  for (const w of words(term)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w);
    if (m) params[m[1]] = m[2];
    else raw.push(w);
  }
  return { params, raw: raw.join(' ') };
}
