import { KubectlSaCommand } from '../cli/base-command.js';
import { rbacResources } from '../sources/cluster/read-cluster.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { rbacModelFor } from '../cli/rbac-input.js';
import { requireServiceAccount, serviceAccountArg, serviceAccountFlag } from '../cli/service-account-ref.js';
import { serviceAccountRbac } from '../rbac/service-account-rbac.js';
import { renderPermissions } from '../report/permissions-report.js';

export default class PermissionsCommand extends KubectlSaCommand {
  static override summary = "Show a ServiceAccount's effective RBAC rules, grouped by the binding and role that grant them.";
  static override description =
    'Every rule the ServiceAccount holds, directly or through its groups (system:serviceaccounts, ' +
    "system:serviceaccounts:NS, system:authenticated), cluster-wide or per namespace, Kubernetes' default RBAC " +
    'included; then its privilege-escalation risk facts and the other ServiceAccounts it can become.';
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
    ...outputFlag(['table', 'json', 'yaml']),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PermissionsCommand);
    const { namespace, name } = requireServiceAccount(
      args.serviceAccount,
      flags.sa,
      'kubectl sa permissions kube-system:coredns -f manifests/',
    );
    const inventory = await this.loadInventory(flags, [], { resources: rbacResources });
    const model = rbacModelFor(inventory, flags);
    const found = inventory.findServiceAccount(namespace, name) !== undefined;
    const result = serviceAccountRbac(model, namespace, name);
    this.emit(
      renderPermissions(
        {
          apiVersion: 'kubectl-sa.dev/v1',
          kind: 'ServiceAccountPermissions',
          defaultRbac: model.defaultRbacVersion ?? null,
          found,
          ...result,
        },
        flags.output as 'table' | 'json' | 'yaml',
      ),
    );
  }
}
