/**
 * JSON Schema pieces for module args. Args are validated before templating, so every typed
 * property also accepts a string holding Jinja2 markup ("{{ x }}").
 */
import type { JsonSchema } from '../types.js';

/** a string with {{ }} or {% %} markup: the value is known only after templating */
export const TEMPLATED: JsonSchema = { type: 'string', pattern: '\\{\\{|\\{%' };

/** Ansible booleans: true/false, yes/no, on/off, y/n, 1/0 (any case), or a template. */
export const BOOL: JsonSchema = {
  anyOf: [
    { type: 'boolean' },
    { type: 'integer', enum: [0, 1] },
    { type: 'string', pattern: '^\\s*([yY]([eE][sS])?|[nN][oO]?|[tT]([rR][uU][eE])?|[fF]([aA][lL][sS][eE])?|[oO]([nN]|[fF][fF])|[01])\\s*$' },
    TEMPLATED,
  ],
};

export const STR: JsonSchema = { type: ['string', 'number', 'boolean'] };

export const INT: JsonSchema = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\s*-?\\d+\\s*$' }, TEMPLATED] };

/** octal string, symbolic string, a number (YAML 1.1 0644 = 420), 'preserve', or a template */
export const MODE: JsonSchema = { type: ['string', 'integer'] };

export const LIST_OF_STR: JsonSchema = { anyOf: [{ type: 'array', items: STR }, TEMPLATED] };

/** string or list of strings */
export const STR_OR_LIST: JsonSchema = { anyOf: [STR, { type: 'array' }] };

export function oneOfStr(...values: string[]): JsonSchema {
  return { anyOf: [{ type: 'string', enum: values }, TEMPLATED] };
}

/** An args object: `props` are the only keys accepted; `required` must be present. */
export function argsSchema(props: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  const s: JsonSchema = { type: 'object', properties: props, additionalProperties: false };
  if (required.length) s.required = required;
  return s;
}

/** The file attribute args shared by copy, template, file, lineinfile. */
export const FILE_ATTRS: Record<string, JsonSchema> = {
  mode: MODE,
  owner: STR,
  group: STR,
  unsafe_writes: BOOL,
};

/**
 * The SELinux context arguments of the file modules: accepted and ignored (kbs targets Debian-like
 * hosts, which run without SELinux).
 */
export const SELINUX: Record<string, JsonSchema> = { setype: STR, seuser: STR, serole: STR, selevel: STR };
