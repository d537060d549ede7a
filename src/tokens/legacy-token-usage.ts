import type { Inventory, InventoryEntry } from '../inventory/inventory.js';
import type { KubeObject, OwnerReference } from '../inventory/kube-object.js';
import { secretReferencesIn, type SecretReference } from '../inventory/pod-spec.js';

/** Labels the API server and the legacy token cleaner write on token Secrets (pkg/serviceaccount/legacy.go). */
export const lastUsedLabel = 'kubernetes.io/legacy-token-last-used';
export const invalidSinceLabel = 'kubernetes.io/legacy-token-invalid-since';
export const legacyTokenSecretType = 'kubernetes.io/service-account-token';

/** A workload that reads a token Secret: the controller at the top of its pods' owners, or a bare Pod. */
export interface LegacyTokenUser {
  readonly kind: string;
  readonly name: string;
  /** Pods that mount the Secret now. */
  readonly pods: readonly string[];
  /** True when the workload's own pod template names the Secret: new pods will mount it too. */
  readonly template: boolean;
  /** How they read it: volumes, env vars. */
  readonly references: readonly SecretReference[];
}

/**
 * - `in-use`: a pod or a workload template reads the Secret;
 * - `unused`: nothing read reads it (pods and every workload kind were read);
 * - `unknown`: nothing read reads it, but pods or some workload kind could not be read.
 */
export type LegacyTokenUsageState = 'in-use' | 'unused' | 'unknown';

export interface LegacyTokenSecretUsage {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | null;
  readonly serviceAccount: {
    readonly name: string | null;
    /** Whether it exists; null when ServiceAccounts could not be read. */
    readonly exists: boolean | null;
    /** True when the ServiceAccount was deleted and created again: its old tokens no longer authenticate. */
    readonly recreated: boolean | null;
  };
  readonly createdAt: string | null;
  /** The date (YYYY-MM-DD) the API server last saw the token used; null when it never recorded one. */
  readonly lastUsed: string | null;
  /** The date the legacy token cleaner invalidated the token; it no longer authenticates. */
  readonly invalidSince: string | null;
  readonly users: readonly LegacyTokenUser[];
  readonly usage: LegacyTokenUsageState;
}

export interface UsageReadability {
  /** Pods and every kind of workload were listed; otherwise "no user" means unknown. */
  readonly workloadsComplete: boolean;
  readonly serviceAccountsRead: boolean;
}

/**
 * Which pods and workloads read each legacy token Secret of the inventory (a live read, Pods not folded
 * into their controllers). Pure: the same inventory gives the same answer.
 */
export function legacyTokenUsage(
  inventory: Inventory,
  secrets: readonly InventoryEntry[],
  readability: UsageReadability,
): LegacyTokenSecretUsage[] {
  const byUid = new Map<string, InventoryEntry>();
  for (const entry of inventory.entries) if (entry.object.metadata.uid) byUid.set(entry.object.metadata.uid, entry);
  const users = new Map<string, Map<string, CollectedUser>>();

  for (const workload of inventory.workloads) {
    const { entry, namespace } = workload;
    const isPod = entry.ref.kind === 'Pod';
    const owner = controllerOf(entry.object);
    // An owned controller's template (a Deployment's ReplicaSet, a CronJob's Job) is its owner's business
    // once the owner is read; its pods still count.
    if (!isPod && owner && byUid.has(owner.uid ?? '')) continue;
    const top = topOwner(entry, byUid);
    for (const reference of secretReferencesIn(workload.podSpec)) {
      const key = `${namespace}/${reference.secretName}`;
      const forSecret = users.get(key) ?? new Map<string, CollectedUser>();
      users.set(key, forSecret);
      const userKey = `${top.kind}/${top.name}`;
      const user = forSecret.get(userKey) ?? { ...top, pods: new Set<string>(), template: false, references: [] };
      forSecret.set(userKey, user);
      if (isPod) user.pods.add(entry.ref.name);
      else user.template = true;
      if (!user.references.some((known) => sameReference(known, reference))) user.references.push(reference);
    }
  }

  return secrets
    .map((entry): LegacyTokenSecretUsage => {
      const namespace = entry.ref.namespace ?? 'default';
      const metadata = entry.object.metadata;
      const saName = metadata.annotations?.['kubernetes.io/service-account.name'] ?? null;
      const saUid = metadata.annotations?.['kubernetes.io/service-account.uid'] ?? null;
      const sa = saName === null ? undefined : inventory.findServiceAccount(namespace, saName);
      const found = [...(users.get(`${namespace}/${entry.ref.name}`)?.values() ?? [])]
        .map((user) => ({ ...user, pods: [...user.pods].sort() }))
        .sort((a, b) => compare(`${a.kind}/${a.name}`, `${b.kind}/${b.name}`));
      return {
        namespace,
        name: entry.ref.name,
        uid: metadata.uid ?? null,
        serviceAccount: {
          name: saName,
          exists: !readability.serviceAccountsRead || saName === null ? null : sa !== undefined,
          recreated: sa === undefined || saUid === null || !sa.object.metadata.uid ? null : sa.object.metadata.uid !== saUid,
        },
        createdAt: metadata.creationTimestamp ?? null,
        lastUsed: metadata.labels?.[lastUsedLabel] ?? null,
        invalidSince: metadata.labels?.[invalidSinceLabel] ?? null,
        users: found,
        usage: found.length > 0 ? 'in-use' : readability.workloadsComplete ? 'unused' : 'unknown',
      };
    })
    .sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}

interface CollectedUser {
  readonly kind: string;
  readonly name: string;
  readonly pods: Set<string>;
  template: boolean;
  readonly references: SecretReference[];
}

function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find(
    (reference) => reference.controller === true && typeof reference.kind === 'string' && typeof reference.name === 'string',
  );
}

/**
 * Follows controller owner references up (Pod → ReplicaSet → Deployment, Pod → Job → CronJob). An owner
 * that was not read is still named, from the reference: the user sees who owns the pod either way.
 */
function topOwner(entry: InventoryEntry, byUid: ReadonlyMap<string, InventoryEntry>): { kind: string; name: string } {
  let current = { kind: entry.ref.kind, name: entry.ref.name };
  let object: KubeObject | undefined = entry.object;
  for (let depth = 0; object && depth < 5; depth++) {
    const owner = controllerOf(object);
    if (!owner) break;
    current = { kind: owner.kind ?? '', name: owner.name ?? '' };
    object = byUid.get(owner.uid ?? '')?.object;
  }
  return current;
}

function sameReference(a: SecretReference, b: SecretReference): boolean {
  return a.via === b.via && a.volume === b.volume && a.container === b.container && a.env === b.env;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
