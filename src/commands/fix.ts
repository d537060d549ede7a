import { Flags } from '@oclif/core';
import { FixCommand } from '../cli/fix-command.js';
import { fixActionFlags } from '../cli/fix-flags.js';
import { clusterFlags, inputFlags, manifestPathsArg, outputFlag, rbacFlags } from '../cli/flags.js';
import { exemptionFlags, exemptionOptionsFrom, loadOptionsFrom, policySelectionFlags } from '../cli/policy-flags.js';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { isSeverity, severities } from '../policy/pack-types.js';
import { fixPrinters } from '../report/fix-report.js';

export default class Fix extends FixCommand {
  static override summary = 'Fix the findings that have an automatic fix: a plan and a diff first, changes only when asked.';
  static override description =
    "Scans like `kubectl sa scan`, then plans the fix every finding's rule names (JSON Patch defined in the policy " +
    'packs) and prints the plan and the diff. Files: --write rewrites the manifests in place, keeping comments, key ' +
    'order and every other document. Cluster: a server-side dry run by default; --dry-run=none patches, with a ' +
    'resourceVersion precondition and field manager kubectl-sa. Nothing changes without --yes or a confirmation at ' +
    'the terminal; every change is backed up first (undo with --undo BACKUP).';
  static override examples = [
    '<%= config.bin %> fix -f k8s/',
    '<%= config.bin %> fix -f k8s/ --rule SA001 --write --yes',
    '<%= config.bin %> fix -n shop',
    '<%= config.bin %> fix -A --severity high --dry-run=none',
    '<%= config.bin %> fix -n shop --emit-script > fix-shop.sh',
    '<%= config.bin %> fix --undo ~/.local/state/kubectl-sa/backups/20260101T120000Z-1a2b3c',
  ];
  static override strict = false;
  static override args = manifestPathsArg;
  static override flags = {
    ...inputFlags,
    ...clusterFlags,
    rule: Flags.string({ description: 'Fix only the findings of this rule; repeatable.', multiple: true, multipleNonGreedy: true }),
    severity: Flags.string({ description: 'Fix only findings at or above this severity.', options: [...severities] }),
    ...fixActionFlags,
    undo: Flags.string({ description: 'Restore what a fix changed, from the backup folder it printed.', helpGroup: 'FIX' }),
    ...outputFlag(fixPrinters.formats),
    ...policySelectionFlags,
    ...exemptionFlags,
    ...rbacFlags,
    now: Flags.string({ description: 'Evaluate as of this time (RFC 3339).', hidden: true }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Fix);
    if (flags.undo) return this.undo(flags.undo, flags);
    const now = flags.now ? new Date(flags.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now: not a date: ${flags.now}`);
    const input = this.inputFrom(flags, argv as string[]);
    const { planFix } = await import('../app/fix.js');
    const outcome = await planFix({
      input,
      policies: loadOptionsFrom(flags),
      ...exemptionOptionsFrom(flags),
      now,
      defaultRbac: flags['default-rbac'],
      selection: {
        rules: flags.rule?.map((rule) => rule.toUpperCase()),
        minSeverity: flags.severity && isSeverity(flags.severity) ? flags.severity : undefined,
        // Files are read whole; -n then narrows what is fixed. A live read is already scoped by -n.
        namespace: input.paths.length > 0 && !flags['all-namespaces'] ? flags.namespace : undefined,
      },
    });
    this.report(outcome);
    await this.carryOut(outcome.data, flags, argv as string[]);
  }
}
