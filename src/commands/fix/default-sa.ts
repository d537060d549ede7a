import { FixCommand } from '../../cli/fix-command.js';
import { targetedFixFlags } from '../../cli/fix-command-flags.js';

export default class FixDefaultSa extends FixCommand {
  static override summary = "Set automountServiceAccountToken: false on the namespaces' default ServiceAccounts.";
  static override description =
    'Every `default` ServiceAccount in scope (-n, the context namespace, or -A; with -f the ones the manifests declare) ' +
    'stops mounting its token into pods that do not ask for it. Where a default ServiceAccount holds permissions, ' +
    'the workloads running as it are opted in explicitly, so none loses a token it uses. Prints the plan and diff; ' +
    'changes only with --write (files) or --dry-run=none (cluster), after --yes or a confirmation.';
  static override examples = [
    '<%= config.bin %> fix default-sa -n shop',
    '<%= config.bin %> fix default-sa -A --dry-run=none --yes',
    '<%= config.bin %> fix default-sa -f k8s/ --write',
  ];
  static override flags = targetedFixFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(FixDefaultSa);
    const { planDefaultSa } = await import('../../app/fix-targets.js');
    const options = this.targetedOptions(flags);
    const outcome = await planDefaultSa({
      ...options,
      // Files are read whole; -n then narrows what is fixed. A live read is already scoped by -n.
      namespace: options.input.paths.length > 0 && !flags['all-namespaces'] ? flags.namespace : undefined,
    });
    this.report(outcome);
    await this.carryOut(outcome.data, flags, []);
  }
}
