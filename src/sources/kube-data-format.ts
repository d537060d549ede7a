/**
 * The shipped Kubernetes data (`data/default-rbac.json`, `data/api-resources.json`) checked and decoded into
 * the shapes the RBAC engine reads. Throws a plain Error naming the field: a bad file is a packaging bug.
 */
import type { ClusterRole, KubeObject, Role, RoleBinding } from '../inventory/kube-object.js';
import { isRecord } from '../inventory/kube-object.js';
import type { DefaultRbacData } from '../rbac/default-rbac.js';
import type { ApiResource, ApiResourceTable } from '../rbac/resource-table.js';

export function parseDefaultRbac(value: unknown): DefaultRbacData {
  if (!isRecord(value)) throw new Error('default RBAC data is not an object');
  const list = (field: string): KubeObject[] => {
    const items = value[field];
    if (!Array.isArray(items) || !items.every((item) => isRecord(item) && isRecord(item.metadata))) {
      throw new Error(`default RBAC data: \`${field}\` is not a list of objects`);
    }
    return items as KubeObject[];
  };
  return {
    kubernetesVersion: typeof value.kubernetesVersion === 'string' ? value.kubernetesVersion : 'unknown',
    source: typeof value.source === 'string' ? value.source : 'unknown',
    clusterRoles: list('clusterRoles') as ClusterRole[],
    clusterRoleBindings: list('clusterRoleBindings') as RoleBinding[],
    roles: list('roles') as Role[],
    roleBindings: list('roleBindings') as RoleBinding[],
  };
}

export function parseApiResources(value: unknown): ApiResourceTable {
  if (!isRecord(value) || !Array.isArray(value.resources)) throw new Error('API resource data: `resources` is not a list');
  const resources = value.resources.map((item, index): ApiResource => {
    if (!isRecord(item) || typeof item.plural !== 'string' || typeof item.group !== 'string') {
      throw new Error(`API resource data: resources[${index}] lacks group or plural`);
    }
    const strings = (field: unknown) => (Array.isArray(field) ? field.filter((entry): entry is string => typeof entry === 'string') : []);
    return {
      group: item.group,
      version: typeof item.version === 'string' ? item.version : 'v1',
      kind: typeof item.kind === 'string' ? item.kind : '',
      plural: item.plural,
      singular: typeof item.singular === 'string' ? item.singular : '',
      shortNames: strings(item.shortNames),
      namespaced: item.namespaced === true,
      verbs: strings(item.verbs),
      subresources: strings(item.subresources),
      subresourceVerbs: isRecord(item.subresourceVerbs)
        ? Object.fromEntries(Object.entries(item.subresourceVerbs).map(([name, verbs]) => [name, strings(verbs)]))
        : {},
    };
  });
  return {
    kubernetesVersion: typeof value.kubernetesVersion === 'string' ? value.kubernetesVersion : 'unknown',
    source: typeof value.source === 'string' ? value.source : 'unknown',
    resources,
  };
}
