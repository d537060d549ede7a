import { Flags } from '@oclif/core';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, manifestPathsArg, outputFlag, rbacFlags, type OutputFormat } from '../cli/flags.js';
import { loadOptionsFrom, policySelectionFlags } from '../cli/policy-flags.js';
import { rbacForInventory } from '../cli/rbac-input.js';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import { loadExemptions, loadPolicies } from '../policy/pack-loader.js';
import { severities } from '../policy/pack-types.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { buildScanReport, type FailOn } from '../report/scan-report.js';
import { renderScanTable } from '../report/scan-table.js';
import { toJson, toYaml } from '../report/serialize.js';

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
    '<%= config.bin %> scan -f k8s/ --policy policies/acme.yaml --skip-rule SA009 --fail-on critical',
  ];
  static override strict = false;
  static override args = manifestPathsArg;
  static override flags = {
    ...inputFlags,
    ...clusterFlags,
    ...outputFlag(['table', 'json', 'yaml', 'sarif', 'junit', 'markdown']),
    ...policySelectionFlags,
    'fail-on': Flags.string({
      description: 'Exit 1 when a finding is at or above this severity.',
      options: [...severities, 'none'],
      default: 'high',
    }),
    exemptions: Flags.string({ description: 'An Exemptions file: rule, object selector, reason, optional expiry.', helpGroup: 'POLICY' }),
    ...rbacFlags,
    now: Flags.string({ description: 'Evaluate as of this time (RFC 3339); for reproducible reports.', hidden: true }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Scan);
    const now = flags.now ? new Date(flags.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now: not a date: ${flags.now}`);
    // Packs first: a broken pack is reported before any manifest is read.
    const { packs } = await loadPolicies(loadOptionsFrom(flags));
    const exemptions = flags.exemptions ? await loadExemptions(flags.exemptions) : [];
    const inventory = await this.loadInventory(flags, argv as string[]);
    // The shipped default RBAC also tells which input bindings are Kubernetes' own (judged apart), with
    // or without --default-rbac and on a live cluster alike.
    const rbac = rbacForInventory(inventory, { defaultRbac: flags['default-rbac'], stderr: process.stderr });
    const evaluation = evaluatePolicies(inventory, packs, { now, rbac, exemptions });
    const report = buildScanReport(inventory, packs, evaluation, flags['fail-on'] as FailOn);

    for (const expired of report.expiredExemptions) {
      process.stderr.write(
        `warning: ${expired.source.file}:${expired.source.line}: exemption for ${expired.rules.join(', ')} expired on ${expired.expires ?? '?'} and no longer applies\n`,
      );
    }
    this.emit(this.render(report, packs, flags.output as OutputFormat));
    if (report.summary.failed) process.exitCode = 1;
  }

  private render(report: ReturnType<typeof buildScanReport>, packs: Parameters<typeof renderSarif>[1], format: OutputFormat): string {
    switch (format) {
      case 'json':
        return toJson(report);
      case 'yaml':
        return toYaml(report);
      case 'sarif': {
        const sarif = renderSarif(report, packs, this.config.version, process.cwd());
        if (sarif.unlocated > 0) {
          process.stderr.write(
            `warning: ${sarif.unlocated} finding(s) are left out of the SARIF output: no file holds their object (cluster, stdin or an implicit ServiceAccount), and GitHub code scanning rejects results without one; -o json lists them\n`,
          );
        }
        return sarif.text;
      }
      case 'junit':
        return renderJunit(report, packs);
      case 'markdown':
        return renderMarkdown(report);
      default:
        return renderScanTable(report, { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
    }
  }
}
