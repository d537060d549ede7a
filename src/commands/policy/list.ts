import { Command } from '@oclif/core';
import { outputFlag } from '../../cli/flags.js';
import { loadOptionsFrom, policySelectionFlags } from '../../cli/policy-flags.js';
import { loadPolicies } from '../../policy/pack-loader.js';
import { toJson, toYaml } from '../../report/serialize.js';
import { renderTable } from '../../report/table.js';

export default class PolicyList extends Command {
  static override summary = 'List the rules of the loaded policy packs.';
  static override examples = ['<%= config.bin %> policy list', '<%= config.bin %> policy list --policy my-pack.yaml -o json'];
  static override flags = { ...policySelectionFlags, ...outputFlag(['table', 'json', 'yaml']) };

  async run(): Promise<void> {
    const { flags } = await this.parse(PolicyList);
    const { packs } = await loadPolicies(loadOptionsFrom(flags));
    const rules = packs.flatMap((pack) =>
      pack.rules.map((rule) => ({
        id: rule.id,
        severity: rule.severity,
        target: rule.target,
        pack: pack.name,
        version: pack.version,
        title: rule.title,
        fix: rule.spec.fix ?? null,
      })),
    );
    if (flags.output === 'json') process.stdout.write(toJson({ apiVersion: 'kubectl-sa.dev/v1', kind: 'PolicyRuleList', items: rules }));
    else if (flags.output === 'yaml')
      process.stdout.write(toYaml({ apiVersion: 'kubectl-sa.dev/v1', kind: 'PolicyRuleList', items: rules }));
    else
      process.stdout.write(
        renderTable(
          ['id', 'severity', 'target', 'pack', 'title'],
          rules.map((rule) => [rule.id, rule.severity, rule.target, rule.pack, rule.title]),
        ),
      );
  }
}
