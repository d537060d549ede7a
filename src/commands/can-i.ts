import { Args, Flags } from '@oclif/core';
import { canI, listRules } from '../app/can-i.js';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { parseServiceAccountRef } from '../cli/service-account-ref.js';
import { ExitCode, UsageError } from '../errors/kubectl-sa-error.js';
import { serviceAccountIdentity, type Identity } from '../rbac/authorize.js';
import type { SubjectRef } from '../rbac/types.js';
import { canIPrinters, ruleListPrinters } from '../report/can-i-report.js';

export default class CanICommand extends KubectlSaCommand {
  static override summary = 'Check whether a ServiceAccount may perform an action, like kubectl auth can-i.';
  static override description =
    "Answers from the manifests given with -f, with Kubernetes' default RBAC included, or from the live " +
    'cluster, exactly as the RBAC authorizer would: prints yes (exit 0) or no (exit 1), or unknown (exit 4) when ' +
    'nothing read allows it but RBAC objects that could (ClusterRoleBindings, the RoleBindings of the namespace, ' +
    'the roles they name) could not be read. TYPE resolves to its API group like kubectl does ' +
    '(deploy → deployments.apps); a URL starting with / checks a non-resource URL. --list prints every rule ' +
    'the ServiceAccount holds in the namespace (exit 4 when the list may be incomplete).';
  static override examples = [
    '<%= config.bin %> can-i list secrets --sa monitoring:prometheus-k8s -n kube-system -f manifests/',
    '<%= config.bin %> can-i get /metrics --sa system:serviceaccount:monitoring:prometheus-k8s -f manifests/',
    '<%= config.bin %> can-i create pods --subresource exec --sa ci:deployer -A -f manifests/',
    '<%= config.bin %> can-i --list --sa argocd:argocd-server -n argocd -f install.yaml',
  ];
  static override args = {
    verb: Args.string({
      description: 'The verb: get, list, watch, create, update, patch, delete, impersonate, bind, escalate…',
      required: false,
      ignoreStdin: true,
    }),
    target: Args.string({ description: 'TYPE[.GROUP][/NAME] or a non-resource URL starting with /.', required: false, ignoreStdin: true }),
  };
  static override flags = {
    sa: Flags.string({ description: 'The ServiceAccount to check, as NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME.' }),
    subresource: Flags.string({ description: 'The subresource, such as exec, log, status, token, proxy.' }),
    list: Flags.boolean({ description: 'List every rule the ServiceAccount holds in the namespace.', default: false }),
    server: Flags.boolean({
      description: 'Ask the live API server (a SubjectAccessReview) instead of evaluating the RBAC objects read; needs a cluster, not -f.',
      default: false,
    }),
    quiet: Flags.boolean({ char: 'q', description: 'Print nothing; only the exit code answers.', default: false }),
    'no-headers': Flags.boolean({ description: 'With --list: print the rules without the header line, as kubectl does.', default: false }),
    ...inputFlags,
    ...clusterFlags,
    ...rbacFlags,
    ...outputFlag(canIPrinters.formats),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CanICommand);
    const { identity, serviceAccount } = identityOf(flags);
    if (flags.list && (args.verb || args.target)) {
      throw new UsageError('list option must be specified with no arguments', {
        hint: 'for example: kubectl sa can-i --list --sa default:my-app -n default -f manifests/',
      });
    }
    if (!flags.list && flags['no-headers']) throw new UsageError('--no-headers is only valid with --list');
    if (!flags.list && (!args.verb || !args.target)) {
      throw new UsageError('you must specify two arguments: VERB TYPE[/NAME] or VERB /URL (or use --list)', {
        hint: 'for example: kubectl sa can-i list pods --sa default:my-app -f manifests/',
      });
    }
    if (flags.server && (flags.filename?.length ?? 0) > 0) {
      throw new UsageError('--server asks a live API server; it cannot be combined with -f');
    }
    const options = { input: this.inputFrom(flags), identity, serviceAccount, defaultRbac: flags['default-rbac'] };
    if (flags.list) {
      const outcome = await listRules(options);
      this.report(outcome);
      if (!flags.quiet) await this.print(ruleListPrinters, outcome.data, flags.output, { noHeaders: flags['no-headers'] });
      if (!outcome.data.complete) this.setExitCode(ExitCode.unknown);
      return;
    }
    const outcome = await canI({
      ...options,
      verb: args.verb ?? '',
      target: args.target ?? '',
      subresource: flags.subresource,
      server: flags.server,
    });
    this.report(outcome);
    if (!flags.quiet) await this.print(canIPrinters, outcome.data, flags.output);
    // "no" and "unknown" are answers, not failures: nothing is thrown, main() returns the exit code set here.
    if (outcome.data.answer === 'no') this.setExitCode(ExitCode.findings);
    if (outcome.data.answer === 'unknown') this.setExitCode(ExitCode.unknown);
  }
}

/** --sa names a ServiceAccount; --as/--as-group check any user, as kubectl's impersonation flags do. */
function identityOf(flags: { sa?: string | undefined; as?: string | undefined; 'as-group'?: string[] | undefined }): {
  identity: Identity;
  serviceAccount: SubjectRef | null;
} {
  if (flags.sa && (flags.as || (flags['as-group']?.length ?? 0) > 0)) {
    // Both name whose access is checked: answering for one and dropping the other would answer another question.
    throw new UsageError('--sa and --as/--as-group both name whose access to check: give one', {
      hint: '--sa NAMESPACE:NAME checks a ServiceAccount; --as USER [--as-group GROUP] any user, as in kubectl auth can-i',
    });
  }
  if (flags.sa) {
    const { namespace, name } = parseServiceAccountRef(flags.sa);
    return { identity: serviceAccountIdentity(namespace, name), serviceAccount: { kind: 'ServiceAccount', namespace, name } };
  }
  if (flags.as) {
    const serviceAccount = flags.as.startsWith('system:serviceaccount:') ? parseServiceAccountRef(flags.as) : undefined;
    const base = serviceAccount
      ? serviceAccountIdentity(serviceAccount.namespace, serviceAccount.name)
      : { user: flags.as, groups: ['system:authenticated'] };
    const groups = [...new Set([...base.groups, ...(flags['as-group'] ?? [])])];
    return { identity: { user: base.user, groups }, serviceAccount: serviceAccount ? { kind: 'ServiceAccount', ...serviceAccount } : null };
  }
  throw new UsageError('say whose access to check: --sa NAMESPACE:NAME', {
    hint: 'for example --sa kube-system:coredns (or --as USER [--as-group GROUP])',
  });
}
