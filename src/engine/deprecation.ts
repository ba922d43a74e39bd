/**
 * The text of a module's deprecation (an entry of a result's `deprecations`), as Ansible's
 * Display.get_deprecation_message words it: the message ending in a full stop, when it goes,
 * and how to silence it.
 */
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
