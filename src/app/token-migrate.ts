import { ClusterError } from '../errors/kubectl-sa-error.js';
import { isRecord } from '../inventory/kube-object.js';
import { ObjectBackup, readBackup } from '../fixes/object-backup.js';
import { ApiStatusError, type ApiClient } from '../sources/cluster/api-client.js';
import {
  createObject,
  deleteObject,
  getObject,
  jsonPatchObject,
  replaceObject,
  type ObjectRefOnServer,
} from '../sources/cluster/object-writer.js';
import { legacyTokenSecretType } from '../tokens/legacy-token-usage.js';
import { planLegacyTokenMigration, type MigrationPlan, type ObjectTarget } from '../tokens/legacy-migration-plan.js';
import { readLegacyTokens, type LegacyTokensOptions } from './token-legacy.js';
import type { InventoryNote } from '../inventory/inventory.js';

export interface MigrateOptions extends LegacyTokensOptions {
  readonly unusedForDays: number;
  /** False: plan and server-side dry run only. */
  readonly apply: boolean;
  readonly backupRoot: string;
  readonly now: Date;
}

/** What happened to one object: on a dry run, whether the API server would accept the change. */
export interface ChangeResult {
  readonly action: 'patch' | 'delete' | 'restore' | 'recreate';
  readonly object: ObjectTarget;
  readonly result: 'accepted' | 'done' | 'refused' | 'conflict';
  readonly detail: string | null;
}

export interface MigrationOutcome {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'LegacyTokenMigration';
  readonly namespace: string | null;
  readonly dryRun: boolean;
  readonly plan: MigrationPlan;
  readonly results: readonly ChangeResult[];
  /** Where the objects were saved before the changes; null on a dry run. */
  readonly backupDir: string | null;
  readonly notes: readonly InventoryNote[];
}

/**
 * `token legacy --migrate`: plan, ask the API server to dry-run every change (so a plan that would be
 * refused says so before anything is written), and with `apply` back up each object and make the change,
 * each guarded by the resourceVersion the plan was made from.
 */
export async function migrateLegacyTokens(client: ApiClient, options: MigrateOptions): Promise<MigrationOutcome> {
  const { inventory, report } = await readLegacyTokens(client, options);
  const plan = planLegacyTokenMigration(inventory, report.items, { unusedForDays: options.unusedForDays, now: options.now });
  const base = {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'LegacyTokenMigration',
    namespace: report.namespace,
    plan,
    notes: report.notes,
  } as const;
  const dryRun = await runChanges(client, plan, { dryRun: true });
  if (!options.apply || dryRun.some((result) => result.result !== 'accepted') || dryRun.length === 0) {
    return { ...base, dryRun: true, results: dryRun, backupDir: null };
  }
  const backup = await ObjectBackup.create(options.backupRoot, {
    label: 'token-legacy-migrate',
    reason: 'kubectl sa token legacy --migrate',
    server: client.server,
    now: options.now,
  });
  const objectOf = (target: ObjectTarget) => {
    const object = inventory.find(
      target.apiVersion.includes('/') ? (target.apiVersion.split('/')[0] ?? '') : '',
      target.kind,
      target.namespace,
      target.name,
    )?.object;
    // Token Secrets were listed as metadata only: the type is known from the list, the values never were.
    return object?.kind === 'Secret' ? { ...object, type: legacyTokenSecretType } : object;
  };
  const results = await runChanges(client, plan, { dryRun: false, backup, objectOf });
  return { ...base, dryRun: false, results, backupDir: backup.dir };
}

interface RunOptions {
  readonly dryRun: boolean;
  readonly backup?: ObjectBackup;
  readonly objectOf?: (target: ObjectTarget) => Record<string, unknown> | undefined;
}

async function runChanges(client: ApiClient, plan: MigrationPlan, options: RunOptions): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  const done = options.dryRun ? 'accepted' : 'done';
  for (const patch of plan.patches) {
    const index = options.backup ? await options.backup.save(options.objectOf?.(patch.target) ?? {}, 'patched') : -1;
    try {
      const after = await jsonPatchObject<Record<string, unknown>>(client, patch.target, patch.operations, { dryRun: options.dryRun });
      if (options.backup) await options.backup.applied(index, after);
      results.push({ action: 'patch', object: patch.target, result: done, detail: null });
    } catch (error) {
      results.push(refusal('patch', patch.target, error));
    }
  }
  for (const deletion of plan.deletions) {
    const index = options.backup ? await options.backup.save(options.objectOf?.(deletion.secret) ?? {}, 'deleted') : -1;
    try {
      await deleteObject(
        client,
        deletion.secret,
        { uid: deletion.secret.uid, resourceVersion: deletion.secret.resourceVersion },
        { dryRun: options.dryRun },
      );
      if (options.backup) await options.backup.applied(index, undefined);
      results.push({ action: 'delete', object: deletion.secret, result: done, detail: null });
    } catch (error) {
      results.push(refusal('delete', deletion.secret, error));
    }
  }
  return results;
}

/**
 * A refusal the plan can explain: a failed `test` operation (422) or a precondition (409) means the object
 * changed after it was read; anything else is the API server's own reason. Network failures propagate.
 */
function refusal(action: ChangeResult['action'], object: ObjectTarget, error: unknown): ChangeResult {
  if (!(error instanceof ApiStatusError)) throw error;
  const changed =
    error.status === 409 ||
    (error.status === 422 && /test/i.test(error.message)) ||
    (error.status === 500 && /testing value/i.test(error.message));
  return {
    action,
    object,
    result: changed ? 'conflict' : 'refused',
    detail: changed
      ? `it changed since it was read (${error.message.split('\n')[0]}); run again to plan from what it is now`
      : (error.message.split('\n')[0] ?? `HTTP ${error.status}`),
  };
}

export interface UndoOptions {
  readonly backupDir: string;
  readonly apply: boolean;
}

export interface UndoOutcome {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'BackupRestore';
  readonly backupDir: string;
  readonly dryRun: boolean;
  readonly results: readonly ChangeResult[];
}

/**
 * `--undo DIR`: puts back what a run changed. A patched object is replaced by its backup, but only if it is
 * still as kubectl sa left it (same UID and resourceVersion); a deleted object is created again. A deleted
 * token Secret is filled again by the token controller: a legacy token has no time or random claims, so the
 * same ServiceAccount and signing key give back the very same token (the value itself was never read).
 */
export async function undoFromBackup(client: ApiClient, options: UndoOptions): Promise<UndoOutcome> {
  const { manifest, objects } = await readBackup(options.backupDir);
  if (manifest.server !== client.server) {
    throw new ClusterError(`${options.backupDir} was taken from ${manifest.server}, not ${client.server}`, {
      hint: 'pick that cluster with --context or --kubeconfig',
    });
  }
  const planned: { result: ChangeResult; write: (dryRun: boolean) => Promise<unknown> }[] = [];
  for (const { entry, object } of objects.filter((candidate) => candidate.entry.applied)) {
    const ref: ObjectRefOnServer = entry;
    const target: ObjectTarget = { ...entry, uid: uidOf(object), resourceVersion: entry.resourceVersionAfter };
    const current = await getObject<Record<string, unknown>>(client, ref).catch((error: unknown) => {
      if (error instanceof ApiStatusError && error.status === 404) return undefined;
      throw error;
    });
    if (entry.action === 'deleted') {
      if (current) {
        planned.push({
          result: { action: 'recreate', object: target, result: 'conflict', detail: 'it exists again: left alone' },
          write: async () => undefined,
        });
        continue;
      }
      const body = recreatable(object);
      planned.push({
        result: {
          action: 'recreate',
          object: target,
          result: 'accepted',
          detail:
            entry.kind === 'Secret'
              ? 'the token controller signs the same token again while the ServiceAccount and its signing key are unchanged'
              : null,
        },
        write: (dryRun) => createObject(client, { ...ref, body }, { dryRun }),
      });
      continue;
    }
    const currentMetadata = isRecord(current?.metadata) ? current.metadata : undefined;
    const changedSince =
      entry.generationAfter !== null
        ? currentMetadata?.generation !== entry.generationAfter
        : currentMetadata?.resourceVersion !== entry.resourceVersionAfter;
    if (!current || !currentMetadata || currentMetadata.uid !== uidOf(object) || changedSince) {
      const why = !current
        ? 'it no longer exists'
        : currentMetadata?.uid !== uidOf(object)
          ? 'it was deleted and created again'
          : 'its spec changed after kubectl sa changed it';
      planned.push({
        result: { action: 'restore', object: target, result: 'conflict', detail: `${why}: left alone` },
        write: async () => undefined,
      });
      continue;
    }
    // The spec as it was; the metadata as it is now (labels added since stay), with its resourceVersion as the precondition.
    const body = { ...object, metadata: currentMetadata };
    planned.push({
      result: { action: 'restore', object: target, result: 'accepted', detail: null },
      write: (dryRun) => replaceObject(client, { ...ref, body }, { dryRun }),
    });
  }
  const results: ChangeResult[] = [];
  const conflicts = planned.some((change) => change.result.result === 'conflict');
  for (const change of planned) {
    if (change.result.result === 'conflict') {
      results.push(change.result);
      continue;
    }
    try {
      await change.write(!options.apply || conflicts);
      results.push({ ...change.result, result: options.apply && !conflicts ? 'done' : 'accepted' });
    } catch (error) {
      results.push(refusal(change.result.action, change.result.object, error));
    }
  }
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'BackupRestore',
    backupDir: options.backupDir,
    dryRun: !options.apply || conflicts,
    results,
  };
}

function uidOf(object: Record<string, unknown>): string | null {
  return isRecord(object.metadata) && typeof object.metadata.uid === 'string' ? object.metadata.uid : null;
}

/** What a create accepts: no identity or server-owned fields of the object that was deleted. */
function recreatable(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = isRecord(object.metadata) ? { ...object.metadata } : {};
  for (const field of [
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'generation',
    'managedFields',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ])
    delete metadata[field];
  if (object.kind === 'Secret' && isRecord(metadata.annotations)) {
    // The token controller fills in the UID of the ServiceAccount as it is now, and the token.
    const { 'kubernetes.io/service-account.uid': _uid, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  return { ...object, metadata };
}
