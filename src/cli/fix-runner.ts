import type { FixPlanResult } from '../app/fix.js';
import { applyFixPlan, dryRunFixPlan, plannedChanges } from '../app/fix-apply.js';
import { planFileRestores, readBackup, restoreFiles } from '../app/fix-files.js';
import { ExitCode, InputError, UsageError } from '../errors/kubectl-sa-error.js';
import { defaultBackupRoot } from '../fixes/backup.js';
import { clusterScript, fileScript, shellQuote } from '../fixes/script.js';
import { fixPrinters, fixReport } from '../report/fix-report.js';
import type { IoContext } from './io.js';
import type { Printers } from '../report/printers.js';
import { confirm, dryRunOf, type DryRun, type FixActionValues } from './fix-flags.js';
import { clusterWriterFor, planObjectRestores, restoreObjects } from '../app/fix-live.js';
import type { BackupManifest } from '../fixes/backup.js';
import { objectDiff } from '../fixes/cluster-writer.js';
import { labelOf, type PlannedChange } from '../fixes/plan.js';
import type { ChangeResult } from '../report/fix-report.js';
import { undoPrinters, undoReport, type UndoItem } from '../report/undo-report.js';
import { connectCluster, type ClusterFlagValues } from '../sources/cluster/connect.js';

/** What the runner needs of the command: its streams, printer and exit code (the command's own methods). */
export interface FixView {
  readonly io: IoContext;
  print<T>(printers: Printers<T>, value: T, format: string): Promise<void>;
  emit(text: string): void;
  setExitCode(code: number): void;
  /** The command as typed: `kubectl sa fix …` and its arguments, one word each. */
  words(): readonly string[];
}

/**
 * What every fix command does once it has a plan: print it (or a script), and only with --write /
 * --dry-run=none and a confirmation, apply it through the writer for its origin, backup first. Loaded by
 * the fix commands with `await import()`: it brings the cluster client and the writers, which no other
 * command's start should pay for.
 */
export class FixRunner {
  constructor(private readonly view: FixView) {}

  private get io(): IoContext {
    return this.view.io;
  }

  private async print<T>(printers: Printers<T>, value: T, format: string): Promise<void> {
    await this.view.print(printers, value, format);
  }

  private emit(text: string): void {
    this.view.emit(text);
  }

  private setExitCode(code: number): void {
    this.view.setExitCode(code);
  }

  private commandLine(): string {
    return this.view.words().map(shellQuote).join(' ');
  }

  /** The same command with what makes it act (`--write`, `--dry-run=none`) instead of its dry run, for the hint. */
  private actingCommand(flag: '--write' | '--dry-run=none'): string {
    const words = this.view.words();
    const kept = words.filter((word, index) => {
      if (word === '--write' || word.startsWith('--dry-run=')) return false;
      if (word === '--dry-run') return false;
      return words[index - 1] !== '--dry-run';
    });
    return [...kept, flag].map(shellQuote).join(' ');
  }

  async carryOut(
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
    if (result.origin === 'cluster') return this.carryOutLive(result, flags, dryRun, withoutFix);
    if (dryRun !== 'none' || result.plan.changes.length === 0) {
      await this.print(
        fixPrinters,
        fixReport({ origin: result.origin, dryRun, plan: result.plan, files: result.files, withoutFix }),
        flags.output,
      );
      if (result.plan.changes.length > 0 && flags.output === 'table') {
        this.io.stderr.write(
          `hint: nothing was changed; apply with: ${this.actingCommand(result.origin === 'files' ? '--write' : '--dry-run=none')}\n`,
        );
      }
      return;
    }
    const stdinUsed = [...(flags.filename ?? []), ...argv].includes('-');
    // Asked at a terminal, the plan comes first; with --yes it is printed once, as what was done.
    if (flags.output === 'table' && !flags.yes)
      await this.print(
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
    const written = await applyFixPlan(result, { backupRoot, command: this.commandLine(), now: new Date() });
    this.io.stderr.write(`wrote ${written.files.length} file(s); backup: ${written.backupDir}\n`);
    if (flags.output !== 'table' || flags.yes)
      await this.print(
        fixPrinters,
        fixReport({ origin: result.origin, dryRun, plan: result.plan, files: result.files, withoutFix, backup: written.backupDir }),
        flags.output,
      );
  }

  /** The cluster: plan, server dry run (default) or, confirmed, the changes themselves, backup first. */
  private async carryOutLive(
    result: FixPlanResult,
    flags: FixActionValues & { readonly output: string },
    dryRun: DryRun,
    withoutFix: number,
  ): Promise<void> {
    const connection = result.connection;
    if (!connection) throw new Error('a cluster plan without a connection');
    const writer = await clusterWriterFor(connection);
    const changes = result.plan.changes;
    const report = (resultsBy: ReadonlyMap<PlannedChange, ChangeResult>, shownDryRun: DryRun, backup?: string) =>
      this.print(
        fixPrinters,
        fixReport({ origin: 'cluster', dryRun: shownDryRun, plan: result.plan, files: [], withoutFix, results: resultsBy, backup }),
        flags.output,
      );
    const planned = plannedChanges(result);
    if (dryRun === 'client' || changes.length === 0) return report(planned, 'client');
    if (dryRun === 'server') {
      await report(await dryRunFixPlan(result), 'server');
      this.io.stderr.write(`hint: nothing was changed (server dry run); apply with: ${this.actingCommand('--dry-run=none')}\n`);
      return;
    }
    if (flags.output === 'table' && !flags.yes) await report(planned, 'client');
    if (!(await confirm(this.io, `Apply these ${changes.length} change(s) to ${writer.server}?`, { yes: flags.yes, stdinUsed: false }))) {
      this.io.stderr.write('not confirmed: nothing was changed\n');
      this.setExitCode(ExitCode.findings);
      return;
    }
    const applied = await applyFixPlan(result, {
      backupRoot: flags['backup-dir'] ?? defaultBackupRoot(this.io.env),
      command: this.commandLine(),
      now: new Date(),
    });
    const outcomes = [...applied.results.values()];
    const failed = outcomes.filter((outcome) => outcome.outcome === 'failed').length;
    this.io.stderr.write(
      `changed ${outcomes.filter((outcome) => outcome.outcome === 'applied').length} object(s); backup: ${applied.backupDir}\n`,
    );
    await report(applied.results, 'none', applied.backupDir);
    if (failed > 0) this.setExitCode(ExitCode.findings);
  }

  /**
   * `--undo BACKUP`: the same rules as a fix. Files are restored only where they are exactly as the fix
   * left them; the default shows the diff, --write (or --dry-run=none) restores after a confirmation.
   */
  async undo(location: string, flags: FixActionValues & ClusterFlagValues & { readonly output: string }): Promise<void> {
    const backup = await readBackup(location);
    if (backup.manifest.objects.length > 0) return this.undoLive(location, backup.manifest, flags);
    const restores = await planFileRestores(backup.manifest);
    const dryRun = dryRunOf(flags, 'files');
    const pending = restores.filter((restore) => restore.state === 'restore');
    for (const restore of restores)
      if (restore.state === 'already-restored') this.io.stderr.write(`${restore.file}: already as before the fix\n`);
    if (flags['emit-script']) {
      this.emit(fileScript(pending));
      return;
    }
    const report = (outcome: UndoItem['outcome']) =>
      this.print(
        undoPrinters,
        undoReport({
          backup: backup.dir,
          madeBy: backup.manifest.command,
          origin: 'files',
          dryRun,
          items: restores.map((restore) => ({
            file: restore.file,
            object: null,
            action: 'restore',
            state: restore.state,
            outcome: restore.state === 'restore' ? outcome : 'planned',
            diff: restore.state === 'restore' ? restore.diff : '',
          })),
        }),
        flags.output,
      );
    if (dryRun !== 'none' || pending.length === 0) {
      await report('planned');
      if (pending.length > 0) this.io.stderr.write(`hint: nothing was restored; restore with: ${this.actingCommand('--write')}\n`);
      return;
    }
    if (flags.output === 'table' && !flags.yes) await report('planned');
    if (!(await confirm(this.io, `Restore ${pending.length} file(s)?`, { yes: flags.yes, stdinUsed: false }))) {
      this.io.stderr.write('not confirmed: nothing was changed\n');
      if (flags.output !== 'table') await report('not-confirmed');
      this.setExitCode(ExitCode.findings);
      return;
    }
    await restoreFiles(pending);
    this.io.stderr.write(`restored ${pending.length} file(s) from ${backup.dir}\n`);
    if (flags.output !== 'table' || flags.yes) await report('restored');
  }

  /** Undo on the cluster: a server dry run by default, --dry-run=none (and --yes or a confirmation) to restore. */
  private async undoLive(
    location: string,
    manifest: BackupManifest,
    flags: FixActionValues & ClusterFlagValues & { readonly output: string },
  ): Promise<void> {
    const dryRun = dryRunOf(flags, 'cluster');
    if (flags['emit-script'])
      throw new UsageError('--emit-script is not offered for undoing cluster changes', {
        hint: `run ${['kubectl', 'sa', 'fix', '--undo', location, '--dry-run=none', '--yes'].map(shellQuote).join(' ')} in the runbook instead: it restores only objects still as the fix left them`,
      });
    const connection = await connectCluster(flags, this.io.env);
    const writer = await clusterWriterFor(connection);
    const restores = await planObjectRestores(manifest, writer);
    const conflicts = restores.filter((restore) => restore.state === 'conflict');
    if (conflicts.length > 0)
      throw new InputError(
        `cannot undo: ${conflicts.map((restore) => `${labelOf(restore.backup.object)} ${restore.reason ?? ''}`).join('; ')}`,
      );
    for (const restore of restores)
      if (restore.state === 'already-restored')
        this.io.stderr.write(
          `${labelOf(restore.backup.object)}: already as before the fix${restore.reason ? ` (${restore.reason})` : ''}\n`,
        );
    const report = (outcome: UndoItem['outcome']) =>
      this.print(
        undoPrinters,
        undoReport({
          backup: location,
          madeBy: manifest.command,
          origin: 'cluster',
          dryRun,
          items: restores.map((restore) => ({
            file: null,
            object: restore.backup.object,
            action: restore.backup.action === 'create' ? 'delete' : restore.backup.action === 'delete' ? 'create' : 'restore',
            state: restore.state === 'already-restored' ? 'already-restored' : 'restore',
            outcome: restore.state === 'restore' ? outcome : 'planned',
            diff:
              restore.state === 'restore' && restore.change && restore.backup.action !== 'create' && restore.backup.action !== 'delete'
                ? objectDiff(restore.backup.object, restore.change.before, restore.change.after)
                : '',
          })),
        }),
        flags.output,
      );
    const pending = restores.filter((restore) => restore.state === 'restore');
    if (pending.length === 0) return report('planned');
    if (dryRun !== 'none') {
      if (dryRun === 'server') await restoreObjects(pending, writer, 'server');
      await report(dryRun === 'server' ? 'dry-run' : 'planned');
      this.io.stderr.write(
        `hint: nothing was restored${dryRun === 'server' ? ' (server dry run passed)' : ''}; restore with: ${this.actingCommand('--dry-run=none')}\n`,
      );
      return;
    }
    if (flags.output === 'table' && !flags.yes) await report('planned');
    if (!(await confirm(this.io, `Restore ${pending.length} object(s) on ${writer.server}?`, { yes: flags.yes, stdinUsed: false }))) {
      this.io.stderr.write('not confirmed: nothing was changed\n');
      if (flags.output !== 'table') await report('not-confirmed');
      this.setExitCode(ExitCode.findings);
      return;
    }
    await restoreObjects(pending, writer, 'server');
    await restoreObjects(pending, writer, 'none');
    this.io.stderr.write(`restored ${pending.length} object(s) from ${location}\n`);
    if (flags.output !== 'table' || flags.yes) await report('restored');
  }
}
