import { BackupWriter } from '../fixes/backup.js';
import { objectDiff, type LiveChangeResult } from '../fixes/cluster-writer.js';
import type { ChangeResult } from '../report/fix-report.js';
import type { PlannedChange } from '../fixes/plan.js';
import type { FixPlanResult } from './fix.js';
import { writeFileChanges } from './fix-files.js';
import { applyLive, clusterWriterFor } from './fix-live.js';

export interface ApplyFixOptions {
  /** Where the backup folder is made (defaultBackupRoot, or --backup-dir). */
  readonly backupRoot: string;
  /** What the backup records as the command that made it. */
  readonly command: string;
  readonly now: Date;
}

/** What applying a plan did: the backup to undo from, and per change what the API server said (cluster). */
export interface AppliedFix {
  readonly backupDir: string;
  /** Files written (files). */
  readonly files: readonly string[];
  /** Per change, the API server's answer (cluster); empty for files. */
  readonly results: ReadonlyMap<PlannedChange, LiveChangeResult>;
}

/** Each change of a plan as planned, with its diff: what is shown before any server is asked (a client dry run). */
export function plannedChanges(result: FixPlanResult): Map<PlannedChange, ChangeResult> {
  return new Map(
    result.plan.changes.map((change) => [
      change,
      { outcome: 'planned', notes: [], diff: objectDiff(change.object, change.before, change.after) },
    ]),
  );
}

/**
 * A server-side dry run of a cluster plan: the API server judges each change (admission, validation,
 * RBAC) and stores nothing. Files have no server to ask: their dry run is the diff.
 */
export async function dryRunFixPlan(result: FixPlanResult): Promise<ReadonlyMap<PlannedChange, LiveChangeResult>> {
  if (result.origin !== 'cluster' || !result.connection) return new Map();
  const writer = await clusterWriterFor(result.connection);
  return applyLive(result.plan.changes, writer, { dryRun: 'server', context: result.connection.kubeConfig.contextName });
}

/**
 * Applies a plan, backup first: files are written only if none changed since the plan (all or nothing); a
 * cluster's changes are patched with resourceVersion preconditions after a server dry run of them all.
 */
export async function applyFixPlan(result: FixPlanResult, options: ApplyFixOptions): Promise<AppliedFix> {
  if (result.origin === 'files') {
    const written = await writeFileChanges(result.files, options);
    return { backupDir: written.backupDir, files: written.files, results: new Map() };
  }
  const connection = result.connection;
  if (!connection) throw new Error('a cluster plan without a connection');
  const backup = await BackupWriter.create(options.backupRoot, options.command, options.now);
  const results = await applyLive(result.plan.changes, await clusterWriterFor(connection), {
    dryRun: 'none',
    backup,
    context: connection.kubeConfig.contextName,
  });
  return { backupDir: backup.dir, files: [], results };
}
