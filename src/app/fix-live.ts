import { InputError } from '../errors/kubectl-sa-error.js';
import type { InventoryEntry, ObjectRef } from '../inventory/inventory.js';
import type { KubeObject } from '../inventory/kube-object.js';
import { podTemplateOf } from '../inventory/workloads.js';
import type { BackupWriter } from '../fixes/backup.js';
import { readBackup, type BackupManifest, type ObjectBackup } from '../fixes/backup.js';
import {
  ClusterWriter,
  refOf,
  serverOwnedPointers,
  withoutServerFields,
  type LiveChangeResult,
  type LiveDryRun,
} from '../fixes/cluster-writer.js';
import { diffToPatch } from '../fixes/json-diff.js';
import { applyPatch, formatPointer, type PatchOperation } from '../fixes/json-patch.js';
import { labelOf, type FixRequest, type PlannedChange, type SkippedFix } from '../fixes/plan.js';
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
async function controllerChain(object: KubeObject, writer: ClusterWriter): Promise<KubeObject[]> {
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
 * Applies a plan to the cluster. Created objects go first (a workload must not point at a ServiceAccount
 * that does not exist yet). With --dry-run=none every change is first sent as a server dry run: one the
 * server refuses (forbidden, invalid) stops the run before anything is changed. Each object is backed up
 * before its change and its new resourceVersion recorded after, for undo.
 */
export async function applyLive(
  changes: readonly PlannedChange[],
  writer: ClusterWriter,
  options: LiveApplyOptions,
): Promise<Map<PlannedChange, LiveChangeResult>> {
  const ordered = [...changes].sort((a, b) => (a.action === b.action ? 0 : a.action === 'create' ? -1 : 1));
  const results = new Map<PlannedChange, LiveChangeResult>();
  if (options.dryRun === 'server') {
    for (const change of ordered) results.set(change, await writer.apply(change, 'server'));
    return results;
  }
  // Preflight: the server judges every change before any is made.
  for (const change of ordered.filter((candidate) => candidate.action === 'patch')) await writer.apply(change, 'server');
  for (const change of ordered) {
    const record = (result?: LiveChangeResult): ObjectBackup => ({
      action: change.action,
      object: change.object,
      server: writer.server,
      context: options.context,
      before: change.action === 'create' ? undefined : withoutServerFields(result?.before ?? change.before),
      resourceVersionAfter: result?.after?.metadata?.resourceVersion,
      generationAfter: (result?.after?.metadata as { generation?: number } | undefined)?.generation,
      uidAfter: result?.after?.metadata?.uid,
    });
    await options.backup?.addObject(record());
    const result = await writer.apply(change, 'none');
    results.set(change, result);
    if (result.outcome === 'applied') await options.backup?.addObject(record(result));
  }
  return results;
}

/** One object of a backup and how undo puts it back. */
export interface ObjectRestore {
  readonly backup: ObjectBackup;
  readonly change: PlannedChange | undefined;
  readonly state: 'restore' | 'already-restored';
}

/**
 * What `fix --undo` would do on the cluster: a patched object gets the patch back to its saved state and a
 * created one is deleted, but only where the object is exactly as the fix left it (same resourceVersion;
 * for a deletion, same uid too). Anything changed since is an error for all: undo never overwrites later
 * work. A backup from another cluster is refused.
 */
export async function planObjectRestores(manifest: BackupManifest, writer: ClusterWriter): Promise<ObjectRestore[]> {
  const restores: ObjectRestore[] = [];
  const problems: string[] = [];
  for (const backup of manifest.objects) {
    const label = labelOf(backup.object);
    if (backup.server !== writer.server) {
      problems.push(`${label} was changed on ${backup.server}, not on ${writer.server}: use --context`);
      continue;
    }
    const current = await writer.get(backup.object);
    if (backup.action === 'create') {
      if (!current) restores.push({ backup, change: undefined, state: 'already-restored' });
      else if (current.metadata?.uid !== backup.uidAfter || current.metadata?.resourceVersion !== backup.resourceVersionAfter)
        problems.push(`${label} changed since the fix created it; not deleting it`);
      else restores.push({ backup, state: 'restore', change: restoreChange(backup, current, []) });
      continue;
    }
    if (!current) {
      problems.push(`${label} no longer exists on the cluster`);
      continue;
    }
    const saved = backup.before as KubeObject | undefined;
    const patch = diffToPatch(withoutServerFields(current), saved, serverOwnedPointers);
    if (patch.length === 0) {
      restores.push({ backup, change: undefined, state: 'already-restored' });
      continue;
    }
    if (changedSince(current, backup)) {
      problems.push(
        `${label} changed since the fix (resourceVersion ${backup.resourceVersionAfter ?? '?'} → ${current.metadata?.resourceVersion ?? '?'}); not restoring over later changes`,
      );
      continue;
    }
    restores.push({ backup, state: 'restore', change: restoreChange(backup, current, patch) });
  }
  if (problems.length > 0) throw new InputError(`cannot undo: ${problems.join('; ')}`);
  return restores;
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
    pointer: patch[0]?.path ?? '',
    reasons: [],
  };
}

/**
 * Whether someone changed the object after the fix: by generation where the kind has one (it moves only with
 * the spec, so a controller's status updates do not count), else by resourceVersion.
 */
function changedSince(current: KubeObject, backup: ObjectBackup): boolean {
  const generation = (current.metadata as { generation?: number } | undefined)?.generation;
  if (typeof backup.generationAfter === 'number' && typeof generation === 'number') return generation !== backup.generationAfter;
  return current.metadata?.resourceVersion !== backup.resourceVersionAfter;
}

export async function restoreObjects(
  restores: readonly ObjectRestore[],
  writer: ClusterWriter,
  dryRun: LiveDryRun,
): Promise<Map<ObjectRestore, LiveChangeResult>> {
  const results = new Map<ObjectRestore, LiveChangeResult>();
  // Patched objects first, created ones last: a workload stops pointing at a ServiceAccount before it goes.
  const ordered = [...restores].sort((a, b) => (a.backup.action === 'create' ? 1 : 0) - (b.backup.action === 'create' ? 1 : 0));
  for (const restore of ordered) {
    if (restore.state !== 'restore' || !restore.change) continue;
    if (restore.backup.action === 'create') {
      const before = restore.change.before;
      await writer.delete(
        restore.backup.object,
        { uid: before?.metadata?.uid, resourceVersion: before?.metadata?.resourceVersion },
        dryRun,
      );
      results.set(restore, {
        outcome: dryRun === 'server' ? 'dry-run' : 'applied',
        notes: [`deleted ${labelOf(restore.backup.object)}, which the fix created`],
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
