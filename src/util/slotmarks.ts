/**
 * Marks a mapping (or list) carries about some of its slots, under a symbol: key -> a text that
 * tells the slot still holds what was marked. The vault marks (src/vault/marks.ts: a digest of the
 * decrypted text) and the unsafe-text marks (src/template/unsafe.ts: the text) are such marks. The
 * property is enumerable, so spreads and Object.assign copy it with the mapping (the last layer's
 * wins); the variable layers merge every layer's with mergeMarks. A marks object is never changed
 * once set (setMarks and addMark make a new one), so one layer's may be shared as it is.
 */
export type SlotMarks = Record<string, string>;

export function marksOf(sym: symbol, container: object): SlotMarks | undefined {
  return (container as Record<symbol, SlotMarks | undefined>)[sym];
}

/** the container's own marks (not those a prototype would give) */
export function ownMarks(sym: symbol, container: object): SlotMarks | undefined {
  return Object.prototype.hasOwnProperty.call(container, sym) ? marksOf(sym, container) : undefined;
}

export function setMarks(sym: symbol, container: object, marks: SlotMarks): void {
  Object.defineProperty(container, sym, { value: marks, enumerable: true, configurable: true, writable: true });
}

/** `container[key]` marked with `text`, beside its other marks */
export function addMark(sym: symbol, container: object, key: string, text: string): void {
  setMarks(sym, container, { ...ownMarks(sym, container), [key]: text });
}

/** `out` (the merge of `layers`) gets the marks of every layer, later ones first */
export function mergeMarks<T extends object>(sym: symbol, layers: (object | undefined)[], out: T): T {
  let all: SlotMarks | undefined;
  let shared = true;
  for (const l of layers) {
    const m = l ? marksOf(sym, l) : undefined;
    if (!m) continue;
    if (!all) all = m;
    else {
      all = shared ? { ...all, ...m } : Object.assign(all, m);
      shared = false;
    }
  }
  if (all) setMarks(sym, out, all);
  return out;
}
