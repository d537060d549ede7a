/**
 * Resolves a TYPE typed on the command line (`deploy`, `deployments.apps`, `Deployment`, `foos.example.com`)
 * to its API group, version and scope, as kubectl's discovery-backed RESTMapper would: short names, plural,
 * singular and kind, case-insensitively, with an optional `.group` or `.version.group` suffix. Offline the
 * table is `data/api-resources.json` plus the CustomResourceDefinitions in the input.
 */
import type { Inventory } from '../inventory/inventory.js';
import { isRecord } from '../inventory/kube-object.js';

export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  readonly subresources: readonly string[];
  /** The verbs each subresource supports, from discovery (pods/log: get; pods/binding: create). */
  readonly subresourceVerbs: Readonly<Record<string, readonly string[]>>;
}

export interface ApiResourceTable {
  readonly kubernetesVersion: string;
  readonly source: string;
  readonly resources: readonly ApiResource[];
}

/** The resources the CRDs of the input define (first served version; scope and subresources from the spec). */
export function resourcesFromCrds(inventory: Inventory): ApiResource[] {
  const found: ApiResource[] = [];
  for (const entry of inventory.customResourceDefinitions) {
    const spec = entry.object.spec;
    if (!isRecord(spec) || typeof spec.group !== 'string' || !isRecord(spec.names) || typeof spec.names.plural !== 'string') continue;
    const names = spec.names;
    const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
    const served = versions.find((version) => version.served !== false) ?? versions[0];
    const subresources = served && isRecord(served.subresources) ? Object.keys(served.subresources).sort() : [];
    // What apiextensions-apiserver serves for a CRD's status and scale subresources.
    const subresourceVerbs = Object.fromEntries(subresources.map((name) => [name, ['get', 'patch', 'update']]));
    const kind = typeof names.kind === 'string' ? names.kind : '';
    found.push({
      group: spec.group,
      version: served && typeof served.name === 'string' ? served.name : typeof spec.version === 'string' ? spec.version : 'v1',
      kind,
      plural: String(names.plural),
      singular: typeof names.singular === 'string' ? names.singular : kind.toLowerCase(),
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.filter((name): name is string => typeof name === 'string') : [],
      namespaced: spec.scope !== 'Cluster',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources,
      subresourceVerbs,
    });
  }
  return found;
}

/**
 * The resource a TYPE names, or undefined when nothing matches (kubectl then warns and checks the name as
 * given). When several groups define the same name, the first in table order wins: the core group and
 * built-in groups come before CRDs, which is kubectl's preference too.
 */
export function resolveResourceType(type: string, resources: readonly ApiResource[]): ApiResource | undefined {
  const lower = type.toLowerCase();
  const names = (resource: ApiResource) => [
    resource.plural,
    resource.singular,
    resource.kind.toLowerCase(),
    ...resource.shortNames.map((name) => name.toLowerCase()),
  ];
  const whole = resources.find((resource) => names(resource).includes(lower));
  if (whole) return whole;
  const dot = lower.indexOf('.');
  if (dot <= 0) return undefined;
  const name = lower.slice(0, dot);
  const rest = lower.slice(dot + 1);
  const versionDot = rest.indexOf('.');
  // `resource.version.group` is tried before `resource.group`, as schema.ParseResourceArg does.
  if (versionDot > 0) {
    const version = rest.slice(0, versionDot);
    const group = rest.slice(versionDot + 1);
    const qualified = resources.find(
      (resource) => resource.group === group && resource.version === version && names(resource).includes(name),
    );
    if (qualified) return qualified;
  }
  return resources.find((resource) => resource.group === rest && names(resource).includes(name));
}

/** What a TYPE argument means when no resource matches: the name as typed, with any `.group` split off. */
export function unresolvedResourceType(type: string): { readonly resource: string; readonly group: string } {
  const dot = type.indexOf('.');
  return dot <= 0 ? { resource: type, group: '' } : { resource: type.slice(0, dot), group: type.slice(dot + 1) };
}

/**
 * Resources a mistyped or invented TYPE probably meant, best first (at most three), as `plural[.group]`:
 * the kind's initials (`crb` → ClusterRoleBinding, a short name some tools invent but discovery lacks),
 * names that start with the TYPE, and names within two edits (typos).
 */
export function suggestResourceTypes(type: string, resources: readonly ApiResource[], limit = 3): string[] {
  const wanted = type.toLowerCase().split('.')[0] ?? '';
  if (wanted === '') return [];
  const scored: { readonly name: string; readonly score: number }[] = [];
  for (const resource of resources) {
    const initials = resource.kind.replace(/[^A-Z]/g, '').toLowerCase();
    const names = [resource.plural, resource.singular, ...resource.shortNames.map((name) => name.toLowerCase())].filter(
      (name) => name !== '',
    );
    let score = Number.POSITIVE_INFINITY;
    if (initials.length > 1 && (initials === wanted || `${initials}s` === wanted)) score = 0;
    else if (wanted.length >= 3 && names.some((name) => name.startsWith(wanted))) score = 1;
    else {
      const distance = Math.min(...names.map((name) => editDistance(wanted, name)));
      if (distance <= Math.min(2, Math.floor(wanted.length / 3))) score = 1 + distance;
    }
    if (score !== Number.POSITIVE_INFINITY)
      scored.push({ name: resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`, score });
  }
  const seen = new Set<string>();
  return scored
    .sort((a, b) => a.score - b.score || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter(({ name }) => !seen.has(name) && seen.add(name) !== undefined)
    .slice(0, limit)
    .map(({ name }) => name);
}

/** Levenshtein distance, small strings only (resource names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Resources RBAC rules name that discovery never lists: the impersonation targets. kubectl auth can-i
 * checks `users` and `groups` without a warning (its nonStandardResourceNames); `serviceaccounts` is
 * discoverable, and `uids`/`userextras` live in authentication.k8s.io.
 */
export const nonDiscoverableResources: readonly { readonly resource: string; readonly group: string }[] = [
  { resource: 'users', group: '' },
  { resource: 'groups', group: '' },
  { resource: 'uids', group: 'authentication.k8s.io' },
  { resource: 'userextras', group: 'authentication.k8s.io' },
];

/** Whether a resource is namespaced: true, false (cluster-scoped), or undefined when no table knows it. */
export type ResourceScopeLookup = (apiGroup: string, resource: string) => boolean | undefined;

/**
 * Resources no current API server serves but old manifests still grant: they were cluster-scoped, so a
 * role granting them is not one a RoleBinding could replace.
 */
const removedClusterScoped: readonly (readonly [string, string])[] = [
  ['policy', 'podsecuritypolicies'],
  ['extensions', 'podsecuritypolicies'],
];

/**
 * Looks a resource's scope up by API group and plural. A group of `*` (a rule for every group) is namespaced
 * only if every group that serves the name serves it namespaced; a resource no table knows (a custom resource
 * whose CRD is not in the input) is undefined: its scope is unknown, never assumed namespaced.
 */
export function resourceScopeLookup(resources: readonly ApiResource[]): ResourceScopeLookup {
  const byKey = new Map<string, boolean>();
  const byName = new Map<string, Set<boolean>>();
  const add = (group: string, plural: string, namespaced: boolean) => {
    byKey.set(`${group}/${plural}`, namespaced);
    const scopes = byName.get(plural) ?? new Set<boolean>();
    scopes.add(namespaced);
    byName.set(plural, scopes);
  };
  for (const [group, plural] of removedClusterScoped) add(group, plural, false);
  for (const resource of resources) add(resource.group, resource.plural, resource.namespaced);
  return (apiGroup, resource) => {
    if (apiGroup !== '*') return byKey.get(`${apiGroup}/${resource}`);
    const scopes = byName.get(resource);
    if (!scopes) return undefined;
    return scopes.has(false) ? false : true;
  };
}
