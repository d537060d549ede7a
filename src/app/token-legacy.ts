import { ClusterError } from '../errors/kubectl-sa-error.js';
import { buildInventory, type Inventory, type InventoryNote } from '../inventory/inventory.js';
import type { ApiClient } from '../sources/cluster/api-client.js';
import { inventoryResources, readCluster, type ListedResource } from '../sources/cluster/read-cluster.js';
import { legacyTokenUsage, type LegacyTokenSecretUsage } from '../tokens/legacy-token-usage.js';

export interface LegacyTokensOptions {
  /** One namespace, or undefined for every namespace (-A). */
  readonly namespace: string | undefined;
  readonly defaultNamespace: string;
}

export interface LegacyTokenReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'LegacyTokenSecretList';
  /** The namespace listed; null for every namespace. */
  readonly namespace: string | null;
  readonly items: readonly LegacyTokenSecretUsage[];
  /** Kinds that could not be read, and what that leaves unknown. */
  readonly notes: readonly InventoryNote[];
}

export interface LegacyTokenRead {
  readonly report: LegacyTokenReport;
  /** What was read, for the migration planner. */
  readonly inventory: Inventory;
}

const workloadKinds = new Set(['Pod', 'ReplicationController', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/**
 * What `token legacy` lists: the token Secrets as metadata only (their values never leave the API server),
 * ServiceAccounts, and every pod-bearing kind unfolded, so that each Pod is seen with its owners.
 */
export const legacyTokenResources: readonly ListedResource[] = inventoryResources.flatMap((resource): ListedResource[] => {
  if (resource.kind === 'Secret') return [{ ...resource, neededFor: 'legacy token Secrets' }];
  if (resource.kind === 'ServiceAccount') return [{ ...resource, whenUnreadable: 'whether each token’s ServiceAccount exists is unknown' }];
  if (workloadKinds.has(resource.kind))
    return [{ ...resource, whenUnreadable: 'which workloads use each token is unknown, so none is called unused' }];
  return [];
});

export async function readLegacyTokens(client: ApiClient, options: LegacyTokensOptions): Promise<LegacyTokenRead> {
  const read = await readCluster(client, { namespace: options.namespace, resources: legacyTokenResources, foldOwned: false });
  const refused = (kind: string) => read.unreadable.find((entry) => entry.resource.kind === kind);
  const secrets = refused('Secret');
  if (secrets) {
    throw new ClusterError(
      `cannot list Secrets of type kubernetes.io/service-account-token${options.namespace ? ` in namespace ${options.namespace}` : ''} (${secrets.reason})`,
      {
        hint: 'listing them needs list on secrets; their values are not read (metadata only)',
      },
    );
  }
  const inventory = buildInventory(read.documents, { defaultNamespace: options.defaultNamespace, origin: 'cluster', notes: read.notes });
  const items = legacyTokenUsage(inventory, inventory.secrets, {
    workloadsComplete: ![...workloadKinds].some(refused),
    serviceAccountsRead: !refused('ServiceAccount'),
  });
  return {
    inventory,
    report: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'LegacyTokenSecretList',
      namespace: options.namespace ?? null,
      items,
      notes: inventory.notes,
    },
  };
}
