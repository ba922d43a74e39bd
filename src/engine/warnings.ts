/**
 * Module results' `warnings` and `deprecations` as the run's warning events, as Ansible's default
 * callback shows them: `[WARNING]` lines, and `[DEPRECATION WARNING]` lines worded as Ansible's
 * Display.get_deprecation_message words them (the message ending in a full stop, when it goes,
 * and how to silence it).
 */
import type { RunContext } from './context.js';

/**
 * A result's `warnings` as `[WARNING]` lines and its `deprecations` as `[DEPRECATION WARNING]` lines
 * before its host line, as Ansible's callback shows them (each text once a run; not for no_log
 * tasks, whose results the callback never sees).
 */
export function moduleWarnings(ctx: RunContext, result: Record<string, unknown>): void {
  const once = (msg: string, deprecation: boolean): void => {
    const key = `${deprecation ? 'D' : 'W'}:${msg}`;
    if (ctx.shownWarnings.has(key)) return;
    ctx.shownWarnings.add(key);
    ctx.emit({ type: 'warning', msg, ...(deprecation ? { deprecation } : {}) });
  };
  // as Ansible's callback: both only when action_warnings is on, deprecations when deprecation_warnings is too
  if (ctx.opts.actionWarnings === false) return;
  // a loop's: each item's, after the items, as Ansible's callback shows the task's result
  if (Array.isArray(result.results)) for (const r of result.results) if (r && typeof r === 'object') moduleWarnings(ctx, r as Record<string, unknown>);
  if (Array.isArray(result.warnings)) for (const w of result.warnings) if (typeof w === 'string' && w) once(w, false);
  if (Array.isArray(result.deprecations) && ctx.opts.deprecationWarnings !== false) {
    for (const d of result.deprecations) {
      const text = deprecationText(d);
      if (text) once(text, true);
    }
  }
}

/** The text of one entry of a result's `deprecations`. */
export function deprecationText(d: unknown): string | undefined {
  const o = typeof d === 'string' ? { msg: d } : d && typeof d === 'object' ? (d as Record<string, unknown>) : undefined;
  if (!o || typeof o.msg !== 'string') return undefined;
  let msg = o.msg.trim();
  if (msg && !['!', '?', '.'].includes(msg[msg.length - 1])) msg += '.';
  const collection = o.collection_name === 'ansible.builtin' ? 'ansible-core' : o.collection_name ? String(o.collection_name) : '';
  const when = o.date ? `in a release after ${String(o.date)}.` : o.version ? `in version ${String(o.version)}.` : 'in a future release.';
  return [msg, 'This feature will be removed', collection ? `from ${collection}` : '', when, 'Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.']
    .filter((f) => f)
    .join(' ');
}
