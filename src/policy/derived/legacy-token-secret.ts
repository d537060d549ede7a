import type { InventoryEntry } from '../../inventory/inventory.js';
import type { ObjectMeta, Secret } from '../../inventory/kube-object.js';
import { legacyTokenView } from './service-account-profile.js';
import type { ScanContext } from './scan-context.js';
import type { WorkloadDocument } from './workload-document.js';

/**
 * The `LegacyTokenSecret` derived document (schema: policies/targets/legacy-token-secret.schema.json): a
 * Secret of type `kubernetes.io/service-account-token`, a token that never expires, with its owner, its
 * last use and the workloads that read it.
 */
export interface LegacyTokenSecretDocument {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'LegacyTokenSecret';
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
  readonly metadata: ObjectMeta;
  readonly serviceAccount: {
    readonly name: string | null;
    readonly exists: boolean | null;
    /** Whose token it is, in words: "ServiceAccount ci/deployer", or that the Secret names none. */
    readonly described: string;
  };
  readonly lastUsed: string | null;
  readonly daysSinceLastUsed: number | null;
  readonly readBy: readonly { readonly kind: string; readonly name: string }[];
  /** The same as a sentence for messages ("Pods of Deployment/ci read it."); null when no workload of the input does. */
  readonly readBySummary: string | null;
}

export function buildLegacyTokenSecretDocument(
  entry: InventoryEntry<Secret>,
  readers: readonly WorkloadDocument[],
  context: ScanContext,
): LegacyTokenSecretDocument {
  const namespace = entry.ref.namespace ?? 'default';
  const owner = entry.object.metadata.annotations?.['kubernetes.io/service-account.name'];
  const usage = legacyTokenView(entry.ref.name, entry.object.metadata, context.options.now);
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'LegacyTokenSecret',
    object: { apiVersion: entry.ref.apiVersion, kind: entry.ref.kind, namespace, name: entry.ref.name },
    metadata: entry.object.metadata,
    serviceAccount: {
      name: typeof owner === 'string' ? owner : null,
      exists: typeof owner === 'string' ? context.serviceAccountExists(namespace, owner) : null,
      described:
        typeof owner === 'string'
          ? `ServiceAccount ${namespace}/${owner}`
          : "no named ServiceAccount (metadata.annotations['kubernetes.io/service-account.name'] is not set)",
    },
    lastUsed: usage.lastUsed,
    daysSinceLastUsed: usage.daysSinceLastUsed,
    readBy: readers.map((reader) => ({ kind: reader.object.kind, name: reader.object.name })),
    readBySummary:
      readers.length === 0 ? null : `Pods of ${readers.map((reader) => `${reader.object.kind}/${reader.object.name}`).join(', ')} read it.`,
  };
}
