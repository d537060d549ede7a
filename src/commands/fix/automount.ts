import { Args } from '@oclif/core';
import { FixCommand } from '../../cli/fix-command.js';
import { targetedFixFlags } from '../../cli/fix-command-flags.js';

export default class FixAutomount extends FixCommand {
  static override summary = 'Opt a workload or ServiceAccount out of token automount where no token is needed, or a pod in where it is.';
  static override description =
    'WORKLOAD (deploy/NAME, sts/NAME, cronjob/NAME…): when its ServiceAccount holds no permissions beyond every ' +
    "identity's and no cloud identity, `automountServiceAccountToken: false` goes in its pod template; when the " +
    'ServiceAccount opts out although it holds permissions, the pods are opted in explicitly (they need the API). ' +
    'sa/NAME: the ServiceAccount itself opts out when none of its pods can use a token.';
  static override examples = [
    '<%= config.bin %> fix automount deploy/web -n shop',
    '<%= config.bin %> fix automount sa/builder -n ci --dry-run=none --yes',
    '<%= config.bin %> fix automount cronjob/nightly -f k8s/ --write',
  ];
  static override args = {
    target: Args.string({ description: 'KIND/NAME: a workload, or sa/NAME.', required: true, ignoreStdin: true }),
  };
  static override flags = targetedFixFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FixAutomount);
    const { planAutomount } = await import('../../app/fix-targets.js');
    const outcome = await planAutomount({
      ...this.targetedOptions(flags),
      target: args.target,
      namespace: flags.namespace,
    });
    this.report(outcome);
    await this.carryOut(outcome.data, flags, []);
  }
}
