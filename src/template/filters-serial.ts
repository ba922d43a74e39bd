/** JSON and YAML filters, formatted like Ansible (Python's json.dumps, PyYAML-like YAML). */
import { floatRepr, intRepr, isPyFloat } from './float.js';
import { parse as yamlParse, parseAllDocuments, type Tags } from 'yaml';
import { bind } from './args.js';
import type { Filter } from './filters-text.js';
import { isSafeString } from './nunjucks.js';
import { isStr, pyType, templateError, truthy } from './python.js';
import { Undefined } from './undefined.js';
import { parsePyJson } from '../util/pyjson.js';
import { PyObject } from './pyobject.js';
import { dumpYaml, mapNode, seqNode, strNode, typedNode, type YNode } from './pyyaml.js';

/** PyYAML booleans: yes/no, true/false, on/off (the yaml package's 1.1 schema also takes y/n). */
const BOOL_TAG = 'tag:yaml.org,2002:bool';
const pyBools = [
  { identify: (v: unknown) => v === true, default: true, tag: BOOL_TAG, test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, resolve: () => true },
  { identify: (v: unknown) => v === false, default: true, tag: BOOL_TAG, test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, resolve: () => false },
];
function customTags(tags: Tags): Tags {
  return [...tags.filter((t) => !(typeof t === 'object' && t !== null && 'tag' in t && t.tag === BOOL_TAG)), ...pyBools];
}
const YAML_OPTS = { version: '1.1' as const, customTags };

interface JsonOpts {
  indent: number | null;
  sortKeys: boolean;
  ensureAscii: boolean;
  itemSep: string;
  keySep: string;
}

function jsonString(s: string, ensureAscii: boolean): string {
  const out = JSON.stringify(s);
  if (!ensureAscii) return out;
  return out.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function jsonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Number.isInteger(n) ? intRepr(n) : floatRepr(n);
}

/** Python json.dumps. */
export function pyJson(v: unknown, o: JsonOpts, level = 0, seen = new Set<object>()): string {
  if (v instanceof Undefined) throw v.error();
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return jsonNumber(v);
  if (isPyFloat(v)) return floatRepr(v.value);
  if (typeof v === 'string' || isSafeString(v)) return jsonString(String(v), o.ensureAscii);
  if (v instanceof Date) return jsonString(v.toISOString().replace(/\.000Z$/, ''), o.ensureAscii);
  if (v instanceof PyObject) {
    const j = v.jsonText();
    if (j === undefined) throw templateError(`Object of type ${v.typeName} is not JSON serializable`);
    return j;
  }
  if (typeof v !== 'object') throw templateError(`Object of type ${pyType(v)} is not JSON serializable`);
  if (seen.has(v)) throw templateError('Circular reference detected');
  seen.add(v);
  try {
    const nl = o.indent === null ? '' : '\n' + ' '.repeat(o.indent * (level + 1));
    const end = o.indent === null ? '' : '\n' + ' '.repeat(o.indent * level);
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return '[' + nl + v.map((x) => pyJson(x, o, level + 1, seen)).join(o.itemSep + nl) + end + ']';
    }
    let keys = Object.keys(v);
    if (!keys.length) return '{}';
    if (o.sortKeys) keys = keys.sort();
    const parts = keys.map((k) => jsonString(k, o.ensureAscii) + o.keySep + pyJson((v as Record<string, unknown>)[k], o, level + 1, seen));
    return '{' + nl + parts.join(o.itemSep + nl) + end + '}';
  } finally {
    seen.delete(v);
  }
}

function jsonOpts(indent: unknown, sortKeys: unknown, ensureAscii: unknown, nice: boolean): JsonOpts {
  const ind = indent === null || indent === undefined ? null : Number(indent);
  return {
    indent: ind,
    sortKeys: truthy(sortKeys),
    ensureAscii: truthy(ensureAscii),
    itemSep: ind === null && !nice ? ', ' : ',',
    keySep: ': ',
  };
}

/** PyYAML's SafeRepresenter: a value as the node yaml.dump writes (keys sorted unless told not to). */
function represent(v: unknown, flow: boolean | null, sortKeys: boolean, depth = 0): YNode {
  if (depth > 500) throw templateError('to_yaml: the value is nested too deeply (or refers to itself)');
  if (v instanceof Undefined) throw v.error();
  if (v === null || v === undefined) return typedNode('null');
  if (typeof v === 'boolean') return typedNode(v ? 'true' : 'false');
  if (isPyFloat(v)) return typedNode(yamlFloat(v.value));
  if (typeof v === 'number') return typedNode(Number.isInteger(v) ? intRepr(v) : yamlFloat(v));
  if (typeof v === 'bigint') return typedNode(v.toString());
  if (typeof v === 'string' || isSafeString(v)) return strNode(String(v));
  if (v instanceof PyObject) return strNode(v.str());
  // a datetime: its isoformat(' '), a timestamp
  if (v instanceof Date) return typedNode(v.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, ''));
  if (Array.isArray(v)) return seqNode(v.map((x) => represent(x, flow, sortKeys, depth + 1)), flow);
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (sortKeys) keys.sort();
    return mapNode(
      keys.map((k) => [strNode(k), represent((v as Record<string, unknown>)[k], flow, sortKeys, depth + 1)]),
      flow,
    );
  }
  return strNode(String(v));
}

/** PyYAML's represent_float: repr, lower case, `.0` before an exponent without a dot; .nan, .inf */
function yamlFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  const r = floatRepr(n).toLowerCase();
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}

interface YamlArgs {
  indent: unknown;
  width: unknown;
  sort_keys: unknown;
  explicit_start: unknown;
  explicit_end: unknown;
}

/** yaml.dump as Ansible's to_yaml and to_nice_yaml call it (allow_unicode, Ansible's SafeDumper) */
function toYaml(v: unknown, a: YamlArgs, flow: boolean | null): string {
  const num = (x: unknown) => (x === null || x === undefined ? undefined : Number(x));
  const root = represent(v, flow, a.sort_keys === undefined || a.sort_keys === null ? true : truthy(a.sort_keys));
  return dumpYaml(root, { indent: num(a.indent), width: num(a.width), flow, explicitStart: truthy(a.explicit_start), explicitEnd: truthy(a.explicit_end) });
}

const YAML_KW = { width: null as unknown, sort_keys: true as unknown, explicit_start: false as unknown, explicit_end: false as unknown };

export const SERIAL_FILTERS: Record<string, Filter> = {
  to_json(v, ...args) {
    const a = bind('to_json', args, { indent: null as unknown, sort_keys: false as unknown, ensure_ascii: true as unknown });
    return pyJson(v, jsonOpts(a.indent, a.sort_keys, a.ensure_ascii, false));
  },
  /** Jinja2's own tojson: json.dumps with sorted keys, then <, >, & and ' escaped (HTML-safe) */
  tojson(v, ...args) {
    const a = bind('tojson', args, { indent: null as unknown });
    const text = pyJson(v, jsonOpts(a.indent, true, true, false));
    return text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
  },
  to_nice_json(v, ...args) {
    const a = bind('to_nice_json', args, { indent: 4 as unknown, sort_keys: true as unknown, ensure_ascii: true as unknown });
    return pyJson(v, jsonOpts(a.indent, a.sort_keys, a.ensure_ascii, true));
  },
  from_json(v) {
    if (!isStr(v)) throw templateError(`from_json expects a string, got ${pyType(v)}`);
    try {
      return parsePyJson(String(v));
    } catch {
      // no excerpt of the input: it may hold secrets
      throw templateError('from_json: the value is not valid JSON');
    }
  },
  /** Ansible: yaml.dump(a, allow_unicode=True, default_flow_style=None, **kw): PyYAML's indent 2 */
  to_yaml(v, ...args) {
    const a = bind('to_yaml', args, { indent: null as unknown, default_flow_style: null as unknown, ...YAML_KW });
    const flow = a.default_flow_style === null || a.default_flow_style === undefined ? null : truthy(a.default_flow_style);
    return toYaml(v, a, flow);
  },
  /** Ansible: yaml.dump(a, indent=4, allow_unicode=True, default_flow_style=False, **kw) */
  to_nice_yaml(v, ...args) {
    const a = bind('to_nice_yaml', args, { indent: 4 as unknown, ...YAML_KW });
    return toYaml(v, a, false);
  },
  from_yaml(v) {
    if (!isStr(v)) throw templateError(`from_yaml expects a string, got ${pyType(v)}`);
    try {
      return yamlParse(String(v), YAML_OPTS) ?? null;
    } catch {
      throw templateError('from_yaml: the value is not valid YAML');
    }
  },
  from_yaml_all(v) {
    if (!isStr(v)) throw templateError(`from_yaml_all expects a string, got ${pyType(v)}`);
    const docs = parseAllDocuments(String(v), YAML_OPTS);
    const list = Array.isArray(docs) ? docs : [];
    if (list.some((d) => d.errors.length)) throw templateError('from_yaml_all: the value is not valid YAML');
    return list.map((d) => d.toJS() ?? null);
  },
};
