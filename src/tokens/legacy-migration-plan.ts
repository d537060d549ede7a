import type { Inventory, InventoryEntry } from '../inventory/inventory.js';
import type { PodSpec, Volume, VolumeProjection } from '../inventory/kube-object.js';
import { isRecord } from '../inventory/kube-object.js';
import { listOf } from '../inventory/pod-spec.js';
import { podTemplateOf, serviceAccountNameOf } from '../inventory/workloads.js';
import type { LegacyTokenSecretUsage, LegacyTokenUser } from './legacy-token-usage.js';

/** What the kubelet mounts for a ServiceAccount by default: an hour, refreshed before it runs out. */
export const projectedTokenSeconds = 3600;

export interface ObjectTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | null;
  readonly resourceVersion: string | null;
}

/** RFC 6902, the subset the plan uses: `test` guards what the plan was computed from. */
export interface JsonPatchOperation {
  readonly op: 'test' | 'replace';
  readonly path: string;
  readonly value: unknown;
}

export interface VolumeChange {
  readonly volume: string;
  readonly secrets: readonly string[];
  readonly before: Volume;
  readonly after: Volume;
}

/** One workload whose pod template stops mounting legacy token Secrets. */
export interface WorkloadPatch {
  readonly target: ObjectTarget;
  readonly changes: readonly VolumeChange[];
  readonly operations: readonly JsonPatchOperation[];
  /** What the change does to running pods. */
  readonly rollout: string;
}

/** What the plan cannot do safely by itself, and what the user should do. */
export interface ManualStep {
  readonly object: { readonly kind: string; readonly namespace: string; readonly name: string };
  readonly secret: string;
  readonly reason: string;
}

export interface SecretDecision {
  readonly secret: ObjectTarget;
  readonly reason: string;
}

export interface MigrationPlan {
  readonly patches: readonly WorkloadPatch[];
  readonly manual: readonly ManualStep[];
  readonly deletions: readonly SecretDecision[];
  readonly kept: readonly SecretDecision[];
}

export interface MigrationOptions {
  /** A Secret no pod reads is deleted only when no client has used it for this many days. */
  readonly unusedForDays: number;
  readonly now: Date;
}

/** Keys of a legacy token Secret, and what replaces each in a projected volume. */
const legacyKeys = new Set(['token', 'ca.crt', 'namespace']);

/**
 * The switch from legacy token Secrets to projected ServiceAccount tokens, as data: pure over what was
 * read. Pod templates are rewritten through the object that owns them (never a Pod: its volumes are
 * immutable); only volumes of the ServiceAccount the pods already run as are rewritten, since a
 * projected token is always the pod's own; env vars cannot hold a rotating token and are left to the
 * user. Secrets are deleted only when nothing reads them and no client has used them lately.
 */
export function planLegacyTokenMigration(
  inventory: Inventory,
  items: readonly LegacyTokenSecretUsage[],
  options: MigrationOptions,
): MigrationPlan {
  const manual: ManualStep[] = [];
  const changesByObject = new Map<InventoryEntry, Map<string, VolumeChange>>();
  const migrated = new Set<string>();

  for (const item of items) {
    for (const user of item.users) {
      const object = userObject(inventory, item.namespace, user);
      const step = (reason: string) =>
        manual.push({ object: { kind: user.kind, namespace: item.namespace, name: user.name }, secret: item.name, reason });
      for (const reference of user.references.filter((ref) => ref.via === 'env' || ref.via === 'envFrom')) {
        const where = reference.via === 'env' ? `env ${reference.env ?? ''}` : 'envFrom';
        step(
          `container ${reference.container ?? '?'} reads the token through ${where}: an env var cannot hold a token that rotates; read the projected file instead (/var/run/secrets/kubernetes.io/serviceaccount/token)`,
        );
      }
      if (!user.references.some((ref) => ref.via === 'volume' || ref.via === 'projected')) continue;
      if (user.kind === 'Pod') {
        step('a bare Pod’s volumes cannot be changed: recreate it from its manifest with a projected ServiceAccount token volume');
        continue;
      }
      if (!object) {
        step(`${user.kind}/${user.name} was not read (not allowed, or not a kind kubectl sa rewrites): change its pod template by hand`);
        continue;
      }
      if (object.ref.kind === 'Job') {
        step('a Job’s pod template cannot be changed: let it finish, and fix the manifest it was created from');
        continue;
      }
      const template = podTemplateOf(object.object);
      if (!template) continue;
      const runsAs = serviceAccountNameOf(template.podSpec);
      if (item.serviceAccount.name !== null && runsAs !== item.serviceAccount.name) {
        step(
          `its pods run as ServiceAccount ${runsAs} but mount the token of ${item.serviceAccount.name}: a projected token is always the pod’s own, so switching would change its identity; set serviceAccountName: ${item.serviceAccount.name} (and drop the Secret volume) if that is intended`,
        );
        continue;
      }
      const changes = changesByObject.get(object) ?? new Map<string, VolumeChange>();
      changesByObject.set(object, changes);
      const unmapped = rewriteVolumes(template.podSpec, item.name, changes);
      for (const volume of unmapped)
        step(`volume ${volume} maps keys of the Secret other than token, ca.crt and namespace: rewrite it by hand`);
      if (unmapped.length === 0) migrated.add(`${item.namespace}/${item.name}/${user.kind}/${user.name}`);
    }
  }

  const patches = [...changesByObject.entries()]
    .filter(([, changes]) => changes.size > 0)
    .map(([object, changes]) => workloadPatch(object, [...changes.values()]))
    .sort((a, b) => compare(targetKey(a.target), targetKey(b.target)));
  const { deletions, kept } = decideSecrets(inventory, items, migrated, options);
  return { patches, manual, deletions, kept };
}

/** The pod-bearing object a user names, looked up in the inventory's index (its group from the kind). */
function userObject(inventory: Inventory, namespace: string, user: LegacyTokenUser): InventoryEntry | undefined {
  const group = workloadGroups[user.kind];
  return group === undefined ? undefined : inventory.find(group, user.kind, namespace, user.name);
}

const workloadGroups: Readonly<Record<string, string>> = {
  Pod: '',
  ReplicationController: '',
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
};

/** Rewrites, into `changes`, every volume of the pod spec that mounts `secret`; returns volumes it could not map. */
function rewriteVolumes(podSpec: PodSpec, secret: string, changes: Map<string, VolumeChange>): string[] {
  const unmapped: string[] = [];
  for (const volume of listOf(podSpec.volumes)) {
    const name = String(volume.name ?? '');
    const current = changes.get(name);
    const base = current?.after ?? volume;
    const after = projectedVolume(base, secret);
    if (after === 'unmapped') unmapped.push(name);
    else if (after) changes.set(name, { volume: name, secrets: [...(current?.secrets ?? []), secret], before: volume, after });
  }
  return unmapped;
}

/** The projected equivalent of a volume that mounts `secret`; undefined when it does not. */
function projectedVolume(volume: Volume, secret: string): Volume | 'unmapped' | undefined {
  const { name } = volume;
  if (isRecord(volume.secret) && volume.secret.secretName === secret) {
    const sources = tokenSources(volume.secret.items);
    if (!sources) return 'unmapped';
    const defaultMode = volume.secret.defaultMode;
    return { name, projected: { ...(typeof defaultMode === 'number' ? { defaultMode } : {}), sources } };
  }
  if (isRecord(volume.projected) && Array.isArray(volume.projected.sources)) {
    const sources = volume.projected.sources as readonly VolumeProjection[];
    if (!sources.some((source) => isRecord(source.secret) && source.secret.name === secret)) return undefined;
    const rewritten: VolumeProjection[] = [];
    for (const source of sources) {
      if (!(isRecord(source.secret) && source.secret.name === secret)) {
        rewritten.push(source);
        continue;
      }
      const replacement = tokenSources(source.secret.items);
      if (!replacement) return 'unmapped';
      rewritten.push(...replacement);
    }
    return { ...volume, projected: { ...volume.projected, sources: rewritten } };
  }
  return undefined;
}

/**
 * The sources that give a pod what the legacy Secret held: its own ServiceAccount token (rotated by the
 * kubelet), the cluster CA from the kube-root-ca.crt ConfigMap every namespace has, and its namespace.
 * `items` (key → path) are honoured; a key the Secret type does not have cannot be mapped.
 */
function tokenSources(items: unknown): VolumeProjection[] | undefined {
  const list = Array.isArray(items) ? items.filter(isRecord) : undefined;
  const pathOf = (key: string): { path: string; mode?: number } | undefined => {
    if (!list) return { path: key };
    const item = list.find((candidate) => candidate.key === key);
    if (!item || typeof item.path !== 'string') return undefined;
    return { path: item.path, ...(typeof item.mode === 'number' ? { mode: item.mode } : {}) };
  };
  if (list?.some((item) => typeof item.key !== 'string' || !legacyKeys.has(item.key))) return undefined;
  const sources: VolumeProjection[] = [];
  const token = pathOf('token');
  if (token) sources.push({ serviceAccountToken: { path: token.path, expirationSeconds: projectedTokenSeconds } });
  const ca = pathOf('ca.crt');
  if (ca) sources.push({ configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', ...ca }] } });
  const namespace = pathOf('namespace');
  if (namespace)
    sources.push({ downwardAPI: { items: [{ ...namespace, fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } });
  return sources;
}

function workloadPatch(object: InventoryEntry, changes: readonly VolumeChange[]): WorkloadPatch {
  const template = podTemplateOf(object.object);
  const prefix = `/${(template?.podSpecPath ?? []).join('/')}/volumes`;
  const volumes = listOf(template?.podSpec.volumes);
  const operations: JsonPatchOperation[] = [];
  const resourceVersion = object.object.metadata.resourceVersion ?? null;
  if (resourceVersion) operations.push({ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion });
  for (const change of changes) {
    const index = volumes.findIndex((volume) => volume.name === change.volume);
    operations.push(
      { op: 'test', path: `${prefix}/${index}`, value: change.before },
      { op: 'replace', path: `${prefix}/${index}`, value: change.after },
    );
  }
  return { target: targetOf(object), changes, operations, rollout: rolloutOf(object.ref.kind) };
}

function rolloutOf(kind: string): string {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return 'a rollout replaces its pods';
    case 'CronJob':
      return 'its next Jobs use the projected token; running Jobs keep the Secret';
    default:
      return 'pods it already runs keep the Secret until they are recreated';
  }
}

function decideSecrets(
  inventory: Inventory,
  items: readonly LegacyTokenSecretUsage[],
  migrated: ReadonlySet<string>,
  options: MigrationOptions,
): { deletions: SecretDecision[]; kept: SecretDecision[] } {
  const deletions: SecretDecision[] = [];
  const kept: SecretDecision[] = [];
  for (const item of items) {
    const entry = inventory.find('', 'Secret', item.namespace, item.name);
    const secret: ObjectTarget = entry
      ? targetOf(entry)
      : { apiVersion: 'v1', kind: 'Secret', namespace: item.namespace, name: item.name, uid: item.uid, resourceVersion: null };
    if (item.usage === 'unknown') {
      kept.push({ secret, reason: 'pods or workloads could not all be listed, so nothing proves it unused' });
      continue;
    }
    if (item.usage === 'in-use') {
      const readers = item.users.map((user) => `${user.kind}/${user.name}`);
      const allMigrated = item.users.every((user) => migrated.has(`${item.namespace}/${item.name}/${user.kind}/${user.name}`));
      kept.push({
        secret,
        reason: allMigrated
          ? `read by ${readers.join(', ')}, migrated by this plan: run again once their pods are replaced`
          : `read by ${readers.join(', ')}`,
      });
      continue;
    }
    const dead = deadTokenReason(item);
    if (dead) {
      deletions.push({ secret, reason: `nothing reads it and ${dead}` });
      continue;
    }
    if (item.lastUsed === null) {
      deletions.push({ secret, reason: 'nothing reads it, and the API server never recorded a use (tracked since Kubernetes 1.26)' });
      continue;
    }
    const days = Math.floor((options.now.getTime() - Date.parse(`${item.lastUsed}T00:00:00Z`)) / 86_400_000);
    if (Number.isNaN(days) || days < options.unusedForDays) {
      kept.push({
        secret,
        reason: `no pod reads it, but a client used it on ${item.lastUsed}${Number.isNaN(days) ? '' : ` (${days} ${days === 1 ? 'day' : 'days'} ago)`}: move that client to short-lived tokens (kubectl sa token create), then run again; --unused-for ${options.unusedForDays}d decides`,
      });
      continue;
    }
    deletions.push({ secret, reason: `nothing reads it; last used ${item.lastUsed}, ${days} days ago` });
  }
  return { deletions, kept };
}

/** A token that authenticates no one any more. */
function deadTokenReason(item: LegacyTokenSecretUsage): string | undefined {
  if (item.invalidSince) return `the API server invalidated its token on ${item.invalidSince}`;
  if (item.serviceAccount.exists === false) return `its ServiceAccount ${item.serviceAccount.name ?? ''} no longer exists`;
  if (item.serviceAccount.recreated === true)
    return `its ServiceAccount ${item.serviceAccount.name ?? ''} was recreated: the token no longer authenticates`;
  return undefined;
}

function targetOf(entry: InventoryEntry): ObjectTarget {
  return {
    apiVersion: entry.ref.apiVersion,
    kind: entry.ref.kind,
    namespace: entry.ref.namespace ?? 'default',
    name: entry.ref.name,
    uid: entry.object.metadata.uid ?? null,
    resourceVersion: entry.object.metadata.resourceVersion ?? null,
  };
}

function targetKey(target: ObjectTarget): string {
  return `${target.namespace}/${target.kind}/${target.name}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
