import { Flags } from '@oclif/core';
import { auditLogFlag, progressBar } from '../cli/audit-log-flags.js';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, manifestPathsArg, outputFlag, rbacFlags } from '../cli/flags.js';
import { exemptionFlags, exemptionOptionsFrom, loadOptionsFrom, policySelectionFlags } from '../cli/policy-flags.js';
import { scan } from '../app/scan.js';
import { ExitCode, UsageError } from '../errors/kubectl-sa-error.js';
import { severities } from '../policy/pack-types.js';
import type { FailOn } from '../report/scan-report.js';
import { scanPrinters } from '../report/scan-printers.js';

export default class Scan extends KubectlSaCommand {
  static override summary = 'Audit ServiceAccounts, tokens and RBAC in manifests or a live cluster with the policy packs.';
  static override description =
    'Runs the built-in packs (and any --policy packs) over the objects read from files, folders or stdin, and ' +
    'prints findings most severe first, each with rule id, object, file:line, message and why it failed. ' +
    'Exit code 0 when nothing is at or above --fail-on, 1 when something is, 2 for bad input or packs.';
  static override examples = [
    '<%= config.bin %> scan -f manifests/',
    'helm template my-release ./chart | <%= config.bin %> scan -',
    '<%= config.bin %> scan install.yaml -o sarif > kubectl-sa.sarif',
    '<%= config.bin %> scan -f k8s/ --policy examples/policies/custom-pack.yaml --skip-rule SA009 --fail-on critical',
    '<%= config.bin %> scan -A --audit-log /var/log/kubernetes/audit/   # the usage rules too: what ServiceAccounts did',
  ];
  static override strict = false;
  static override args = manifestPathsArg;
  static override flags = {
    ...inputFlags,
    ...clusterFlags,
    ...outputFlag(scanPrinters.formats),
    ...policySelectionFlags,
    'fail-on': Flags.string({
      description: 'Exit 1 when a finding is at or above this severity.',
      options: [...severities, 'none'],
      default: 'high',
    }),
    ...exemptionFlags,
    ...rbacFlags,
    ...auditLogFlag,
    now: Flags.string({ description: 'Evaluate as of this time (RFC 3339); for reproducible reports.', hidden: true }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Scan);
    const now = flags.now ? new Date(flags.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now: not a date: ${flags.now}`);
    const auditLogs = flags['audit-log'] ?? [];
    const paths = [...(flags.filename ?? []), ...(argv as string[])];
    if (auditLogs.includes('-') && paths.includes('-'))
      throw new UsageError('stdin can feed either --audit-log - or the manifests (-), not both');
    const progress = progressBar(this.io.stderr);
    const outcome = await scan({
      input: this.inputFrom(flags, argv as string[]),
      policies: loadOptionsFrom(flags),
      ...exemptionOptionsFrom(flags),
      failOn: flags['fail-on'] as FailOn,
      now,
      defaultRbac: flags['default-rbac'],
      auditLog: auditLogs.length > 0 ? { paths: auditLogs, stdin: this.io.stdin, onProgress: progress.onProgress } : undefined,
      locateFields: flags.output === 'json' || flags.output === 'yaml',
      // The table prints no finding's details or field: its findings need not keep what those are made from.
      keepDocuments: flags.output !== 'table',
    }).finally(() => progress.done());
    this.report(outcome);
    await this.print(scanPrinters, outcome.data, flags.output);
    if (outcome.data.report.summary.failed) this.setExitCode(ExitCode.findings);
  }
}
