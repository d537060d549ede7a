import { Args, Flags } from '@oclif/core';
import { parseAccessTarget, writeTargetWarnings } from '../cli/access-target.js';
import { KubectlSaCommand, type InputFlagValues } from '../cli/base-command.js';
import type { Inventory } from '../inventory/inventory.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import { rbacResources } from '../sources/cluster/read-cluster.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from '../cli/flags.js';
import { rbacModelFor, resourceTableFor } from '../cli/rbac-input.js';
import { parseServiceAccountRef } from '../cli/service-account-ref.js';
import { ExitCode, UsageError } from '../errors/kubectl-sa-error.js';
import { authorize, rulesFor, serviceAccountIdentity, type Identity } from '../rbac/authorize.js';
import type { SubjectRef } from '../rbac/types.js';
import { renderCanI, renderRuleList } from '../report/can-i-report.js';
import { askApiServer } from '../sources/cluster/subject-access-review.js';

export default class CanICommand extends KubectlSaCommand {
  static override summary = 'Check whether a ServiceAccount may perform an action, like kubectl auth can-i.';
  static override description =
    "Answers from the manifests given with -f, with Kubernetes' default RBAC included, exactly as the RBAC " +
    'authorizer would: prints yes (exit 0) or no (exit 1). TYPE resolves to its API group like kubectl does ' +
    '(deploy → deployments.apps); a URL starting with / checks a non-resource URL. --list prints every rule ' +
    'the ServiceAccount holds in the namespace.';
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
    ...outputFlag(['table', 'json', 'yaml']),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CanICommand);
    const format = flags.output as 'table' | 'json' | 'yaml';
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
    // --as/--as-group name whose access is checked (as in kubectl auth can-i), not whom to read the
    // cluster as: the RBAC objects are read with the kubeconfig's own credentials.
    const readFlags = { ...flags, as: undefined, 'as-group': undefined };
    const answer = flags.server && !flags.list ? await this.askingServer(readFlags) : await this.askingEngine(readFlags, flags);
    const { inventory, connection } = answer;

    if (flags.list && 'model' in answer) {
      const { model } = answer;
      const namespace = flags['all-namespaces'] ? '' : this.contextNamespace(flags);
      const grants = rulesFor(model, identity, namespace);
      if (!flags.quiet) {
        this.emit(
          renderRuleList({ apiVersion: 'kubectl-sa.dev/v1', kind: 'RuleList', subject: identity, namespace, grants }, format, {
            headers: !flags['no-headers'],
          }),
        );
      }
      return;
    }

    const target = parseAccessTarget(
      args.verb ?? '',
      args.target ?? '',
      {
        subresource: flags.subresource,
        namespace: this.contextNamespace(flags),
        allNamespaces: flags['all-namespaces'],
        unknownType: 'warn',
        scopeWarning: true,
      },
      await resourceTableFor(inventory, connection),
    );
    writeTargetWarnings(target);
    const request = { ...identity, ...target.attributes };
    const decision = 'model' in answer ? authorize(answer.model, request) : await askApiServer(answer.connection.client, request);
    if (!flags.quiet) {
      this.emit(
        renderCanI(
          {
            apiVersion: 'kubectl-sa.dev/v1',
            kind: 'AccessCheck',
            subject: { ...identity, serviceAccount },
            request: target.attributes,
            allowed: decision.allowed,
            reason: decision.reason,
            grants: decision.grants,
            defaultRbac: 'model' in answer ? (answer.model.defaultRbacVersion ?? null) : null,
          },
          format,
        ),
      );
    }
    // "no" is an answer, not a failure: nothing is thrown, main() returns the exit code set here.
    if (!decision.allowed) process.exitCode = ExitCode.findings;
  }

  /** The engine answers from the RBAC objects read (files, or the cluster listed once). */
  private async askingEngine(readFlags: InputFlagValues, flags: { readonly 'default-rbac': boolean }): Promise<EngineAnswer> {
    const inventory = await this.loadInventory(readFlags, [], { resources: rbacResources });
    return { inventory, connection: this.clusterConnection, model: rbacModelFor(inventory, flags) };
  }

  /** --server: the API server decides; a connection (and its discovery) is all that is needed. */
  private async askingServer(readFlags: InputFlagValues): Promise<ServerAnswer> {
    return { inventory: undefined, connection: await this.connect(readFlags) };
  }
}

interface EngineAnswer {
  readonly inventory: Inventory;
  readonly connection: ClusterConnection | undefined;
  readonly model: RbacModel;
}

interface ServerAnswer {
  readonly inventory: undefined;
  readonly connection: ClusterConnection;
}

/** --sa names a ServiceAccount; --as/--as-group check any user, as kubectl's impersonation flags do. */
function identityOf(flags: { sa?: string | undefined; as?: string | undefined; 'as-group'?: string[] | undefined }): {
  identity: Identity;
  serviceAccount: SubjectRef | null;
} {
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
