import { KubectlSaCommand } from '../../cli/base-command.js';
import { clusterFlags, outputFlag } from '../../cli/flags.js';
import { writeNotes } from '../../cli/notes.js';
import { renderLegacyTokens } from '../../report/legacy-token-report.js';

export default class TokenLegacyCommand extends KubectlSaCommand {
  static override summary =
    'List legacy (never-expiring) ServiceAccount token Secrets, when they were last used, and the pods that mount them.';
  static override description =
    'Every Secret of type kubernetes.io/service-account-token in the namespace (-n, the context’s) or all of them (-A), ' +
    'with its ServiceAccount, age, the API server’s kubernetes.io/legacy-token-last-used and ' +
    'kubernetes.io/legacy-token-invalid-since labels, and the workloads whose pods or templates read it (volumes, env). ' +
    'Only metadata is read: no token value leaves the API server.';
  static override examples = ['<%= config.bin %> token legacy -A', '<%= config.bin %> token legacy -n ci -o json'];
  static override flags = { ...clusterFlags, ...outputFlag(['table', 'json', 'yaml']) };

  async run(): Promise<void> {
    const { flags } = await this.parse(TokenLegacyCommand);
    const connection = await this.connect(flags);
    // The use case reads the cluster: it loads with the cluster client, when this command runs.
    const { readLegacyTokens } = await import('../../app/token-legacy.js');
    const { report } = await readLegacyTokens(connection.client, {
      namespace: connection.namespace,
      defaultNamespace: connection.defaultNamespace,
    });
    writeNotes(report.notes, process.stderr);
    if (report.items.length === 0 && flags.output === 'table') {
      process.stderr.write(`No legacy token Secrets found${report.namespace === null ? '' : ` in ${report.namespace} namespace`}.\n`);
      return;
    }
    this.emit(renderLegacyTokens(report, flags.output as 'table' | 'json' | 'yaml', new Date()));
  }
}
