import { listPolicyRules } from '../../app/policy-packs.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { outputFlag } from '../../cli/flags.js';
import { loadOptionsFrom, policySelectionFlags } from '../../cli/policy-flags.js';
import { policyRuleListPrinters } from '../../report/policy-report.js';

export default class PolicyList extends KubectlSaCommand {
  static override summary = 'List the rules of the loaded policy packs.';
  static override examples = ['<%= config.bin %> policy list', '<%= config.bin %> policy list --policy my-pack.yaml -o json'];
  static override flags = { ...policySelectionFlags, ...outputFlag(policyRuleListPrinters.formats) };

  async run(): Promise<void> {
    const { flags } = await this.parse(PolicyList);
    const outcome = await listPolicyRules(loadOptionsFrom(flags));
    await this.print(policyRuleListPrinters, outcome.data, flags.output);
  }
}
