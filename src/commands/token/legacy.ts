import { Flags } from '@oclif/core';
import type { ChangeResult } from '../../app/token-migrate.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { clusterFlags, outputFlag } from '../../cli/flags.js';
import { ExitCode, UsageError } from '../../errors/kubectl-sa-error.js';
import { legacyTokenPrinters } from '../../report/legacy-token-report.js';
import { migrationPrinters, undoPrinters } from '../../report/token-migration-report.js';

export default class TokenLegacyCommand extends KubectlSaCommand {
  static override summary =
    'List legacy (never-expiring) ServiceAccount token Secrets, when they were last used, and the pods that mount them; migrate them.';
  static override description =
    'Every Secret of type kubernetes.io/service-account-token in the namespace (-n, the context’s) or all of them (-A), ' +
    'with its ServiceAccount, age, the API server’s kubernetes.io/legacy-token-last-used and ' +
    'kubernetes.io/legacy-token-invalid-since labels, and the workloads whose pods or templates read it (volumes, env). ' +
    'Only metadata is read: no token value leaves the API server.\n\n' +
    '--migrate plans the switch to projected ServiceAccount tokens: pod templates rewritten through the workloads that ' +
    'own the pods, and deletion of the Secrets nothing reads and no client used lately. It is a dry run (checked by the ' +
    'API server) until --yes; then each object is backed up first, and --undo BACKUP puts them back.';
  static override examples = [
    '<%= config.bin %> token legacy -A',
    '<%= config.bin %> token legacy -n ci -o json',
    '<%= config.bin %> token legacy -n ci --migrate',
    '<%= config.bin %> token legacy -n ci --migrate --yes',
    '<%= config.bin %> token legacy --undo ~/.local/state/kubectl-sa/backups/20261201T152233Z-3fa9c1 --yes',
  ];
  static override flags = {
    migrate: Flags.boolean({
      description: 'Plan the migration to projected tokens (a dry run unless --yes).',
      default: false,
      helpGroup: 'MIGRATE',
    }),
    yes: Flags.boolean({
      char: 'y',
      description: 'Make the changes of --migrate or --undo, without asking.',
      default: false,
      helpGroup: 'MIGRATE',
    }),
    'unused-for': Flags.string({
      description:
        'Delete a token Secret no pod reads only when no client has used it for this long (its last-used label), e.g. 30d, 0 for no wait.',
      default: '30d',
      helpGroup: 'MIGRATE',
    }),
    'backup-dir': Flags.string({
      description: 'Where --migrate --yes saves the objects it changes (default: $XDG_STATE_HOME/kubectl-sa/backups).',
      helpGroup: 'MIGRATE',
    }),
    undo: Flags.string({
      description: 'Restore the objects saved in this backup folder, of --migrate or of a fix (a dry run unless --yes).',
      helpGroup: 'MIGRATE',
    }),
    ...clusterFlags,
    ...outputFlag(legacyTokenPrinters.formats),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TokenLegacyCommand);
    if (flags.migrate && flags.undo !== undefined) throw new UsageError('--migrate and --undo do not go together');
    if (flags.yes && !flags.migrate && flags.undo === undefined) throw new UsageError('--yes applies to --migrate or --undo');
    const unusedForDays = parseDays(flags['unused-for']);
    const connection = await this.connect(flags);
    // The use cases read and write the cluster: they load with the cluster client, when this command runs.
    const { migrateLegacyTokens, undoFromBackup } = await import('../../app/token-migrate.js');
    const { clusterWriterFor } = await import('../../app/fix-live.js');
    const { defaultBackupRoot } = await import('../../fixes/backup.js');
    const refused = (results: readonly ChangeResult[]) =>
      results.some((result) => result.result === 'conflict' || result.result === 'refused');
    if (flags.undo !== undefined) {
      const outcome = await undoFromBackup(await clusterWriterFor(connection), { backupDir: flags.undo, apply: flags.yes });
      await this.print(undoPrinters, outcome, flags.output);
      if (refused(outcome.results)) this.setExitCode(ExitCode.cluster);
      return;
    }
    const scope = { namespace: connection.namespace, defaultNamespace: connection.defaultNamespace };
    if (flags.migrate) {
      const backupRoot = flags['backup-dir'] ?? defaultBackupRoot(this.io.env);
      const outcome = await migrateLegacyTokens(connection.client, await clusterWriterFor(connection), {
        ...scope,
        unusedForDays,
        apply: flags.yes,
        backupRoot,
        command: ['kubectl', 'sa', 'token', 'legacy', ...this.argv].join(' '),
        context: connection.kubeConfig.contextName,
        now: new Date(),
      });
      this.report({ notes: outcome.notes, warnings: [] });
      await this.print(migrationPrinters, { outcome, undoCommand: (dir) => `kubectl sa token legacy --undo ${dir} --yes` }, flags.output);
      if (refused(outcome.results)) this.setExitCode(ExitCode.cluster);
      return;
    }
    const { readLegacyTokens } = await import('../../app/token-legacy.js');
    const { report } = await readLegacyTokens(connection.client, scope);
    this.report({ notes: report.notes, warnings: [] });
    if (report.items.length === 0 && flags.output === 'table') {
      this.io.stderr.write(`No legacy token Secrets found${report.namespace === null ? '' : ` in ${report.namespace} namespace`}.\n`);
      return;
    }
    await this.print(legacyTokenPrinters, { report, now: new Date() }, flags.output);
  }
}

/** `30d`, `720h`, `0`: a whole number of days. */
function parseDays(value: string): number {
  const match = /^(\d+)(d|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`invalid --unused-for "${value}": use days such as 30d (or hours such as 720h, or 0)`);
  const amount = Number(match[1]);
  return match[2] === 'h' ? Math.ceil(amount / 24) : amount;
}
