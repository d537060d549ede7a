import { Flags } from '@oclif/core';
import { auditLogFlag, expectationFlags, progressBar } from '../cli/audit-log-flags.js';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { parseServiceAccountRef, serviceAccountFlag } from '../cli/service-account-ref.js';
import { NoClusterConfigError, UsageError } from '../errors/kubectl-sa-error.js';
import { usagePrinters } from '../report/usage-report.js';

export default class UsageCommand extends KubectlSaCommand {
  static override summary = 'What ServiceAccounts really do, from the audit log: requests, alerts, unused identities and unused rights.';
  static override description =
    'Reads Kubernetes audit logs (JSON lines of audit.k8s.io/v1 Events, plain or gzip; files, folders of rotated logs, or - ' +
    'for stdin), streaming, and reports per ServiceAccount every request by verb, group, resource, namespace and name with ' +
    'counts, first and last seen and what RBAC decided, the pods and nodes its tokens were bound to, and alerts: calls by a ' +
    "namespace's default ServiceAccount, Secrets read, requests RBAC denied, legacy tokens in use, calls from unexpected clients " +
    'or addresses. Joined with the inventory (-f, or the live cluster), it also lists ServiceAccounts that made no request in the ' +
    "log's window and rights granted but never used, each with its binding and role. --sa shows one ServiceAccount in full.";
  static override examples = [
    '<%= config.bin %> usage --audit-log /var/log/kubernetes/audit/ -A',
    '<%= config.bin %> usage --audit-log audit.log.gz -f manifests/ -o markdown',
    '<%= config.bin %> usage --audit-log audit.log --sa shop:cart -f manifests/',
    '<%= config.bin %> usage --audit-log audit.log --log-only --expect-source-ip 10.0.0.0/8 --expect-user-agent "shop:cart=cart/*"',
    'zcat audit-*.log.gz | <%= config.bin %> usage --audit-log - --log-only -o json',
  ];
  static override flags = {
    ...auditLogFlag,
    ...expectationFlags,
    ...serviceAccountFlag,
    'log-only': Flags.boolean({
      description: 'Read the audit log alone: no inventory, so no unused ServiceAccounts and no unused grants (and no cluster access).',
      default: false,
    }),
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(usagePrinters.formats),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(UsageCommand);
    const paths = flags['audit-log'] ?? [];
    if (paths.length === 0) {
      throw new UsageError('which audit log? pass --audit-log PATH', {
        hint: 'for example: kubectl sa usage --audit-log /var/log/kubernetes/audit.log -A',
      });
    }
    if (flags['log-only'] && (flags.filename?.length ?? 0) > 0)
      throw new UsageError('--log-only reads no inventory; it cannot be combined with -f');
    if (paths.includes('-') && (flags.filename ?? []).includes('-'))
      throw new UsageError('stdin can feed either --audit-log - or -f -, not both');
    // The log reader (zlib), address checks (net) and the cluster source load only when usage runs.
    const { expectationsFrom } = await import('../cli/usage-expectations.js');
    const { auditUsage } = await import('../app/audit-usage.js');
    const progress = progressBar(this.io.stderr);
    try {
      const outcome = await auditUsage({
        auditLog: { paths, expectations: expectationsFrom(flags), onProgress: progress.onProgress, stdin: this.io.stdin },
        input: flags['log-only'] ? undefined : this.inputFrom(flags),
        defaultRbac: flags['default-rbac'],
        allNamespaces: flags['all-namespaces'],
        serviceAccount: flags.sa ? parseServiceAccountRef(flags.sa) : undefined,
      });
      progress.done();
      this.report(outcome);
      await this.print(usagePrinters, { report: outcome.data, detail: flags.sa !== undefined }, flags.output);
    } catch (error) {
      // Unlike the other commands, usage has something to say without any inventory.
      if (error instanceof NoClusterConfigError)
        throw new NoClusterConfigError(error.message, { hint: `${error.hint ?? ''}; or read the audit log alone with --log-only` });
      throw error;
    } finally {
      progress.done();
    }
  }
}
