/**
 * The Kubernetes data kubectl-sa ships (`data/default-rbac.json`, `data/api-resources.json`), read from a
 * live API server. One implementation for the generator (scripts/gen-kube-data.ts) and for the live test
 * that fails when a Kubernetes bump changes what the server has, so the two can never disagree about
 * what is kept or how it is ordered.
 */
import { isRecord } from '../../inventory/kube-object.js';
import type { ApiResourceTable } from '../../rbac/resource-table.js';
import type { ApiClient } from './api-client.js';
import { discoverApiResources } from './discovery.js';

type Json = Record<string, unknown>;

export interface DefaultRbacSnapshot {
  readonly kubernetesVersion: string;
  readonly source: string;
  readonly clusterRoles: readonly Json[];
  readonly clusterRoleBindings: readonly Json[];
  readonly roles: readonly Json[];
  readonly roleBindings: readonly Json[];
}

/** Exactly the shape `data/api-resources.json` is read back as. */
export type ApiResourcesSnapshot = ApiResourceTable;

const bootstrapSelector = 'kubernetes.io/bootstrapping=rbac-defaults';
const rbacKinds = [
  ['clusterroles', 'ClusterRole', 'clusterRoles'],
  ['clusterrolebindings', 'ClusterRoleBinding', 'clusterRoleBindings'],
  ['roles', 'Role', 'roles'],
  ['rolebindings', 'RoleBinding', 'roleBindings'],
] as const;

export async function serverVersion(client: ApiClient): Promise<string> {
  const version = await client.getJson<unknown>('/version');
  return isRecord(version) && typeof version.gitVersion === 'string' ? version.gitVersion : 'unknown';
}

/** The API server's bootstrap RBAC (objects labelled kubernetes.io/bootstrapping=rbac-defaults), cleaned and sorted. */
export async function snapshotDefaultRbac(client: ApiClient): Promise<DefaultRbacSnapshot> {
  const version = await serverVersion(client);
  const lists = await Promise.all(
    rbacKinds.map(async ([path, kind]) => {
      const list = await client.getJson<unknown>(`/apis/rbac.authorization.k8s.io/v1/${path}`, { labelSelector: bootstrapSelector });
      const items = isRecord(list) && Array.isArray(list.items) ? list.items.filter(isRecord) : [];
      return items.map((item) => cleanRbacObject(item, kind)).sort(byNamespaceAndName);
    }),
  );
  const [clusterRoles = [], clusterRoleBindings = [], roles = [], roleBindings = []] = lists;
  return {
    kubernetesVersion: version,
    source: `kube-apiserver ${version}: objects labelled ${bootstrapSelector}`,
    clusterRoles,
    clusterRoleBindings,
    roles,
    roleBindings,
  };
}

/** The server's discovery, as the CLI sees it on a live cluster (preferred version of every group). */
export async function snapshotApiResources(client: ApiClient): Promise<ApiResourcesSnapshot> {
  const [version, resources] = await Promise.all([serverVersion(client), discoverApiResources(client)]);
  return { kubernetesVersion: version, source: `discovery of kube-apiserver ${version}`, resources };
}

/**
 * Keeps what RBAC evaluation reads: name, namespace, labels (aggregation selects on them) and the spec
 * fields. An aggregated ClusterRole keeps its aggregationRule but not its rules: those are whatever the
 * aggregation controller had filled in when the snapshot was taken (and include any role a test or an
 * add-on aggregated), while the engine computes them from the selected roles exactly as the controller does.
 */
function cleanRbacObject(object: Json, kind: string): Json {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const kept: Json = { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: metadata.name } };
  const keptMetadata = kept.metadata as Json;
  if (metadata.namespace) keptMetadata.namespace = metadata.namespace;
  if (metadata.labels) keptMetadata.labels = metadata.labels;
  for (const field of ['aggregationRule', 'rules', 'roleRef', 'subjects']) {
    if (object[field] !== undefined && object[field] !== null) kept[field] = object[field];
  }
  if (kind === 'ClusterRole' && kept.aggregationRule !== undefined) kept.rules = [];
  if ((kind === 'ClusterRole' || kind === 'Role') && kept.rules === undefined) kept.rules = [];
  return kept;
}

function byNamespaceAndName(a: Json, b: Json): number {
  const key = (object: Json) => {
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    return `${String(metadata.namespace ?? '')}/${String(metadata.name ?? '')}`;
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
