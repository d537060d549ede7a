import { Args, Flags } from '@oclif/core';
import { FixCommand } from '../../cli/fix-command.js';
import { targetedFixFlags } from '../../cli/fix-command-flags.js';

export default class FixDedicatedSa extends FixCommand {
  static override summary =
    'Give a workload a ServiceAccount of its own: created with automount off, the workload pointed at it, its bindings carried over.';
  static override description =
    'One plan: a ServiceAccount named after the workload (or --name) with automountServiceAccountToken: false, the ' +
    "workload's serviceAccountName set to it, and every RoleBinding/ClusterRoleBinding that named its old " +
    'ServiceAccount extended to the new one (the old subject stays: other pods may run as it). When such bindings ' +
    'exist the pods are opted in to a token explicitly, since the workload uses those permissions.';
  static override examples = [
    '<%= config.bin %> fix dedicated-sa deploy/cart -n shop',
    '<%= config.bin %> fix dedicated-sa deploy/cart -n shop --name cart-api --dry-run=none --yes',
    '<%= config.bin %> fix dedicated-sa cronjob/nightly-report -f k8s/ --write',
  ];
  static override args = {
    target: Args.string({
      description: 'KIND/NAME of the workload (deploy/NAME, sts/NAME, cronjob/NAME…).',
      required: true,
      ignoreStdin: true,
    }),
  };
  static override flags = {
    ...targetedFixFlags,
    name: Flags.string({ description: 'Name of the new ServiceAccount (default: the workload’s name).' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FixDedicatedSa);
    const { planDedicatedSa } = await import('../../app/fix-targets.js');
    const outcome = await planDedicatedSa({
      ...this.targetedOptions(flags),
      target: args.target,
      namespace: flags.namespace,
      name: flags.name,
    });
    this.report(outcome);
    await this.carryOut(outcome.data, flags, []);
  }
}
