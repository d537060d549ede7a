import type { FixPlanResult } from '../app/fix.js';
import { planFileRestores, readBackup, restoreFiles, writeFileChanges } from '../app/fix-files.js';
import { ExitCode } from '../errors/kubectl-sa-error.js';
import { defaultBackupRoot } from '../fixes/backup.js';
import { clusterScript, fileScript } from '../fixes/script.js';
import { fixPrinters, fixReport } from '../report/fix-report.js';
import { KubectlSaCommand } from './base-command.js';
import { confirm, dryRunOf, type FixActionValues } from './fix-flags.js';

/**
 * What every fix command does once it has a plan: print it (or a script), and only with --write /
 * --dry-run=none and a confirmation, apply it through the writer for its origin, backup first.
 */
export abstract class FixCommand extends KubectlSaCommand {
  protected async carryOut(
    result: FixPlanResult,
    flags: FixActionValues & { readonly output: string; readonly filename?: string[] | undefined },
    argv: readonly string[],
  ): Promise<void> {
    const dryRun = dryRunOf(flags, result.origin);
    const withoutFix = 'withoutFix' in result ? result.withoutFix.length : 0;
    if (flags['emit-script']) {
      this.emit(
        result.origin === 'files'
          ? fileScript(result.files)
          : clusterScript(result.plan.changes, { context: result.connection?.kubeConfig.contextName }),
      );
      return;
    }
    if (dryRun !== 'none' || result.plan.changes.length === 0) {
      this.print(
        fixPrinters,
        fixReport({ origin: result.origin, dryRun, plan: result.plan, files: result.files, withoutFix }),
        flags.output,
      );
      if (result.plan.changes.length > 0 && flags.output === 'table') {
        this.io.stderr.write(
          `hint: nothing was changed; apply with: kubectl sa ${this.id?.replace(/:/g, ' ') ?? 'fix'} … ${result.origin === 'files' ? '--write' : '--dry-run=none'}\n`,
        );
      }
      return;
    }
    const stdinUsed = [...(flags.filename ?? []), ...argv].includes('-');
    if (flags.output === 'table')
      this.print(
        fixPrinters,
        fixReport({ origin: result.origin, dryRun: 'client', plan: result.plan, files: result.files, withoutFix }),
        'table',
      );
    if (!(await confirm(this.io, `Apply these ${result.plan.changes.length} change(s)?`, { yes: flags.yes, stdinUsed }))) {
      this.io.stderr.write('not confirmed: nothing was changed\n');
      this.setExitCode(ExitCode.findings);
      return;
    }
    const backupRoot = flags['backup-dir'] ?? defaultBackupRoot(this.io.env);
    const command = ['kubectl', 'sa', ...(this.id?.split(':') ?? ['fix']), ...this.argv].join(' ');
    const written = await writeFileChanges(result.files, { backupRoot, command, now: new Date() });
    this.io.stderr.write(`wrote ${written.files.length} file(s); backup: ${written.backupDir}\n`);
    if (flags.output !== 'table')
      this.print(
        fixPrinters,
        fixReport({ origin: result.origin, dryRun, plan: result.plan, files: result.files, withoutFix, backup: written.backupDir }),
        flags.output,
      );
  }

  /**
   * `--undo BACKUP`: the same rules as a fix. Files are restored only where they are exactly as the fix
   * left them; the default shows the diff, --write (or --dry-run=none) restores after a confirmation.
   */
  protected async undo(location: string, flags: FixActionValues & { readonly output: string }): Promise<void> {
    const backup = await readBackup(location);
    const restores = await planFileRestores(backup.manifest, backup.fileText);
    const dryRun = dryRunOf(flags, 'files');
    const pending = restores.filter((restore) => restore.state === 'restore');
    for (const restore of restores)
      if (restore.state === 'already-restored') this.io.stderr.write(`${restore.file}: already as before the fix\n`);
    if (flags['emit-script']) {
      this.emit(
        fileScript(
          pending.map((restore) => ({ file: restore.file, before: restore.before, after: restore.after, diff: restore.diff, changes: [] })),
        ),
      );
      return;
    }
    for (const restore of pending) this.emit(restore.diff);
    if (dryRun !== 'none' || pending.length === 0) {
      if (pending.length > 0) this.io.stderr.write(`hint: nothing was restored; restore with: kubectl sa fix --undo ${location} --write\n`);
      return;
    }
    if (!(await confirm(this.io, `Restore ${pending.length} file(s)?`, { yes: flags.yes, stdinUsed: false }))) {
      this.io.stderr.write('not confirmed: nothing was changed\n');
      this.setExitCode(ExitCode.findings);
      return;
    }
    await restoreFiles(pending);
    this.io.stderr.write(`restored ${pending.length} file(s) from ${backup.dir}\n`);
  }
}
