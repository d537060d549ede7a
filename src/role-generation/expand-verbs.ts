import type { PermissionEntry } from './compact-rules.js';

const relatedVerbs: readonly (readonly string[])[] = [
  ['get', 'list', 'watch'],
  ['update', 'patch'],
];

/**
 * `--expand-verbs`: a verb brings its relatives — a read (get, list, watch) brings the other reads, an
 * update brings patch and back — because clients switch between them (an informer lists then watches;
 * `kubectl apply` patches what a controller updates). Off by default: least privilege means what was used.
 */
export function expandVerbs(entries: readonly PermissionEntry[]): PermissionEntry[] {
  const expanded: PermissionEntry[] = [...entries];
  for (const entry of entries) {
    const family = relatedVerbs.find((verbs) => verbs.includes(entry.permission.verb));
    if (!family) continue;
    for (const verb of family) {
      if (verb !== entry.permission.verb) expanded.push({ permission: { ...entry.permission, verb } });
    }
  }
  return expanded;
}
