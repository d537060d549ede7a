import type { ChangeResult, MigrationOutcome, UndoOutcome } from '../app/token-migrate.js';
import type { ObjectTarget, WorkloadPatch } from '../tokens/legacy-migration-plan.js';
import { lineDiff } from './line-diff.js';
import { definePrinters } from './printers.js';
import { toYaml } from './serialize.js';

export interface MigrationView {
  readonly outcome: MigrationOutcome;
  /** The command that undoes a backup, as the user would type it. */
  readonly undoCommand: (dir: string) => string;
}

/** `token legacy --migrate`: -o json|yaml print the LegacyTokenMigration; the table is the plan and its results. */
export const migrationPrinters = definePrinters<MigrationView>({
  document: (view) => view.outcome,
  table: (view) => renderMigration(view.outcome, view.undoCommand),
});

export const undoPrinters = definePrinters<UndoOutcome>({ document: (outcome) => outcome, table: renderUndo });

/** The plan first (what would change, and why), then what the API server said, then how to go on. */
function renderMigration(outcome: MigrationOutcome, undoCommand: (dir: string) => string): string {
  const { plan } = outcome;
  const lines: string[] = [];
  for (const patch of plan.patches) lines.push(...patchLines(patch));
  for (const step of plan.manual) lines.push(`manual  ${step.object.kind}/${step.object.name} (Secret ${step.secret}): ${step.reason}`);
  for (const deletion of plan.deletions) lines.push(`delete  Secret ${deletion.secret.name}: ${deletion.reason}`);
  for (const kept of plan.kept) lines.push(`keep    Secret ${kept.secret.name}: ${kept.reason}`);
  if (lines.length === 0) lines.push('Nothing to migrate: no legacy token Secret here.');
  lines.push('');
  const refused = outcome.results.filter((result) => result.result === 'refused' || result.result === 'conflict');
  for (const result of refused)
    lines.push(`${result.result === 'conflict' ? 'conflict' : 'refused'}: ${result.action} ${name(result.object)}: ${result.detail ?? ''}`);
  if (outcome.results.length === 0) {
    if (plan.manual.length > 0 || plan.kept.length > 0) lines.push('Nothing kubectl sa can change by itself; the steps above are yours.');
  } else if (outcome.dryRun) {
    lines.push(
      refused.length > 0
        ? 'Nothing was changed: the API server would refuse the changes above (server-side dry run).'
        : 'Dry run: the API server accepted every change (server-side dry run); nothing was changed. Run again with --yes to make them.',
    );
  } else {
    for (const result of outcome.results.filter((candidate) => candidate.result === 'done'))
      lines.push(`${pastTense(result)} ${name(result.object)}`);
    if (outcome.backupDir) lines.push(`Backup: ${outcome.backupDir}`, `Undo:   ${undoCommand(outcome.backupDir)}`);
  }
  return lines.join('\n') + '\n';
}

function patchLines(patch: WorkloadPatch): string[] {
  const lines = [
    `patch   ${patch.target.kind}/${patch.target.name}: ${patch.changes.map((change) => `volume ${change.volume} (Secret ${change.secrets.join(', ')})`).join(', ')} → projected ServiceAccount token; ${patch.rollout}`,
  ];
  for (const change of patch.changes) {
    for (const line of lineDiff(toYaml([change.before]), toYaml([change.after]))) lines.push(`        ${line}`);
  }
  return lines;
}

function renderUndo(outcome: UndoOutcome): string {
  const lines = outcome.results.map(
    (result) => `${result.action} ${name(result.object)}: ${result.result}${result.detail ? ` (${result.detail})` : ''}`,
  );
  if (lines.length === 0) return `Nothing to undo: ${outcome.backupDir} records no change.\n`;
  const conflicts = outcome.results.some((result) => result.result === 'conflict' || result.result === 'refused');
  lines.push(
    '',
    conflicts
      ? 'Nothing was restored: resolve the conflicts above first.'
      : outcome.results.every((result) => result.result === 'unchanged')
        ? 'Nothing to restore: every object is as it was before the change.'
        : outcome.dryRun
          ? 'Dry run: the API server accepted every restore (server-side dry run); nothing was changed. Run again with --yes to restore.'
          : 'Restored.',
  );
  return lines.join('\n') + '\n';
}

function pastTense(result: ChangeResult): string {
  return { patch: 'patched', delete: 'deleted', restore: 'restored', recreate: 'recreated' }[result.action];
}

function name(object: ObjectTarget): string {
  return `${object.kind}/${object.name} in ${object.namespace}`;
}
