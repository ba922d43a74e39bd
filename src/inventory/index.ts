/** The inventory: loading (YAML/INI, ranges, group_vars/host_vars), variable layering, host patterns. */
export { loadInventory, type LoadInventoryOptions } from './load.js';
export { hostInventoryVars, invalidateInventoryVars, magicVars, getHost, sortGroups, type MagicVars } from './vars.js';
export { resolvePattern, type PatternResult } from './pattern.js';
export { expandHostRange } from './range.js';
export type { Inventory, InvGroup, InvHost } from './types.js';
