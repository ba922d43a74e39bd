/**
 * The names a handler answers to, as Ansible 2.14 matches a notify: its name, "role : name" for a
 * handler of a role, and its listen topics. The loader checks each literal notify: against these
 * (load/playbook.ts); the engine runs the handlers whose names were notified (engine/play.ts).
 */
import type { TaskNode } from './model.js';

export function handlerNames(h: TaskNode): string[] {
  const names: string[] = [];
  if (h.kw.name !== undefined) {
    names.push(h.kw.name);
    if (h.role) names.push(`${h.role.name} : ${h.kw.name}`);
  }
  return [...names, ...(h.listen ?? [])];
}
