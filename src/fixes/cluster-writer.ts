import { ClusterError, UsageError } from '../errors/kubectl-sa-error.js';
import type { ObjectRef } from '../inventory/inventory.js';
import { isRecord, withoutLastApplied, type KubeObject } from '../inventory/kube-object.js';
import type { ApiResource } from '../rbac/resource-table.js';
import { ApiStatusError, type ApiClient } from '../sources/cluster/api-client.js';
import { apiRefusal } from '../sources/cluster/api-errors.js';
import { dump } from 'js-yaml';
import { redactedDiff } from './file-changes.js';
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

  /** The object as the server has it now (a Secret: its metadata); undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return asKind(ref, await this.client.getJson<KubeObject>(this.pathOf(ref), {}, headersFor(ref)));
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 404) return undefined;
      throw apiRefusal(error, `cannot read ${labelOf(ref)}`, this.client.server);
    }
  }

  /** An RFC 6902 JSON Patch; its `test` operations make it fail rather than change an object that moved on. */
  async patch(ref: ObjectRef, operations: readonly PatchOperation[], dryRun: LiveDryRun): Promise<KubeObject> {
    const answer = await this.client.patchJson<KubeObject>(
      this.pathOf(ref),
      operations,
      'application/json-patch+json',
      query(dryRun),
      headersFor(ref),
    );
    return asKind(ref, answer);
  }

  async create(object: KubeObject, dryRun: LiveDryRun): Promise<KubeObject> {
    const ref = refOf(object);
    const path = this.pathOf(ref);
    const answer = await this.client.postJson<KubeObject>(path.slice(0, path.lastIndexOf('/')), object, query(dryRun), headersFor(ref));
    return asKind(ref, answer);
  }

  /**
   * Deletes an object only if it is still the one we know (uid and resourceVersion preconditions). The
   * API server reads a DELETE's options from its body alone when there is one: `dryRun` must be there, or a
   * server dry run deletes for real.
   */
  async delete(
    ref: ObjectRef,
    preconditions: { uid?: string | null | undefined; resourceVersion?: string | null | undefined },
    dryRun: LiveDryRun,
  ): Promise<void> {
    const body = {
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      preconditions: {
        ...(preconditions.uid ? { uid: preconditions.uid } : {}),
        ...(preconditions.resourceVersion ? { resourceVersion: preconditions.resourceVersion } : {}),
      },
      ...(dryRun === 'server' ? { dryRun: ['All'] } : {}),
    };
    await this.client.deleteJson(this.pathOf(ref), body, query(dryRun), headersFor(ref));
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

/**
 * A Secret is read and written as its metadata: the API server answers with a PartialObjectMetadata, so no
 * value (a token the controller filled in, say) ever reaches kubectl sa, not even in the answer to a write.
 */
function headersFor(ref: ObjectRef): Record<string, string> {
  return ref.kind === 'Secret' && ref.apiVersion === 'v1' ? { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' } : {};
}

/**
 * A metadata answer names itself PartialObjectMetadata: it is still the object asked about. A Secret's
 * kubectl last-applied annotation (a copy of what was applied, values included) is dropped as it arrives.
 */
function asKind(ref: ObjectRef, answer: KubeObject): KubeObject {
  if (answer.kind !== 'PartialObjectMetadata') return answer;
  const metadata = withoutLastApplied({ ...answer.metadata }) as KubeObject['metadata'];
  return { ...answer, apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}

export function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata?.name ?? '',
  };
}

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
    object ? dump(withoutLastAppliedOf(withoutServerFields(object)), { lineWidth: -1, noRefs: true, sortKeys: true }) : '';
  // A token pasted into the object (an env value) is no more printed here than anywhere else.
  return redactedDiff(name, text(before), text(after), { from: `LIVE/${name}`, to: `MERGED/${name}` });
}

function withoutLastAppliedOf(object: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return object && isRecord(object.metadata) ? { ...object, metadata: withoutLastApplied(object.metadata) } : object;
}
