import { Args } from '@oclif/core';
import { findPolicyRule } from '../../app/policy-packs.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { outputFlag } from '../../cli/flags.js';
import { loadOptionsFrom, policySelectionFlags } from '../../cli/policy-flags.js';
import { policyRulePrinters } from '../../report/policy-report.js';

export default class PolicyShow extends KubectlSaCommand {
  static override summary = 'Show one rule: what it checks, its schemas, remediation and where it is defined.';
  static override examples = ['<%= config.bin %> policy show SA001', '<%= config.bin %> policy show RBAC005 -o yaml'];
  static override args = { id: Args.string({ description: 'The rule id, e.g. SA001.', required: true, ignoreStdin: true }) };
  static override flags = { ...policySelectionFlags, ...outputFlag(policyRulePrinters.formats) };

  async run(): Promise<void> {
    const { flags, args } = await this.parse(PolicyShow);
    const outcome = await findPolicyRule(args.id, loadOptionsFrom(flags));
    this.print(policyRulePrinters, outcome.data, flags.output);
  }
}
