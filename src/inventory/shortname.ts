/**
 * inventory_hostname_short as Ansible computes it (inventory/host.py get_magic_vars): the name
 * itself when it matches Ansible's IPv4 or IPv6 address pattern (parsing/utils/addresses.py, which
 * also takes [x:y] ranges in place of a component), else the part before the first dot.
 *
 * Ansible's patterns are ported as they are, including their anchoring: the IPv6 pattern's `^` and
 * `$` bind to its first and last alternatives only and Python's re.match anchors the start, so a
 * name that only begins like a compressed IPv6 address ("a::b-x") counts as one too. (node's
 * isIP differs at the edges, e.g. "010.0.0.1", and compiling its IPv6 expression cost ~4 ms of
 * every run's first task, with every host name tried against it.)
 */

const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const NUM_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const V6 = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUM_RANGE})`;

const IPV4 = new RegExp(String.raw`^(?:${V4}\.){3}${V4}$`, 'i');
// the alternatives in Ansible's order; only the first carries ^ (re.match anchors all of them at
// the start: the sticky flag here) and only the last carries $
const IPV6 = new RegExp(
  [
    String.raw`^(?:${V6}:){7}${V6}`,
    `(?:${V6}:){1,6}:`,
    `(?:${V6}:)(?::${V6}){1,6}`,
    `(?:${V6}:){2}(?::${V6}){1,5}`,
    `(?:${V6}:){3}(?::${V6}){1,4}`,
    `(?:${V6}:){4}(?::${V6}){1,3}`,
    `(?:${V6}:){5}(?::${V6}){1,2}`,
    `(?:${V6}:){6}(?::${V6})`,
    `:(?::${V6}){1,6}`,
    `${V6}?::`,
    String.raw`(?:0:){6}(?:${V6}\.){3}${V6}`,
    String.raw`::(?:ffff:)?(?:${V6}\.){3}${V6}`,
    String.raw`(?:0:){5}ffff:(?:${V6}\.){3}${V6}$`,
  ].join('|'),
  'iy',
);

/** Ansible's test: the name matches its IPv4 or IPv6 address pattern. */
export function looksLikeAddress(name: string): boolean {
  if (IPV4.test(name)) return true;
  // every alternative of the IPv6 pattern has a colon: most names never compile it (~3 ms)
  if (!name.includes(':')) return false;
  IPV6.lastIndex = 0;
  return IPV6.test(name);
}

export function inventoryHostnameShort(name: string): string {
  return looksLikeAddress(name) ? name : name.split('.')[0];
}
