/**
 * `k=v` terms of lookups (`start=1 end=5`, `/path length=20 chars=digits`), as Ansible's parse_kv
 * reads them: blank-separated words, quotes group words; words without `=` are the raw part.
 */
import { templateError } from './python.js';

export interface KvTerm {
  params: Record<string, string>;
  /** the words that are not k=v, joined by one blank ('' when none) */
  raw: string;
  /** the same words as written, quotes kept (Ansible's _raw_params, which csvfile searches for) */
  rawText: string;
}

/** the words of S, unquoted, and each as written */
function words(s: string): { word: string; text: string }[] {
  const out: { word: string; text: string }[] = [];
  let cur = '';
  let start = 0;
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
      if (inWord) out.push({ word: cur, text: s.slice(start, i) });
      cur = '';
      inWord = false;
      continue;
    }
    if (!inWord) start = i;
    inWord = true;
    if (c === '"' || c === "'") quote = c;
    else cur += c;
  }
  if (quote) throw templateError(`unclosed quote in lookup term: ${s}`);
  if (inWord) out.push({ word: cur, text: s.slice(start) });
  return out;
}

export function parseKvTerm(term: string): KvTerm {
  const params: Record<string, string> = {};
  const raw: string[] = [];
  const rawText: string[] = [];
  for (const { word, text } of words(term)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(word);
    if (m) params[m[1]] = m[2];
    else {
      raw.push(word);
      rawText.push(text);
    }
  }
  return { params, raw: raw.join(' '), rawText: rawText.join(' ') };
}
