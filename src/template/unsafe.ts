/**
 * Ansible's unsafe values: data that is never templated when read again. Registered results and
 * lookup results are unsafe, and so is what a template makes from one (Ansible's AnsibleContext
 * marks a render that looked up an unsafe value, and the result stays unsafe): after
 * `set_fact: {v: "{{ out.stdout }}"}`, a `{{ "{{" }}` in the command's output is still text when
 * `v` is read. An object (a result, a list) is marked by identity; a string cannot be, so its slot
 * is: the mapping that holds it carries a mark naming the key and the text (src/util/slotmarks.ts:
 * copied and merged with the mapping as the variable layers are; a slot set again to other text is
 * no longer unsafe).
 *
 * A render records whether it read anything unsafe with trackUnsafe(): reading a variable through
 * a scope calls noteUnsafe() for an unsafe value, and renders nest (a variable's own template
 * renders inside the render that reads it), so what one reads counts for all that enclose it.
 */

import { addMark, marksOf, mergeMarks, ownMarks, setMarks, type SlotMarks } from '../util/slotmarks.js';

/** never templated when read, and unsafe: what a template makes of them is unsafe too */
const UNSAFE = new WeakSet<object>();
/** never templated when read, but not unsafe (the `vars` mapping: the variables as data) */
const DATA = new WeakSet<object>();

const UNSAFE_TEXT = Symbol.for('kbs.unsafeText');
type Marks = SlotMarks;

/** Mark a value (an object or list) as unsafe: reading it through a scope never templates it. */
export function markUnsafe<T>(v: T): T {
  if (v && typeof v === 'object') UNSAFE.add(v);
  return v;
}

/** Mark an object or list as data: never templated when read, without making renders unsafe. */
export function markData<T>(v: T): T {
  if (v && typeof v === 'object') DATA.add(v);
  return v;
}

export function isUnsafeObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && UNSAFE.has(v);
}

/** unsafe or data: not templated when read */
export function isNotTemplated(v: object): boolean {
  return UNSAFE.has(v) || DATA.has(v);
}

/** Mark `container[key]`, which holds `value`, as unsafe: a string's slot, an object itself. */
export function markUnsafeAt(container: object, key: string, value: unknown): void {
  if (typeof value === 'string') addMark(UNSAFE_TEXT, container, key, value);
  else markUnsafe(value);
}

/** Mark every string slot of `values` (and every object in it) unsafe in `container`, at once. */
export function markAllUnsafeAt(container: object, values: Record<string, unknown>): void {
  const marks: Marks = { ...ownMarks(UNSAFE_TEXT, container) };
  for (const k of Object.keys(values)) {
    const v = values[k];
    if (typeof v === 'string') marks[k] = v;
    else markUnsafe(v);
  }
  setMarks(UNSAFE_TEXT, container, marks);
}

/** The unsafe-text marks of a mapping (undefined when it has none), for reading many keys. */
export function unsafeTextMarks(container: object): Marks | undefined {
  return marksOf(UNSAFE_TEXT, container);
}

/** Does `container[key]` still hold the unsafe text marked there? */
export function isUnsafeTextAt(marks: Marks | undefined, container: Record<string, unknown>, key: string): boolean {
  return !!marks && Object.prototype.hasOwnProperty.call(marks, key) && container[key] === marks[key];
}

/** `out` (the merge of `layers`) gets the unsafe-text marks of every layer, later ones first */
export function mergeUnsafeMarks<T extends object>(layers: (object | undefined)[], out: T): T {
  return mergeMarks(UNSAFE_TEXT, layers, out);
}

let sink: { hit: boolean } | undefined;

/** A render read an unsafe value (no-op outside trackUnsafe). */
export function noteUnsafe(): void {
  if (sink) sink.hit = true;
}

/** Run `fn` (a render) and tell whether it read an unsafe value; that counts for enclosing renders too. */
export function trackUnsafe<T>(fn: () => T): { value: T; unsafe: boolean } {
  const outer = sink;
  const mine = { hit: false };
  sink = mine;
  try {
    const value = fn();
    return { value, unsafe: mine.hit };
  } finally {
    sink = outer;
    if (mine.hit && outer) outer.hit = true;
  }
}
