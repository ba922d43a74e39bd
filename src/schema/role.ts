/** JSON Schemas of role files: meta/main.yml, defaults/ and vars/ files, roles: entries. */

export const roleMetaSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    galaxy_info: { type: 'object' },
    dependencies: {
      type: ['array', 'null'],
      items: { type: ['string', 'object'], expect: 'a role name or a mapping with role:' },
      expect: 'a list of roles',
    },
    allow_duplicates: { type: 'boolean', expect: 'a boolean (true/false)' },
    collections: { type: 'array' },
    argument_specs: { type: 'object' },
  },
};

/** defaults/main.yml and vars/main.yml: a mapping (an empty file is fine) */
export const roleVarsSchema = { type: ['object', 'null'], expect: 'a mapping of variables' };

/** a roles: entry or a meta dependency: a name or a mapping with role: (or name:) */
export const roleEntrySchema = {
  anyOf: [
    { type: 'string' },
    {
      type: 'object',
      properties: { role: { type: 'string' }, name: { type: 'string' } },
      anyOf: [{ required: ['role'] }, { required: ['name'] }],
    },
  ],
  expect: 'a role name or a mapping with role:',
};
