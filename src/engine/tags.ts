/** Ansible's tag selection: --tags / --skip-tags with always, never, tagged, untagged, all. */

export interface TagFilter {
  only: string[];
  skip: string[];
}

export function tagsSelected(taskTags: string[], f: TagFilter): boolean {
  const tags = new Set(taskTags);
  if (f.skip.length) {
    if (f.skip.includes('all') && !tags.has('always')) return false;
    if (f.skip.includes('tagged') && tags.size > 0 && !tags.has('always')) return false;
    if (f.skip.includes('untagged') && tags.size === 0) return false;
    if (f.skip.some((t) => tags.has(t))) return false;
  }
  const only = f.only.length ? f.only : ['all'];
  if (tags.has('always') && !f.skip.includes('always')) return true;
  if (tags.has('never') && !only.some((t) => t !== 'all' && t !== 'tagged' && tags.has(t))) return false;
  if (only.includes('all')) return true;
  if (only.includes('tagged') && tags.size > 0) return true;
  if (only.includes('untagged') && tags.size === 0) return true;
  return only.some((t) => tags.has(t));
}
