import { Flags } from '@oclif/core';
import { KubectlSaCommand } from '../cli/base-command.js';
import { rbacResources } from '../sources/cluster/read-cluster.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { rbacModelFor, resourceTableFor } from '../cli/rbac-input.js';
import { requireServiceAccount, serviceAccountArg, serviceAccountFlag } from '../cli/service-account-ref.js';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { authorize, serviceAccountIdentity } from '../rbac/authorize.js';
import { compareText } from '../rbac/rbac-model.js';
import { renderMatrix, type MatrixCell, type MatrixReport } from '../report/matrix-report.js';

const defaultVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

export default class MatrixCommand extends KubectlSaCommand {
  static override summary = 'Print a resource × verb access matrix for a ServiceAccount, like rakkess.';
  static override description =
    "Checks every verb on every resource Kubernetes defines (and the input's CRDs). With -n, namespaced " +
    'resources in that namespace; without it, every resource cluster-wide, where only ClusterRoleBindings count. ' +
    'Cells: ✔ allowed, ✖ denied, empty when the resource does not support the verb (coloured on a terminal ' +
    'unless NO_COLOR is set). --subresources adds pods/exec, serviceaccounts/token and the like.';
  static override examples = [
    '<%= config.bin %> matrix monitoring:prometheus-k8s -n monitoring -f manifests/',
    '<%= config.bin %> matrix --sa argocd:argocd-server --verbs get,list,create,delete -f install.yaml',
    '<%= config.bin %> matrix ci:deployer -n ci --subresources --verbs get,create -f manifests/',
  ];
  static override args = serviceAccountArg;
  static override flags = {
    ...serviceAccountFlag,
    verbs: Flags.string({ description: 'Comma-separated verbs to show as columns.', default: defaultVerbs.join(',') }),
    subresources: Flags.boolean({
      description: 'Add a row for every subresource (pods/exec, serviceaccounts/token, nodes/proxy…).',
      default: false,
    }),
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(['table', 'json', 'yaml']),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MatrixCommand);
    const { namespace: saNamespace, name } = requireServiceAccount(
      args.serviceAccount,
      flags.sa,
      'kubectl sa matrix kube-system:coredns -f manifests/',
    );
    const verbs = flags.verbs
      .split(',')
      .map((verb) => verb.trim())
      .filter((verb) => verb !== '');
    if (verbs.length === 0) throw new UsageError('--verbs lists no verb', { hint: 'for example --verbs get,list,create' });
    const inventory = await this.loadInventory(flags, [], { resources: rbacResources });
    const model = rbacModelFor(inventory, flags);
    const namespace = flags['all-namespaces'] ? '' : (flags.namespace ?? '');
    const identity = serviceAccountIdentity(saNamespace, name);

    const resources = (await resourceTableFor(inventory, this.clusterConnection))
      .filter((resource) => namespace === '' || resource.namespaced)
      .sort((a, b) => compareText(a.plural, b.plural) || compareText(a.group, b.group));
    const seen = new Set<string>();
    const rows: MatrixReport['rows'][number][] = [];
    for (const resource of resources) {
      const key = `${resource.plural}.${resource.group}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Subresource verbs are not in the discovery data we hold, so their rows check every verb.
      for (const subresource of ['', ...(flags.subresources ? resource.subresources : [])]) {
        const access: Record<string, MatrixCell> = {};
        for (const verb of verbs) {
          if (subresource === '' && !resource.verbs.includes(verb)) access[verb] = 'n/a';
          else {
            const request = {
              ...identity,
              verb,
              apiGroup: resource.group,
              resource: resource.plural,
              ...(subresource ? { subresource } : {}),
              ...(namespace && resource.namespaced ? { namespace } : {}),
            };
            access[verb] = authorize(model, request).allowed ? 'allowed' : 'denied';
          }
        }
        rows.push({
          resource: resource.plural,
          group: resource.group,
          ...(subresource ? { subresource } : {}),
          namespaced: resource.namespaced,
          access,
        });
      }
    }
    const report: MatrixReport = {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'AccessMatrix',
      serviceAccount: { kind: 'ServiceAccount', namespace: saNamespace, name },
      namespace,
      verbs,
      rows,
      defaultRbac: model.defaultRbacVersion ?? null,
    };
    this.emit(
      renderMatrix(report, flags.output as 'table' | 'json' | 'yaml', { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }),
    );
  }
}
