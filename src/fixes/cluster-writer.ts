import { ClusterError, UsageError } from '../errors/kubectl-sa-error.js';
import type { ObjectRef } from '../inventory/inventory.js';
import type { KubeObject } from '../inventory/kube-object.js';
import type { ApiResource } from '../rbac/resource-table.js';
import { ApiStatusError, type ApiClient } from '../sources/cluster/api-client.js';
import { apiRefusal } from '../sources/cluster/api-errors.js';
import { dump } from 'js-yaml';
import { unifiedDiff } from './file-changes.js';
import { applyPatch, deepEqual, PatchError, type PatchOperation } from './json-patch.js';
import { labelOf, type PlannedChange } from './plan.js';

/** Every change kubectl-sa makes on a cluster is recorded under this field manager, as kubectl's are under `kubectl-client-side-apply`. */
export const fieldManager = 'kubectl-sa';

export type LiveDryRun = 'server' | 'none';

/** What happened to one change on the cluster. */
export interface LiveChangeResult {
  readonly outcome: 'dry-run' | 'applied' | 'already-compliant' | 'failed';
  /** Conflicts met and re-planned, the server's refusal: in words. */
  readonly notes: readonly string[];
  /** kubectl diff style: the live object and what the server returned (or would store), as YAML. */
  readonly diff: string;
  /** The object as the server returned it after the change (or the dry run). */
  readonly after: KubeObject | undefined;
  /** The object as it was on the server right before the change. */
  readonly before: KubeObject | undefined;
}

/**
 * Talks to one cluster for fixes: reads single objects and patches, creates or deletes them with
 * kubectl's habits: `dryRun=All` for a server dry run, field manager `kubectl-sa`, and a resourceVersion
 * precondition on every patch, so a change made by anyone since the plan is a 409 Conflict, never
 * overwritten.
 */
export class ClusterWriter {
  constructor(
    private readonly client: ApiClient,
    private readonly resources: readonly ApiResource[],
  ) {}

  get server(): string {
    return this.client.server;
  }

  pathOf(ref: ObjectRef): string {
    const slash = ref.apiVersion.indexOf('/');
    const group = slash === -1 ? '' : ref.apiVersion.slice(0, slash);
    const version = slash === -1 ? ref.apiVersion : ref.apiVersion.slice(slash + 1);
    const resource = this.resources.find((candidate) => candidate.group === group && candidate.kind === ref.kind);
    if (!resource) throw new UsageError(`the cluster serves no ${ref.kind} in ${group === '' ? 'the core group' : `group ${group}`}`);
    const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}` : '';
    return `${base}${namespace}/${resource.plural}/${encodeURIComponent(ref.name)}`;
  }

  /** The object as the server has it now; undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await this.client.getJson<KubeObject>(this.pathOf(ref));
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 404) return undefined;
      throw apiRefusal(error, `cannot read ${labelOf(ref)}`, this.client.server);
    }
  }

  async patch(ref: ObjectRef, operations: readonly PatchOperation[], dryRun: LiveDryRun): Promise<KubeObject> {
    return this.client.patchJson<KubeObject>(this.pathOf(ref), operations, 'application/json-patch+json', query(dryRun));
  }

  async create(object: KubeObject, dryRun: LiveDryRun): Promise<KubeObject> {
    const ref = refOf(object);
    const path = this.pathOf(ref);
    return this.client.postJson<KubeObject>(path.slice(0, path.lastIndexOf('/')), object, query(dryRun));
  }

  /** Deletes an object only if it is still the one we know (uid and resourceVersion preconditions). */
  async delete(
    ref: ObjectRef,
    preconditions: { uid?: string | undefined; resourceVersion?: string | undefined },
    dryRun: LiveDryRun,
  ): Promise<void> {
    try {
      // dryRun goes in the query, as kubectl sends it: a DeleteOptions body's own dryRun is not honoured everywhere.
      await this.client.deleteJson(this.pathOf(ref), { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', preconditions }, query(dryRun));
    } catch (error) {
      throw apiRefusal(error, `cannot delete ${labelOf(ref)}`, this.client.server);
    }
  }

  /**
   * Applies one planned change. A patch carries the fix's own `test` operations and a resourceVersion
   * precondition. On 409 Conflict (someone changed the object) or 422 (a precondition no longer holds) the
   * object is read again and the fix planned again on it: already in effect, no longer applicable, or sent
   * again with the new resourceVersion, at most three times, and the result says so.
   */
  async apply(
    change: PlannedChange,
    dryRun: LiveDryRun,
    fixOperations: readonly PatchOperation[] = change.patch,
  ): Promise<LiveChangeResult> {
    const doing = `cannot ${dryRun === 'server' ? 'dry-run ' : ''}${change.action} ${labelOf(change.object)}`;
    if (change.action === 'create') {
      try {
        const after = await this.create(change.after, dryRun);
        return {
          outcome: dryRun === 'server' ? 'dry-run' : 'applied',
          notes: [],
          diff: objectDiff(change.object, undefined, after),
          after,
          before: undefined,
        };
      } catch (error) {
        if (error instanceof ApiStatusError && error.status === 409)
          return {
            outcome: 'already-compliant',
            notes: [`${labelOf(change.object)} exists already; left as it is`],
            diff: '',
            after: undefined,
            before: undefined,
          };
        throw apiRefusal(error, doing, this.client.server);
      }
    }
    const notes: string[] = [];
    let current = change.before;
    for (let attempt = 1; ; attempt++) {
      if (!current) throw new ClusterError(`${labelOf(change.object)} no longer exists on the cluster; nothing was changed`);
      const resourceVersion = current.metadata?.resourceVersion;
      const operations = [
        ...fixOperations,
        ...(resourceVersion ? [{ op: 'replace' as const, path: '/metadata/resourceVersion', value: resourceVersion }] : []),
      ];
      try {
        const after = await this.patch(change.object, operations, dryRun);
        return {
          outcome: dryRun === 'server' ? 'dry-run' : 'applied',
          notes,
          diff: objectDiff(change.object, current, after),
          after,
          before: current,
        };
      } catch (error) {
        if (!(error instanceof ApiStatusError) || (error.status !== 409 && error.status !== 422) || attempt >= 3)
          throw apiRefusal(error, doing, this.client.server);
        const fresh = await this.get(change.object);
        if (!fresh) throw new ClusterError(`${labelOf(change.object)} was deleted since the plan; nothing was changed`);
        notes.push(
          `${error.status === 409 ? 'conflict' : 'precondition failed'}: ${labelOf(change.object)} changed since the plan (resourceVersion ${resourceVersion ?? '?'} → ${fresh.metadata?.resourceVersion ?? '?'}); read it again and planned again`,
        );
        let replanned: KubeObject;
        try {
          replanned = applyPatch(fresh, fixOperations);
        } catch (patchError) {
          if (!(patchError instanceof PatchError)) throw patchError;
          notes.push(`the fix no longer applies: ${patchError.message}`);
          return { outcome: 'failed', notes, diff: '', after: undefined, before: fresh };
        }
        if (deepEqual(replanned, fresh)) {
          notes.push('the fix is already in effect');
          return { outcome: 'already-compliant', notes, diff: '', after: fresh, before: fresh };
        }
        current = fresh;
      }
    }
  }
}

function query(dryRun: LiveDryRun): Record<string, string | undefined> {
  return { fieldManager, ...(dryRun === 'server' ? { dryRun: 'All' } : {}) };
}

export function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata?.name ?? '',
  };
}

/** Fields every write changes and no reader of a diff wants: left out of diffs and undo patches. */
export const serverOwnedPointers = [
  '/metadata/resourceVersion',
  '/metadata/generation',
  '/metadata/managedFields',
  '/metadata/uid',
  '/metadata/creationTimestamp',
  '/metadata/selfLink',
  // kubectl's, not ours: the cluster source drops it from what it reads (and so from backups), so undo must
  // neither compare it nor remove it (kubectl apply needs it for its three-way merge).
  '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
  '/status',
];

/** The object without server-owned fields, as kubectl diff shows it (managed fields hidden). */
export function withoutServerFields(object: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!object) return undefined;
  const { status: _status, ...rest } = object as KubeObject & { status?: unknown };
  const metadata = { ...(object.metadata ?? {}) } as Record<string, unknown>;
  for (const field of ['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp', 'selfLink']) delete metadata[field];
  return { ...rest, metadata };
}

/**
 * `kubectl diff`'s view of one object: LIVE and MERGED as YAML, unified. kubectl's last-applied-configuration
 * is left out of both sides: the cluster source drops it from what it reads (the LIVE side) while the server's
 * answer (MERGED) has it, and a fix never changes it.
 */
export function objectDiff(ref: ObjectRef, before: KubeObject | undefined, after: KubeObject | undefined): string {
  const name = `${ref.apiVersion.replace('/', '.')}.${ref.kind}.${ref.namespace ? `${ref.namespace}.` : ''}${ref.name}`;
  // Keys sorted, as kubectl diff prints objects: the order a server returns fields in is not a change.
  const text = (object: KubeObject | undefined) =>
    object ? dump(withoutLastApplied(withoutServerFields(object)), { lineWidth: -1, noRefs: true, sortKeys: true }) : '';
  return unifiedDiff(name, text(before), text(after), { from: `LIVE/${name}`, to: `MERGED/${name}` });
}

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

function withoutLastApplied(object: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const metadata = object?.metadata as { annotations?: Record<string, string> } | undefined;
  if (!object || !metadata?.annotations) return object;
  const { [lastApplied]: _applied, ...annotations } = metadata.annotations;
  const { annotations: _all, ...rest } = metadata;
  return { ...object, metadata: Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest };
}
