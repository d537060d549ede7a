import { Args, Flags } from '@oclif/core';
import { findPolicyRule, listPolicyTargets } from '../../app/policy-packs.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { outputFlag } from '../../cli/flags.js';
import { loadOptionsFrom, policySelectionFlags } from '../../cli/policy-flags.js';
import { UsageError } from '../../errors/kubectl-sa-error.js';
import { policyRulePrinters, policyTargetsPrinters } from '../../report/policy-report.js';

export default class PolicyShow extends KubectlSaCommand {
  static override summary = 'Show one rule (what it checks, its schemas, remediation, where it is defined), or the derived targets.';
  static override examples = [
    '<%= config.bin %> policy show SA001',
    '<%= config.bin %> policy show RBAC005 -o yaml',
    '<%= config.bin %> policy show --targets',
  ];
  static override args = { id: Args.string({ description: 'The rule id, e.g. SA001.', required: false, ignoreStdin: true }) };
  static override flags = {
    ...policySelectionFlags,
    targets: Flags.boolean({
      description: 'List the derived targets rules can judge, their schemas and fields, and the risk facts the packs declare.',
      default: false,
    }),
    ...outputFlag(policyRulePrinters.formats),
  };

  async run(): Promise<void> {
    const { flags, args } = await this.parse(PolicyShow);
    if (flags.targets) {
      const targets = await listPolicyTargets(loadOptionsFrom(flags));
      return this.print(policyTargetsPrinters, targets.data, flags.output);
    }
    if (!args.id) throw new UsageError('which rule? give a rule id, or --targets', { hint: 'list rules with: kubectl sa policy list' });
    const outcome = await findPolicyRule(args.id, loadOptionsFrom(flags));
    await this.print(policyRulePrinters, outcome.data, flags.output);
  }
}
