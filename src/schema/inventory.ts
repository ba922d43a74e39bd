/**
 * JSON Schema of Ansible's YAML inventory: top-level keys are group names; a group has only
 * `hosts` (host -> vars or empty), `children` (group -> group, nested) and `vars`.
 */
export const inventorySchema = {
  type: ['object', 'null'],
  additionalProperties: { $ref: '#/$defs/group' },
  $defs: {
    group: {
      type: ['object', 'null'],
      properties: {
        hosts: {
          type: ['object', 'null'],
          additionalProperties: { type: ['object', 'null'] },
        },
        children: {
          type: ['object', 'null'],
          additionalProperties: { $ref: '#/$defs/group' },
        },
        vars: { type: ['object', 'null'] },
      },
      additionalProperties: false,
    },
  },
} as const;
