/**
 * The names a handler answers to, as Ansible 2.14 matches a notify: its name, "role : name" for a
 * handler of a role, and its listen topics. The loader checks each literal notify: against these
 * (load/playbook.ts); the engine runs the handlers a notification reaches (engine/play.ts).
 */
import type { TaskNode } from './model.js';

export function handlerNames(h: TaskNode): string[] {
  return [...ownNames(h), ...(h.listen ?? [])];
}

function ownNames(h: TaskNode): string[] {
  if (h.kw.name === undefined) return [];
  return h.role ? [h.kw.name, `${h.role.name} : ${h.kw.name}`] : [h.kw.name];
}

/**
 * The handlers a notification reaches, as Ansible 2.14's strategy finds them: the first handler of
 * the play called so (by name or "role : name"), and every handler listening to it (both when a
 * handler's name is another's listen topic).
 */
export function handlersReached(notification: string, handlers: TaskNode[]): TaskNode[] {
  const named = handlers.find((h) => ownNames(h).includes(notification));
  return handlers.filter((h) => h === named || (h.listen ?? []).includes(notification));
}
