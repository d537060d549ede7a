import { Args, Flags } from '@oclif/core';
import { whoCanAnswer } from '../app/who-can.js';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { ExitCode } from '../errors/kubectl-sa-error.js';
import { whoCanPrinters } from '../report/who-can-report.js';

export default class WhoCanCommand extends KubectlSaCommand {
  static override summary = 'List every subject allowed to perform an action, and the binding that allows it.';
  static override description =
    'The reverse of can-i: ServiceAccounts first, then users and groups, each with the binding and role that ' +
    "grant the action, Kubernetes' default RBAC included. -n checks one namespace (default: default); -A " +
    'counts RoleBindings of every namespace. Exit 0; exit 4 when RBAC objects that could allow the action ' +
    'could not be read (forbidden, not served): the subjects listed are allowed, and more may be.';
  static override examples = [
    '<%= config.bin %> who-can get secrets -n kube-system -f manifests/',
    '<%= config.bin %> who-can create pods --subresource exec -A -f manifests/',
    '<%= config.bin %> who-can get /metrics -f manifests/ -o json',
  ];
  static override args = {
    verb: Args.string({ description: 'The verb.', required: true, ignoreStdin: true }),
    target: Args.string({ description: 'TYPE[.GROUP][/NAME] or a non-resource URL starting with /.', required: true, ignoreStdin: true }),
  };
  static override flags = {
    subresource: Flags.string({ description: 'The subresource, such as exec, log, status, token, proxy.' }),
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(whoCanPrinters.formats),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(WhoCanCommand);
    const outcome = await whoCanAnswer({
      input: this.inputFrom(flags),
      verb: args.verb,
      target: args.target,
      subresource: flags.subresource,
      defaultRbac: flags['default-rbac'],
    });
    this.report(outcome);
    await this.print(whoCanPrinters, outcome.data, flags.output);
    // An incomplete list is still printed, but a script must tell it from a complete one ("nobody" above all).
    if (!outcome.data.complete) this.setExitCode(ExitCode.unknown);
  }
}
