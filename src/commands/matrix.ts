import { Flags } from '@oclif/core';
import { accessMatrix, defaultMatrixVerbs } from '../app/matrix.js';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { requireServiceAccount, serviceAccountArg, serviceAccountFlag } from '../cli/service-account-ref.js';
import { ExitCode, UsageError } from '../errors/kubectl-sa-error.js';
import { matrixPrinters } from '../report/matrix-report.js';

export default class MatrixCommand extends KubectlSaCommand {
  static override summary = 'Print a resource × verb access matrix for a ServiceAccount, like rakkess.';
  static override description =
    "Checks every verb on every resource Kubernetes defines (and the input's CRDs). With -n, namespaced " +
    'resources in that namespace; without it, every resource cluster-wide, where only ClusterRoleBindings count. ' +
    'Cells: ✔ allowed, ✖ denied, empty when the resource does not support the verb (coloured on a terminal ' +
    'unless NO_COLOR is set); ? unknown, with exit 4, when RBAC objects that could allow it could not be read ' +
    '(forbidden, not served). --subresources adds pods/exec, serviceaccounts/token and the like.';
  static override examples = [
    '<%= config.bin %> matrix monitoring:prometheus-k8s -n monitoring -f manifests/',
    '<%= config.bin %> matrix --sa argocd:argocd-server --verbs get,list,create,delete -f install.yaml',
    '<%= config.bin %> matrix ci:deployer -n ci --subresources --verbs get,create -f manifests/',
  ];
  static override args = serviceAccountArg;
  static override flags = {
    ...serviceAccountFlag,
    verbs: Flags.string({ description: 'Comma-separated verbs to show as columns.', default: defaultMatrixVerbs.join(',') }),
    subresources: Flags.boolean({
      description: 'Add a row for every subresource (pods/exec, serviceaccounts/token, nodes/proxy…).',
      default: false,
    }),
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(matrixPrinters.formats),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MatrixCommand);
    const serviceAccount = requireServiceAccount(args.serviceAccount, flags.sa, 'kubectl sa matrix kube-system:coredns -f manifests/');
    const verbs = flags.verbs
      .split(',')
      .map((verb) => verb.trim())
      .filter((verb) => verb !== '');
    if (verbs.length === 0) throw new UsageError('--verbs lists no verb', { hint: 'for example --verbs get,list,create' });
    const outcome = await accessMatrix({
      input: this.inputFrom(flags),
      serviceAccount,
      verbs,
      subresources: flags.subresources,
      defaultRbac: flags['default-rbac'],
    });
    this.report(outcome);
    await this.print(matrixPrinters, outcome.data, flags.output);
    if (!outcome.data.complete) this.setExitCode(ExitCode.unknown);
  }
}
