import type { ApiResource } from '../../rbac/resource-table.js';
import { isRecord } from '../../inventory/kube-object.js';
import type { ApiClient } from './api-client.js';

const aggregatedDiscovery = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

/**
 * What TYPE arguments resolve against on a live cluster: its own discovery, so CRDs and aggregated APIs
 * count as kubectl would see them. Aggregated discovery (GA in 1.30) answers in two requests; older
 * servers get the classic walk over each group's preferred version.
 */
export async function discoverApiResources(client: ApiClient): Promise<ApiResource[]> {
  const [core, groups] = await Promise.all([
    client.getJson<unknown>('/api', {}, { Accept: aggregatedDiscovery }),
    client.getJson<unknown>('/apis', {}, { Accept: aggregatedDiscovery }),
  ]);
  if (isAggregated(core) && isAggregated(groups)) return [...fromAggregated(core), ...fromAggregated(groups)];
  return classicDiscovery(client, groups);
}

interface AggregatedList {
  readonly kind: 'APIGroupDiscoveryList';
  readonly items: readonly unknown[];
}

function isAggregated(value: unknown): value is AggregatedList {
  return isRecord(value) && value.kind === 'APIGroupDiscoveryList' && Array.isArray(value.items);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** A resource's subresources in aggregated discovery, sorted by name, each with its verbs. */
function subresourcesOf(resource: Record<string, unknown>): { name: string; verbs: string[] }[] {
  return (Array.isArray(resource.subresources) ? resource.subresources : [])
    .flatMap((sub) =>
      isRecord(sub) && typeof sub.subresource === 'string' && sub.subresource !== ''
        ? [{ name: sub.subresource, verbs: strings(sub.verbs).sort() }]
        : [],
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function fromAggregated(list: AggregatedList): ApiResource[] {
  const resources: ApiResource[] = [];
  for (const group of list.items) {
    if (!isRecord(group) || !isRecord(group.metadata) || !Array.isArray(group.versions)) continue;
    const groupName = typeof group.metadata.name === 'string' ? group.metadata.name : '';
    // Versions come in preference order; the first is what kubectl's RESTMapper picks.
    const preferred = group.versions.find(isRecord);
    if (!preferred || typeof preferred.version !== 'string' || !Array.isArray(preferred.resources)) continue;
    for (const resource of preferred.resources) {
      if (!isRecord(resource) || typeof resource.resource !== 'string') continue;
      const responseKind = isRecord(resource.responseKind) ? resource.responseKind : {};
      resources.push({
        group: groupName,
        version: preferred.version,
        kind: typeof responseKind.kind === 'string' ? responseKind.kind : '',
        plural: resource.resource,
        singular: typeof resource.singularResource === 'string' ? resource.singularResource : '',
        shortNames: strings(resource.shortNames),
        namespaced: resource.scope === 'Namespaced',
        verbs: strings(resource.verbs),
        subresources: subresourcesOf(resource).map((sub) => sub.name),
        subresourceVerbs: Object.fromEntries(subresourcesOf(resource).map((sub) => [sub.name, sub.verbs])),
      });
    }
  }
  return resources;
}

async function classicDiscovery(client: ApiClient, groups: unknown): Promise<ApiResource[]> {
  const versions: { group: string; version: string; path: string }[] = [{ group: '', version: 'v1', path: '/api/v1' }];
  for (const group of isRecord(groups) && Array.isArray(groups.groups) ? groups.groups : []) {
    if (!isRecord(group) || typeof group.name !== 'string' || !isRecord(group.preferredVersion)) continue;
    const preferred = group.preferredVersion;
    if (typeof preferred.version !== 'string' || typeof preferred.groupVersion !== 'string') continue;
    versions.push({ group: group.name, version: preferred.version, path: `/apis/${preferred.groupVersion}` });
  }
  const lists = await Promise.all(versions.map(async (entry) => ({ entry, list: await client.getJson<unknown>(entry.path) })));
  const resources: ApiResource[] = [];
  for (const { entry, list } of lists) {
    const items = isRecord(list) && Array.isArray(list.resources) ? list.resources.filter(isRecord) : [];
    const subresources = new Map<string, Map<string, string[]>>();
    for (const item of items) {
      const [plural, sub] = String(item.name).split('/');
      if (!plural || !sub) continue;
      const ofPlural = subresources.get(plural) ?? new Map<string, string[]>();
      ofPlural.set(sub, strings(item.verbs).sort());
      subresources.set(plural, ofPlural);
    }
    for (const item of items) {
      if (typeof item.name !== 'string' || item.name.includes('/')) continue;
      const kind = typeof item.kind === 'string' ? item.kind : '';
      resources.push({
        group: entry.group,
        version: entry.version,
        kind,
        plural: item.name,
        singular: typeof item.singularName === 'string' && item.singularName ? item.singularName : kind.toLowerCase(),
        shortNames: strings(item.shortNames),
        namespaced: item.namespaced === true,
        verbs: strings(item.verbs),
        subresources: [...(subresources.get(item.name)?.keys() ?? [])].sort(),
        subresourceVerbs: Object.fromEntries([...(subresources.get(item.name) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      });
    }
  }
  return resources;
}
