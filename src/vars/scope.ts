/**
 * Variable scopes. A scope is the merge of precedence layers (lowest first) behind a Proxy that
 * templates values lazily on first read, as Ansible does: `api: "{{ ansible_host }}:6443"` reads as
 * the rendered string. Rendered values are memoised per scope; a value that refers to itself is an
 * error instead of a hang.
 */
import { KbsError } from '../errors.js';
import type { Vars } from '../load/model.js';
import type { Templater } from '../template/types.js';
import { mergeVaultMarks } from '../vault/marks.js';
import { isNotTemplated, isUnsafeObject, isUnsafeTextAt, mergeUnsafeMarks, noteUnsafe, trackUnsafe, unsafeTextMarks } from '../template/unsafe.js';

export { markUnsafe } from '../template/unsafe.js';

const RAW = Symbol.for('kbs.raw');
/** Marks lazy objects (scopes, hostvars) so that nobody walks them eagerly. */
export const LAZY = Symbol('kbs.lazy');

export interface ScopeOptions {
  templater: Templater;
  task?: string;
}

/** Merge layers (lowest first), shallow replace per top-level key (Ansible hash_behaviour=replace). */
export function mergeLayers(layers: (Vars | undefined)[]): Vars {
  const out: Vars = {};
  for (const l of layers) if (l) Object.assign(out, l);
  // the marks of each layer, not only the last one's (Object.assign copies that one)
  return mergeUnsafeMarks(layers, mergeVaultMarks(layers, out));
}

/** A templating view over `vars`. Reading a key renders its value (once). */
export function makeScope(vars: Vars, opts: ScopeOptions): Vars {
  const rendered = new Map<string, unknown>();
  /** the keys whose rendered value came from unsafe data */
  let unsafeRendered: Set<string> | undefined;
  const resolving = new Set<string>();
  const { templater } = opts;
  let proxy: Vars;
  const handler: ProxyHandler<Vars> = {
    get(target, key) {
      if (key === RAW) return target;
      if (key === LAZY) return true;
      if (typeof key !== 'string') return undefined;
      if (!Object.prototype.hasOwnProperty.call(target, key)) return undefined;
      const v = target[key];
      // an unsafe value is never templated, and makes the render that reads it unsafe (src/template/unsafe.ts)
      if (typeof v === 'string' ? isUnsafeTextAt(unsafeTextMarks(target), target, key) : isUnsafeObject(v)) {
        noteUnsafe();
        return v;
      }
      if (!needsRender(v, templater)) return v;
      if (rendered.has(key)) {
        if (unsafeRendered?.has(key)) noteUnsafe();
        return rendered.get(key);
      }
      if (resolving.has(key)) {
        throw new KbsError('TEMPLATE', `recursive loop detected in template: variable '${key}' refers to itself`, {
          hint: `check the definition of ${key}`,
        });
      }
      resolving.add(key);
      try {
        const { value: out, unsafe } = trackUnsafe(() => templater.render(v, proxy, { task: opts.task }));
        rendered.set(key, out);
        if (unsafe) (unsafeRendered ??= new Set()).add(key);
        return out;
      } finally {
        resolving.delete(key);
      }
    },
    has(target, key) {
      return typeof key === 'string' && Object.prototype.hasOwnProperty.call(target, key);
    },
    set() {
      return false;
    },
  };
  proxy = new Proxy(vars, handler);
  return proxy;
}

/** The unrendered object behind a scope (or the value itself). */
export function rawOf(scope: Vars): Vars {
  return ((scope as Record<symbol, unknown>)[RAW] as Vars | undefined) ?? scope;
}

function needsRender(v: unknown, t: Templater): boolean {
  if (typeof v === 'string') return t.isTemplate(v);
  if (v && typeof v === 'object' && isNotTemplated(v)) return false;
  if (v && typeof v === 'object' && (v as Record<symbol, unknown>)[LAZY]) return false;
  if (Array.isArray(v)) return v.some((x) => needsRender(x, t));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const k in v as Vars) if (needsRender((v as Vars)[k], t)) return true;
  }
  return false;
}

/**
 * `hostvars`: a lazy mapping host -> that host's scope, computed on first access.
 */
export function lazyMap(names: Iterable<string>, build: (name: string) => Vars): Vars {
  const known = new Set(names);
  const cache = new Map<string, Vars>();
  const read = (key: string): Vars => {
    let v = cache.get(key);
    if (!v) {
      v = build(key);
      cache.set(key, v);
    }
    return v;
  };
  return new Proxy({} as Vars, {
    get(_t, key) {
      if (key === LAZY) return true;
      if (typeof key !== 'string' || !known.has(key)) return undefined;
      return read(key);
    },
    has(_t, key) {
      return typeof key === 'string' && known.has(key);
    },
    ownKeys() {
      return [...known];
    },
    getOwnPropertyDescriptor(_t, key) {
      if (typeof key !== 'string' || !known.has(key)) return undefined;
      return { enumerable: true, configurable: true, writable: false, value: read(key) };
    },
  });
}
