import type { InventoryEntry, ObjectRef } from '../inventory/inventory.js';
import type { KubeObject } from '../inventory/kube-object.js';
import { podTemplateOf } from '../inventory/workloads.js';
import { objectBackup, readBackup, type BackupManifest, type BackupWriter, type ObjectBackup } from '../fixes/backup.js';
import { ClusterWriter, refOf, withoutServerFields, type LiveChangeResult, type LiveDryRun } from '../fixes/cluster-writer.js';
import { apiRefusal } from '../sources/cluster/api-errors.js';
import { diffToPatch } from '../fixes/json-diff.js';
import { applyPatch, formatPointer, type PatchOperation } from '../fixes/json-patch.js';
import { applyGuarded, notRestored, redoPatch, undoPatch, type FieldChange } from '../fixes/field-undo.js';
import { inApplyOrder, labelOf, objectKey, type FixRequest, type PlannedChange, type SkippedFix } from '../fixes/plan.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import { resourceTableFor } from './rbac-input.js';

export async function clusterWriterFor(connection: ClusterConnection): Promise<ClusterWriter> {
  return new ClusterWriter(connection.client, await resourceTableFor(undefined, connection));
}

/**
 * On a live cluster a workload's pods are fixed through whatever controls them: a change to a Pod or
 * ReplicaSet that a controller owns would be undone by that controller at once. Each request on an owned
 * workload follows the controller ownerReferences up (reading each owner) to the top controller: a kind
 * with a pod template (Deployment, CronJob…) gets the request, its pointers moved to its own pod spec; any
 * other controller (an operator's custom resource) is named and the fix skipped. A bare Pod cannot take
 * the fix at all: its ServiceAccount and automount are fixed when the Pod is created.
 */
export async function throughOwners(
  requests: readonly FixRequest[],
  lookup: (ref: ObjectRef) => InventoryEntry | undefined,
  writer: ClusterWriter,
): Promise<{ requests: FixRequest[]; skipped: SkippedFix[]; owners: InventoryEntry[] }> {
  const out: FixRequest[] = [];
  const skipped: SkippedFix[] = [];
  const owners = new Map<string, InventoryEntry>();
  for (const request of requests) {
    const entry = lookup(request.object);
    const view = entry ? podTemplateOf(entry.object) : undefined;
    if (!entry || !view) {
      out.push(request);
      continue;
    }
    const chain = await controllerChain(entry.object, writer);
    const top = chain[chain.length - 1] ?? entry.object;
    const skip = (reason: string) => skipped.push({ object: request.object, source: entry.source, reasons: [request.reason], reason });
    if (top === entry.object) {
      if (entry.ref.kind === 'Pod')
        skip(
          `a Pod's ServiceAccount and token automount cannot change once it is created: fix what creates ${labelOf(entry.ref)}, then recreate it`,
        );
      else out.push(request);
      continue;
    }
    const topView = podTemplateOf(top);
    const topRef = refOf(top);
    if (!topView) {
      skip(
        `${labelOf(entry.ref)} is controlled by ${labelOf(topRef)}, which would undo a change here: fix the pod template of ${labelOf(topRef)}`,
      );
      continue;
    }
    owners.set(`${topRef.apiVersion}/${topRef.kind}/${topRef.namespace}/${topRef.name}`, { object: top, ref: topRef });
    const from = formatPointer(view.podSpecPath);
    const to = formatPointer(topView.podSpecPath);
    out.push({
      ...request,
      object: topRef,
      patch: request.patch.map((operation) => ({
        ...operation,
        path: operation.path.startsWith(from) ? to + operation.path.slice(from.length) : operation.path,
      })),
    });
  }
  return { requests: out, skipped, owners: [...owners.values()] };
}

/** The controllers above an object, nearest first, each read from the cluster. */
export async function controllerChain(object: KubeObject, writer: ClusterWriter): Promise<KubeObject[]> {
  const chain: KubeObject[] = [];
  let current = object;
  for (let depth = 0; depth < 5; depth++) {
    const owner = current.metadata?.ownerReferences?.find((reference) => reference.controller === true);
    if (!owner?.apiVersion || !owner.kind || !owner.name) break;
    const ref: ObjectRef = {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      ...(current.metadata?.namespace ? { namespace: current.metadata.namespace } : {}),
      name: owner.name,
    };
    let next: KubeObject | undefined;
    try {
      next = await writer.get(ref);
    } catch {
      // An owner we may not read (or a kind the cluster does not serve) still names who controls the object.
      next = {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      };
    }
    if (!next) break;
    chain.push(next);
    current = next;
  }
  return chain;
}

export interface LiveApplyOptions {
  readonly dryRun: LiveDryRun;
  /** Required for --dry-run=none: where the objects are saved before they change. */
  readonly backup?: BackupWriter | undefined;
  readonly context: string | undefined;
}

/**
 * Applies a plan to the cluster, in inApplyOrder: created objects first, then the changes that keep others'
 * access; a change whose keeper failed (its precondition no longer holds) is left as it is. With
 * --dry-run=none every patch is first sent as a server dry run: one the server refuses (forbidden, invalid)
 * stops the run before anything is changed. Each object is backed up before its change and its new
 * resourceVersion recorded after, for undo.
 */
export async function applyLive(
  changes: readonly PlannedChange[],
  writer: ClusterWriter,
  options: LiveApplyOptions,
): Promise<Map<PlannedChange, LiveChangeResult>> {
  const ordered = inApplyOrder(changes);
  const results = new Map<PlannedChange, LiveChangeResult>();
  if (options.dryRun === 'server') {
    for (const change of ordered) results.set(change, await writer.apply(change, 'server'));
    return results;
  }
  // Preflight: the server judges every change before any is made.
  for (const change of ordered.filter((candidate) => candidate.action === 'patch')) await writer.apply(change, 'server');
  const where = { server: writer.server, context: options.context };
  const record = (change: PlannedChange, result?: LiveChangeResult) =>
    objectBackup({ ...change, before: result?.before ?? change.before }, where, result?.after);
  // Every record is made before any change: a change the backup could not take back (it rewrites a token) stops the run here.
  if (options.backup) for (const change of ordered) record(change);
  const unsupported = new Map<string, PlannedChange>();
  for (const change of ordered) {
    const missing = unsupported.get(objectKey(change.object));
    if (missing) {
      results.set(change, {
        outcome: 'failed',
        notes: [`left as it is: ${labelOf(missing.object)}, which keeps its access, could not be changed`],
        diff: '',
        after: undefined,
        before: change.before,
      });
      continue;
    }
    await options.backup?.addObject(record(change));
    const result = await writer.apply(change, 'none');
    results.set(change, result);
    if (result.outcome === 'applied') await options.backup?.addObject(record(change, result));
    else await options.backup?.dropObject(record(change));
    if (result.outcome === 'failed') for (const ref of change.supports ?? []) unsupported.set(objectKey(ref), change);
  }
  return results;
}

/** One object of a backup and how undo puts it back. */
export interface ObjectRestore {
  readonly backup: ObjectBackup;
  readonly change: PlannedChange | undefined;
  /** `conflict`: left alone, and with it the whole undo: undo never overwrites later work. */
  readonly state: 'restore' | 'already-restored' | 'conflict';
  /** Why it is already as it was, or why it is left alone (a phrase that follows the object's name). */
  readonly reason: string | undefined;
}

/**
 * What undo would do on the cluster with a backup of `fix` or `token legacy --migrate`: a patched object
 * gets back the fields the change made, a created one is deleted and a deleted one created again. A
 * patched object is restored only where each of those fields still holds what kubectl sa left there (and
 * it is the same object: same uid); a created one only if it is exactly as kubectl sa left it. Anything
 * changed since, or on another cluster, is a conflict, which the caller reports.
 */
export async function planObjectRestores(manifest: BackupManifest, writer: ClusterWriter): Promise<ObjectRestore[]> {
  const restores: ObjectRestore[] = [];
  for (const backup of manifest.objects) {
    const add = (state: ObjectRestore['state'], reason?: string, change?: PlannedChange) =>
      restores.push({ backup, state, change, reason });
    if (backup.server !== writer.server) {
      add('conflict', `was changed on ${backup.server}, not on ${writer.server}: use --context`);
      continue;
    }
    const current = await writer.get(backup.object);
    if (backup.action === 'create') {
      if (!current) add('already-restored', 'it no longer exists');
      else if (current.metadata?.uid !== backup.uidAfter || current.metadata?.resourceVersion !== backup.resourceVersionAfter)
        add('conflict', 'changed since kubectl sa created it; not deleting it');
      else add('restore', undefined, restoreChange(backup, current, []));
      continue;
    }
    if (backup.action === 'delete') {
      if (current) add('already-restored', 'it exists again');
      else add('restore', undefined, recreateChange(backup));
      continue;
    }
    if (!current) {
      add('conflict', 'no longer exists on the cluster');
      continue;
    }
    if (backup.uidAfter !== undefined && current.metadata?.uid !== backup.uidAfter) {
      add('conflict', 'was deleted and created again since kubectl sa changed it; not restoring over later changes');
      continue;
    }
    const planned = backup.fields ? fieldsRestore(backup.fields, current) : wholeObjectRestore(backup, current);
    if ('patch' in planned) add('restore', undefined, restoreChange(backup, current, planned.patch));
    else add(planned.state, planned.reason);
  }
  return restores;
}

type PlannedRestore = { readonly patch: PatchOperation[] } | { readonly state: 'already-restored' | 'conflict'; readonly reason?: string };

/** The fields a change made, put back where each still holds what the change left; other fields stay as they are now. */
function fieldsRestore(fields: readonly FieldChange[], current: KubeObject): PlannedRestore {
  if (fields.length === 0) return { state: 'already-restored' };
  const patch = undoPatch(fields);
  const undone = applyGuarded(current, patch);
  if ('document' in undone) return { patch };
  if ('document' in applyGuarded(current, redoPatch(fields))) return { state: 'already-restored' };
  return {
    state: 'conflict',
    reason: `changed since kubectl sa changed it (${undone.misfit} is no longer as it left it); not restoring over later changes`,
  };
}

/**
 * A kubectl-sa.dev/v1 backup kept the object whole: undo puts the whole object back (metadata and status
 * aside), so only if nothing changed it since (by generation where the kind has one, else resourceVersion).
 */
function wholeObjectRestore(backup: ObjectBackup, current: KubeObject): PlannedRestore {
  const patch = diffToPatch(withoutServerFields(current), backup.before, notRestored);
  if (patch.length === 0) return { state: 'already-restored' };
  const metadata = current.metadata as { generation?: number; resourceVersion?: string } | undefined;
  const changed =
    typeof backup.generationAfter === 'number' && typeof metadata?.generation === 'number'
      ? metadata.generation === backup.generationAfter
        ? undefined
        : `generation ${backup.generationAfter} → ${metadata.generation}`
      : metadata?.resourceVersion === backup.resourceVersionAfter
        ? undefined
        : `resourceVersion ${backup.resourceVersionAfter ?? '?'} → ${metadata?.resourceVersion ?? '?'}`;
  if (changed) return { state: 'conflict', reason: `changed since kubectl sa changed it (${changed}); not restoring over later changes` };
  return { patch };
}

/** The change that puts an object back: the patch to its saved state (none for one to delete). */
function restoreChange(backup: ObjectBackup, current: KubeObject, patch: PatchOperation[]): PlannedChange {
  return {
    action: 'patch',
    object: backup.object,
    source: undefined,
    patch,
    before: current,
    after: applyPatch(current, patch),
    pointer: patch.find((operation) => operation.op !== 'test')?.path ?? '',
    reasons: [],
  };
}

/** A deleted object created again from its backup, without what the server or a controller fills in. */
function recreateChange(backup: ObjectBackup): PlannedChange {
  const saved = (backup.before ?? {}) as KubeObject;
  const annotations = { ...saved.metadata?.annotations };
  // The token controller fills a token Secret's ServiceAccount UID in (and the token) for the ServiceAccount as it is now.
  if (saved.kind === 'Secret') delete annotations['kubernetes.io/service-account.uid'];
  const metadata: Record<string, unknown> = { ...saved.metadata, annotations };
  for (const field of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences']) delete metadata[field];
  return {
    action: 'create',
    object: backup.object,
    source: undefined,
    patch: [],
    before: undefined,
    after: { ...saved, metadata } as KubeObject,
    pointer: '',
    reasons: [],
  };
}

export async function restoreObjects(
  restores: readonly ObjectRestore[],
  writer: ClusterWriter,
  dryRun: LiveDryRun,
): Promise<Map<ObjectRestore, LiveChangeResult>> {
  const results = new Map<ObjectRestore, LiveChangeResult>();
  // Objects created again first (a workload may point at them), patched ones next, created ones last: a
  // workload stops pointing at a ServiceAccount before it goes.
  const order = (restore: ObjectRestore) => ({ delete: 0, patch: 1, create: 2 })[restore.backup.action];
  const ordered = [...restores].sort((a, b) => order(a) - order(b));
  for (const restore of ordered) {
    if (restore.state !== 'restore' || !restore.change) continue;
    if (restore.backup.action === 'create') {
      const before = restore.change.before;
      try {
        await writer.delete(
          restore.backup.object,
          { uid: before?.metadata?.uid, resourceVersion: before?.metadata?.resourceVersion },
          dryRun,
        );
      } catch (error) {
        throw apiRefusal(error, `cannot ${dryRun === 'server' ? 'dry-run ' : ''}delete ${labelOf(restore.backup.object)}`, writer.server);
      }
      results.set(restore, {
        outcome: dryRun === 'server' ? 'dry-run' : 'applied',
        notes: [`deleted ${labelOf(restore.backup.object)}, which kubectl sa created`],
        diff: '',
        after: undefined,
        before,
      });
      continue;
    }
    results.set(restore, await writer.apply(restore.change, dryRun));
  }
  return results;
}

export { readBackup };
