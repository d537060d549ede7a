import type { InventoryNote, ObjectRef } from '../inventory/inventory.js';
import type { KubeObject } from '../inventory/kube-object.js';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { BackupWriter, objectBackup, readBackup, type ObjectBackup } from '../fixes/backup.js';
import type { ClusterWriter, LiveChangeResult, LiveDryRun } from '../fixes/cluster-writer.js';
import { ApiStatusError, type ApiClient } from '../sources/cluster/api-client.js';
import { applyPatch } from '../fixes/json-patch.js';
import { planLegacyTokenMigration, type MigrationPlan, type ObjectTarget } from '../tokens/legacy-migration-plan.js';
import { planObjectRestores, restoreObjects, type ObjectRestore } from './fix-live.js';
import { readLegacyTokens, type LegacyTokensOptions } from './token-legacy.js';

export interface MigrateOptions extends LegacyTokensOptions {
  readonly unusedForDays: number;
  /** False: plan and server-side dry run only. */
  readonly apply: boolean;
  readonly backupRoot: string;
  /** The command line, recorded in the backup. */
  readonly command: string;
  /** The kubeconfig context, recorded with each object of the backup. */
  readonly context: string | undefined;
  readonly now: Date;
}

/** What happened to one object: on a dry run, whether the API server would accept the change. */
export interface ChangeResult {
  readonly action: 'patch' | 'delete' | 'restore' | 'recreate';
  readonly object: ObjectTarget;
  /** `unchanged`: undo found it as it was before the change already. */
  readonly result: 'accepted' | 'done' | 'refused' | 'conflict' | 'unchanged';
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
 * each guarded by the resourceVersion the plan was made from. The backup is the fixes' (one format, one
 * writer), so `token legacy --undo` and `fix --undo` both put it back.
 */
export async function migrateLegacyTokens(client: ApiClient, writer: ClusterWriter, options: MigrateOptions): Promise<MigrationOutcome> {
  const { inventory, report } = await readLegacyTokens(client, options);
  const plan = planLegacyTokenMigration(inventory, report.items, { unusedForDays: options.unusedForDays, now: options.now });
  const base = {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'LegacyTokenMigration',
    namespace: report.namespace,
    plan,
    notes: report.notes,
  } as const;
  const dryRun = await runChanges(writer, plan, { dryRun: 'server' });
  if (!options.apply || dryRun.some((result) => result.result !== 'accepted') || dryRun.length === 0) {
    return { ...base, dryRun: true, results: dryRun, backupDir: null };
  }
  const backup = await BackupWriter.create(options.backupRoot, options.command, options.now);
  const results = await runChanges(writer, plan, {
    dryRun: 'none',
    backup,
    context: options.context,
    // Token Secrets were read as metadata: what the backup keeps of them is their metadata and type.
    objectOf: (ref) => inventory.find(groupOf(ref.apiVersion), ref.kind, ref.namespace, ref.name)?.object,
  });
  return { ...base, dryRun: false, results, backupDir: backup.dir };
}

interface RunOptions {
  readonly dryRun: LiveDryRun;
  readonly backup?: BackupWriter;
  readonly context?: string | undefined;
  readonly objectOf?: (ref: ObjectRef) => KubeObject | undefined;
}

async function runChanges(writer: ClusterWriter, plan: MigrationPlan, options: RunOptions): Promise<ChangeResult[]> {
  const changes = [
    ...plan.patches.map((patch) => ({
      action: 'patch' as const,
      target: patch.target,
      operations: patch.operations,
      write: (ref: ObjectRef) => writer.patch(ref, patch.operations, options.dryRun),
    })),
    ...plan.deletions.map((deletion) => ({
      action: 'delete' as const,
      target: deletion.secret,
      operations: [],
      write: async (ref: ObjectRef) => {
        await writer.delete(ref, { uid: deletion.secret.uid, resourceVersion: deletion.secret.resourceVersion }, options.dryRun);
        return undefined;
      },
    })),
  ];
  const where = { server: writer.server, context: options.context };
  const record = (change: (typeof changes)[number], served?: KubeObject): ObjectBackup => {
    const ref = refOf(change.target);
    const before = options.objectOf?.(ref);
    // Before the change is made, the backup holds the fields the plan changes; after, those the server's answer shows.
    const planned = change.action === 'patch' && before ? applyPatch(before, change.operations) : undefined;
    return objectBackup({ action: change.action, object: ref, before, after: planned }, where, served);
  };
  // Every record is made before any change: one the backup could not take back (it rewrites a token) stops the run here.
  if (options.backup) for (const change of changes) record(change);
  const results: ChangeResult[] = [];
  for (const change of changes) {
    await options.backup?.addObject(record(change));
    try {
      const after = await change.write(refOf(change.target));
      if (after) await options.backup?.addObject(record(change, after));
      results.push({
        action: change.action,
        object: change.target,
        result: options.dryRun === 'server' ? 'accepted' : 'done',
        detail: null,
      });
    } catch (error) {
      // Refused by the server: nothing to take back. Anything else (the connection lost) may have changed it: the record stays.
      const refused = refusal(change.action, change.target, error);
      await options.backup?.dropObject(record(change));
      results.push(refused);
    }
  }
  return results;
}

function refOf(target: ObjectTarget): ObjectRef {
  return { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name };
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
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
 * `--undo DIR`: puts back what a run changed, with the fixes' undo (fix-live.ts): a patched object gets its
 * saved fields back only if it is still as kubectl sa left it; a deleted one is created again; anything
 * changed since is a conflict, and then nothing is restored. A deleted token Secret is filled again by the
 * token controller: a legacy token has no time or random claims, so the same ServiceAccount and signing key
 * give back the very same token (the value itself was never read).
 */
export async function undoFromBackup(writer: ClusterWriter, options: UndoOptions): Promise<UndoOutcome> {
  const { manifest } = await readBackup(options.backupDir);
  if (manifest.files.length > 0)
    throw new UsageError(`${options.backupDir} holds manifest files a fix rewrote`, {
      hint: `undo it with: kubectl sa fix --undo ${options.backupDir}`,
    });
  const restores = await planObjectRestores(manifest, writer);
  const conflicts = restores.some((restore) => restore.state === 'conflict');
  const apply = options.apply && !conflicts;
  const outcomes = conflicts ? new Map<ObjectRestore, LiveChangeResult>() : await restoreObjects(restores, writer, 'server');
  if (apply) for (const [restore, outcome] of await restoreObjects(restores, writer, 'none')) outcomes.set(restore, outcome);
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'BackupRestore',
    backupDir: options.backupDir,
    dryRun: !apply,
    results: restores.map((restore) => restoreResult(restore, outcomes.get(restore))),
  };
}

function restoreResult(restore: ObjectRestore, outcome: LiveChangeResult | undefined): ChangeResult {
  const { backup } = restore;
  const action = backup.action === 'delete' ? 'recreate' : backup.action === 'create' ? 'delete' : 'restore';
  const object: ObjectTarget = {
    ...backup.object,
    namespace: backup.object.namespace ?? '',
    uid: backup.uidAfter ?? null,
    resourceVersion: backup.resourceVersionAfter ?? null,
  };
  if (restore.state !== 'restore') {
    return { action, object, result: restore.state === 'conflict' ? 'conflict' : 'unchanged', detail: restore.reason ?? null };
  }
  const result = !outcome
    ? 'accepted'
    : outcome.outcome === 'applied'
      ? 'done'
      : outcome.outcome === 'already-compliant'
        ? 'unchanged'
        : outcome.outcome === 'failed'
          ? 'conflict'
          : 'accepted';
  const detail =
    outcome?.notes.join('; ') ||
    (action === 'recreate' && backup.object.kind === 'Secret'
      ? 'the token controller signs the same token again while the ServiceAccount and its signing key are unchanged'
      : null);
  return { action, object, result, detail };
}
