import { ClusterError } from '../../errors/kubectl-sa-error.js';
import type { CoverageRecord } from '../../inventory/coverage.js';
import type { InventoryNote, RawDocument } from '../../inventory/inventory.js';
import { isRecord, withoutLastApplied } from '../../inventory/kube-object.js';
import { ApiStatusError, type ApiClient } from './api-client.js';

/** A kind the inventory needs, and how to list it. */
export interface ListedResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** RBAC objects are read cluster-wide even for one namespace: bindings elsewhere can name its SAs. */
  readonly alwaysClusterWide?: boolean;
  readonly fieldSelector?: string;
  /**
   * List metadata only (a PartialObjectMetadataList): for Secrets, their values never cross the wire.
   * Fields outside metadata are then not read, except what the field selector fixes (a Secret's `type`).
   */
  readonly metadataOnly?: boolean;
  /** Which rules lose their input when this kind cannot be read, for the partial-access note. */
  readonly neededFor: string;
  /** What the partial-access note says instead of "findings of <neededFor> may be missing", for non-scan readers. */
  readonly whenUnreadable?: string;
}

export const inventoryResources: readonly ListedResource[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, neededFor: 'implicit default ServiceAccounts' },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    neededFor: 'every ServiceAccount check',
  },
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    kind: 'Secret',
    namespaced: true,
    // Only legacy token Secrets matter, and only their metadata: the rules read their name, annotations
    // (the ServiceAccount's name), labels (last used, invalid since), age and type, and the type is the
    // selector's. No value, token or other, crosses the wire.
    fieldSelector: 'type=kubernetes.io/service-account-token',
    metadataOnly: true,
    neededFor: 'legacy token checks (SA004–SA006)',
  },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, neededFor: 'bare Pods' },
  {
    group: '',
    version: 'v1',
    plural: 'replicationcontrollers',
    kind: 'ReplicationController',
    namespaced: true,
    neededFor: 'ReplicationControllers',
  },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true, neededFor: 'Deployments' },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true, neededFor: 'StatefulSets' },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true, neededFor: 'DaemonSets' },
  { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true, neededFor: 'ReplicaSets' },
  { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true, neededFor: 'Jobs' },
  { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', namespaced: true, neededFor: 'CronJobs' },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'roles',
    kind: 'Role',
    namespaced: true,
    alwaysClusterWide: true,
    neededFor: 'RBAC checks',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
    alwaysClusterWide: true,
    neededFor: 'RBAC checks',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    neededFor: 'RBAC checks',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    neededFor: 'RBAC checks',
  },
];

/**
 * What RBAC answers (can-i, who-can, permissions, matrix) read: the RBAC objects, and every ServiceAccount
 * cluster-wide, because an escalation path can lead to a ServiceAccount of any namespace.
 */
export const rbacResources: readonly ListedResource[] = inventoryResources
  .filter((resource) => resource.group === 'rbac.authorization.k8s.io' || resource.kind === 'ServiceAccount')
  .map((resource) => (resource.kind === 'ServiceAccount' ? { ...resource, alwaysClusterWide: true } : resource));

export interface ClusterReadOptions {
  /** One namespace, or undefined for all namespaces (-A). */
  readonly namespace: string | undefined;
  readonly pageSize?: number;
  /** False keeps Pods, ReplicaSets and Jobs beside the controllers that own them (default: folded into them). */
  readonly foldOwned?: boolean;
  readonly resources?: readonly ListedResource[];
}

export interface ClusterRead {
  readonly documents: RawDocument[];
  readonly notes: InventoryNote[];
  /** Kinds we were not allowed to list (or that this server does not serve), with the reason and the server's words. */
  readonly unreadable: readonly { readonly resource: ListedResource; readonly reason: string; readonly message: string }[];
  /** What each list covered: every namespace, one, or nothing (forbidden, not served), per kind. */
  readonly coverage: readonly CoverageRecord[];
  /** The namespace read (-n) does not exist: a read answers with nothing in it; a change names nothing. */
  readonly missingNamespace?: string | undefined;
}

interface ObjectList {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly continue?: string };
  readonly items?: unknown[];
}

/**
 * Lists every kind the inventory needs: one paged list per kind (cluster-wide endpoints for -A, never a
 * request per namespace or per object), in parallel under the client's in-flight cap. A kind we may not
 * list is noted and skipped; only when nothing at all can be read is that an error.
 *
 * Each page is converted as it arrives (apiVersion and kind set, managedFields, kubectl's last-applied copy
 * and Secret values dropped) and released: only the converted items are kept. Kinds that can own others are
 * listed first, so that a Pod, ReplicaSet or Job whose controller was read is folded into it on arrival
 * rather than held until every list is done.
 */
export async function readCluster(client: ApiClient, options: ClusterReadOptions): Promise<ClusterRead> {
  const resources = options.resources ?? inventoryResources;
  const coverage: CoverageRecord[] = [];
  const notes: InventoryNote[] = [];
  const fold = options.foldOwned !== false;
  const uids = new Set<string>();
  let folded = 0;
  const accept = (item: unknown): boolean => {
    if (!fold) return true;
    const uid = isRecord(item) && isRecord(item.metadata) && typeof item.metadata.uid === 'string' ? item.metadata.uid : undefined;
    // A folded object still counts as read: the Pods of a folded ReplicaSet fold into its Deployment too.
    if (uid !== undefined) uids.add(uid);
    if (!ownedByReadController(item, uids)) return true;
    folded += 1;
    return false;
  };
  const outcomes: { resource: ListedResource; items?: unknown[]; error?: ApiStatusError }[] = [];
  for (const stage of fold ? [0, 1, 2] : [undefined]) {
    const listed = await Promise.all(
      resources
        .filter((resource) => stage === undefined || listingStage(resource.kind) === stage)
        .map(async (resource) => {
          try {
            return { resource, items: await listCovering(client, resource, options, coverage, notes, accept) };
          } catch (error) {
            if (error instanceof ApiStatusError) return { resource, error };
            throw error;
          }
        }),
    );
    outcomes.push(...listed);
  }
  // Documents in the order of `resources`, whatever order the lists completed in.
  outcomes.sort((a, b) => resources.indexOf(a.resource) - resources.indexOf(b.resource));

  const documents: RawDocument[] = [];
  const unreadable: { resource: ListedResource; reason: string; message: string }[] = [];
  let answered = 0;
  let firstRefusal: ApiStatusError | undefined;
  let missingNamespace: string | undefined;
  for (const outcome of outcomes) {
    if (outcome.error) {
      const error = outcome.error;
      if (outcome.resource.kind === 'Namespace' && options.namespace !== undefined && error.status === 404) {
        // As kubectl: a namespace that does not exist is not an error, but nothing will be found in it.
        notes.push({ level: 'warning', message: `namespace "${options.namespace}" does not exist: ${error.serverMessage}` });
        missingNamespace = options.namespace;
        continue;
      }
      // A kind we may not list (403), or one this server does not serve (404), leaves a gap the answers
      // account for; bad credentials, a conflict or a failing server (after retries) end the command.
      if (error.status !== 403 && error.status !== 404) throw error;
      const reason = error.status === 403 ? 'forbidden' : 'not served by this cluster';
      unreadable.push({ resource: outcome.resource, reason, message: error.serverMessage });
      firstRefusal ??= error;
      notes.push({
        level: 'warning',
        message: `cannot list ${pluralOf(outcome.resource)} (${reason}): ${outcome.resource.whenUnreadable ?? `findings of ${outcome.resource.neededFor} may be missing`}`,
        unlisted: { group: outcome.resource.group, kind: outcome.resource.kind },
      });
      continue;
    }
    answered += 1;
    for (const value of outcome.items ?? []) documents.push({ value });
  }
  if (answered === 0) {
    const first = unreadable[0];
    throw new ClusterError(
      `could not read anything from the cluster at ${client.server}: every list request was refused (${first?.reason ?? 'unknown'}): ${first?.message ?? ''}`,
      { hint: firstRefusal?.status === 403 ? 'check the permissions of the current user, or --as/--context' : firstRefusal?.hint },
    );
  }
  if (folded > 0) {
    notes.push({ level: 'info', message: `judged ${folded} Pods, ReplicaSets and Jobs through the controllers that own them` });
  }
  return { documents, notes, unreadable, coverage, missingNamespace };
}

/** Owners before what they own: controllers, then ReplicaSets and Jobs, then Pods. */
function listingStage(kind: string): number {
  return kind === 'Pod' ? 2 : kind === 'ReplicaSet' || kind === 'Job' ? 1 : 0;
}

/**
 * Lists one kind and records what the list covered. A kind read cluster-wide for one namespace's sake (RBAC,
 * or ServiceAccounts for RBAC answers) that we may not list everywhere is listed in that namespace instead,
 * as a namespace admin may: what is in it is then known, and only it.
 */
async function listCovering(
  client: ApiClient,
  resource: ListedResource,
  options: ClusterReadOptions,
  coverage: CoverageRecord[],
  notes: InventoryNote[],
  accept: (item: unknown) => boolean,
): Promise<unknown[]> {
  const record = (namespace: string | undefined, state: CoverageRecord['state']) =>
    coverage.push({
      group: resource.group,
      kind: resource.kind,
      ...(namespace === undefined ? {} : { namespace }),
      state,
      ...(resource.fieldSelector ? { fieldSelector: resource.fieldSelector } : {}),
    });
  const single = resource.kind === 'Namespace' && options.namespace !== undefined;
  const scope = resource.namespaced && !resource.alwaysClusterWide ? options.namespace : undefined;
  try {
    const items = await listResource(client, resource, options, scope, accept);
    if (!single) record(scope, 'listed');
    return items;
  } catch (error) {
    if (!(error instanceof ApiStatusError) || single) throw error;
    if (error.status === 403 || error.status === 404) record(scope, error.status === 403 ? 'forbidden' : 'not-served');
    const narrower = resource.namespaced && scope === undefined ? options.namespace : undefined;
    if (error.status !== 403 || narrower === undefined) throw error;
    const items = await listResource(client, resource, options, narrower, accept);
    record(narrower, 'listed');
    notes.push({
      level: 'warning',
      message: `cannot list ${pluralOf(resource)} in every namespace (forbidden): read namespace ${narrower} only; what those elsewhere grant or name is unknown`,
      unlisted: { group: resource.group, kind: resource.kind },
    });
    return items;
  }
}

function pluralOf(resource: ListedResource): string {
  return `${resource.plural}${resource.group ? `.${resource.group}` : ''}`;
}

/** No fallback to full objects: a server that cannot send metadata alone answers 406, never a Secret's values. */
const metadataOnlyAccept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** One paged list of a kind in `namespace` (undefined: every namespace, or a cluster-scoped kind). */
async function listResource(
  client: ApiClient,
  resource: ListedResource,
  options: ClusterReadOptions,
  namespace: string | undefined,
  accept: (item: unknown) => boolean,
): Promise<unknown[]> {
  const base = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  if (resource.kind === 'Namespace' && options.namespace !== undefined) {
    // Reading one namespace needs no right to list them all.
    const namespace = await client.getJson<unknown>(`${base}/namespaces/${encodeURIComponent(options.namespace)}`);
    const cleaned = cleanObject(namespace, `${resource.version}`, resource.kind);
    return accept(cleaned) ? [cleaned] : [];
  }
  const path =
    namespace !== undefined ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}` : `${base}/${resource.plural}`;
  const apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
  const items: unknown[] = [];
  // A Secret is never listed with its values, whoever asks.
  const metadataOnly = resource.metadataOnly === true || resource.kind === 'Secret';
  const selected = metadataOnly ? selectedFields(resource.fieldSelector) : {};
  let continueToken: string | undefined;
  do {
    const page: ObjectList = await client.getJson<ObjectList>(
      path,
      {
        limit: String(options.pageSize ?? 500),
        continue: continueToken,
        fieldSelector: resource.fieldSelector,
      },
      metadataOnly ? { Accept: metadataOnlyAccept } : {},
    );
    for (const item of page.items ?? []) {
      const cleaned = cleanObject(metadataOnly && isRecord(item) ? { metadata: item.metadata } : item, apiVersion, resource.kind, selected);
      if (accept(cleaned)) items.push(cleaned);
    }
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  return items;
}

/**
 * The top-level fields a field selector fixes (`type=kubernetes.io/service-account-token`): every item it
 * lists has them, so a metadata-only list, which leaves them out, can put them back.
 */
function selectedFields(fieldSelector: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const term of fieldSelector?.split(',') ?? []) {
    const match = /^([A-Za-z]+)==?(.*)$/.exec(term.trim());
    if (match?.[1] && match[2] !== undefined) fields[match[1]] = match[2];
  }
  return fields;
}

/**
 * List items come without apiVersion and kind (a metadata-only list's say PartialObjectMetadata); we set
 * them, and the fields the selector fixed. managedFields are dropped (large, never judged), and so is
 * kubectl's last-applied-configuration annotation: a second copy of the object as it was applied (a
 * Secret's with its values), while what is judged is the object as it is.
 */
function cleanObject(item: unknown, apiVersion: string, kind: string, selected: Record<string, string> = {}): unknown {
  if (!isRecord(item)) return item;
  const { managedFields: _managedFields, ...metadata } = isRecord(item.metadata) ? item.metadata : {};
  return { ...item, ...selected, apiVersion, kind, metadata: withoutLastApplied(metadata) };
}

const foldableOwners: Readonly<Record<string, readonly string[]>> = {
  Pod: ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'],
  ReplicaSet: ['Deployment'],
  Job: ['CronJob'],
};

/**
 * A Deployment's ReplicaSets and Pods carry the same pod template; judging all three would triple every
 * finding. Objects whose controller we also read are judged through that controller, as a manifest scan
 * of the same app would judge them.
 */
function ownedByReadController(value: unknown, uids: ReadonlySet<string>): boolean {
  if (!isRecord(value) || typeof value.kind !== 'string' || !isRecord(value.metadata)) return false;
  const owners = foldableOwners[value.kind];
  const references = value.metadata.ownerReferences;
  if (!owners || !Array.isArray(references)) return false;
  return references.some(
    (reference) =>
      isRecord(reference) &&
      reference.controller === true &&
      typeof reference.kind === 'string' &&
      owners.includes(reference.kind) &&
      typeof reference.uid === 'string' &&
      uids.has(reference.uid),
  );
}
