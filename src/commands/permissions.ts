import { permissionsOf } from '../app/permissions.js';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { requireServiceAccount, serviceAccountArg, serviceAccountFlag } from '../cli/service-account-ref.js';
import { ExitCode } from '../errors/kubectl-sa-error.js';
import { permissionsPrinters } from '../report/permissions-report.js';

export default class PermissionsCommand extends KubectlSaCommand {
  static override summary = "Show a ServiceAccount's effective RBAC rules, grouped by the binding and role that grant them.";
  static override description =
    'Every rule the ServiceAccount holds, directly or through its groups (system:serviceaccounts, ' +
    "system:serviceaccounts:NS, system:authenticated), cluster-wide or per namespace, Kubernetes' default RBAC " +
    'included; then its privilege-escalation risk facts and the other ServiceAccounts it can become. Exit 0; ' +
    'exit 4 when RBAC objects that could grant it more could not be read (forbidden, not served).';
  static override examples = [
    '<%= config.bin %> permissions monitoring:prometheus-k8s -f kube-prometheus/manifests/',
    '<%= config.bin %> permissions --sa system:serviceaccount:argocd:argocd-server -f install.yaml -o json',
  ];
  static override args = serviceAccountArg;
  static override flags = {
    ...serviceAccountFlag,
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(permissionsPrinters.formats),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PermissionsCommand);
    const serviceAccount = requireServiceAccount(args.serviceAccount, flags.sa, 'kubectl sa permissions kube-system:coredns -f manifests/');
    const outcome = await permissionsOf({ input: this.inputFrom(flags), serviceAccount, defaultRbac: flags['default-rbac'] });
    this.report(outcome);
    await this.print(permissionsPrinters, outcome.data, flags.output);
    if (!outcome.data.complete) this.setExitCode(ExitCode.unknown);
  }
}
