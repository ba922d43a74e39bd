/**
 * Task keywords: which keys of a task are keywords, which are unsupported (with a hint), and how
 * raw keyword values become TaskKeywords (notify/tags as lists, with_items as loop...).
 */
import { KbsError, type Position } from '../errors.js';
import { BLOCK_KEYWORDS, WITH_LOOKUPS, taskKeywordProps } from '../schema/playbook.js';
import type { TaskKeywords } from './model.js';

/** every key a task may carry besides its module */
export const TASK_KEYWORDS: ReadonlySet<string> = new Set(Object.keys(taskKeywordProps));
export const BLOCK_KEYWORD_SET: ReadonlySet<string> = new Set(BLOCK_KEYWORDS);

/** include/import pseudo-modules, by short name */
export const SPECIAL = ['include_tasks', 'import_tasks', 'include_role', 'import_role'] as const;
export type Special = (typeof SPECIAL)[number];

export function specialName(key: string): Special | undefined {
  const short = key.replace(/^ansible\.(builtin|legacy)\./, '');
  return (SPECIAL as readonly string[]).includes(short) ? (short as Special) : undefined;
}

/** with_<lookup> loops kbs does not run (their lookup is missing) */
export function withHint(key: string): string {
  return `kbs runs with_<lookup> for: items, list, ${WITH_LOOKUPS.join(', ')}; use loop: with a filter instead of ${key}`;
}

/** "a,b" -> ['a','b']; list -> strings */
export function toTags(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((t) =>
    String(t)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function isTemplate(v: unknown): boolean {
  return typeof v === 'string' && /\{\{|\{%/.test(v);
}

/** a list with no template markup anywhere: can be flattened now */
function isStatic(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(isStatic);
  if (v && typeof v === 'object') return Object.values(v).every(isStatic);
  return !isTemplate(v);
}

/**
 * Raw keyword values (already schema-checked) -> TaskKeywords. with_items becomes loop flattened
 * one level when it is static; when it holds templates it stays in with_items and the engine
 * flattens it one level after rendering.
 */
export function normalizeKeywords(raw: Record<string, unknown>, pos: (key: string) => Position): TaskKeywords {
  const kw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'vars' && v === null) continue; // an empty vars: section
    switch (k) {
      case 'args':
      case 'action':
      case 'local_action':
      case 'listen':
        break;
      case 'become_method':
        if (v !== 'sudo')
          throw new KbsError('SCHEMA', `become_method "${String(v)}" is not supported`, {
            pos: pos(k),
            hint: 'kbs becomes another user with sudo only; remove become_method or set it to sudo',
          });
        break;
      case 'name':
        kw.name = String(v);
        break;
      case 'notify':
        kw.notify = toList(v);
        break;
      case 'tags':
        kw.tags = toTags(v);
        break;
      case 'with_items':
        if (raw.loop !== undefined) throw bothLoops(pos(k));
        if (Array.isArray(v) && isStatic(v)) kw.loop = v.flatMap((x) => (Array.isArray(x) ? x : [x]));
        else kw.with_items = v;
        break;
      case 'with_list':
        if (raw.loop !== undefined || raw.with_items !== undefined) throw bothLoops(pos(k));
        kw.loop = v;
        break;
      default:
        if (k.startsWith('with_')) {
          if (Object.keys(raw).some((o) => o !== k && (o === 'loop' || o.startsWith('with_')))) throw bothLoops(pos(k));
          kw.loop_with = k.slice('with_'.length);
          kw.loop = v;
        } else kw[k] = v;
    }
  }
  return kw as TaskKeywords;
}

function bothLoops(p: Position): KbsError {
  return new KbsError('SCHEMA', 'a task can have only one loop (loop: or one with_<lookup>:)', {
    pos: p,
    hint: 'keep one of them',
  });
}
