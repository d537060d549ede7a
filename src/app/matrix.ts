import { authorize, serviceAccountIdentity } from '../rbac/authorize.js';
import { compareText } from '../rbac/rbac-model.js';
import type { MatrixCell, MatrixReport } from '../report/matrix-report.js';
import type { Outcome } from './outcome.js';
import { unreadRbac } from '../rbac/unread-rbac.js';
import { rbacModelFor, resourceTableFor } from './rbac-input.js';
import { rbacAnswerReport, unreadWarnings } from './rbac-unread.js';
import { readInput, type InputOptions } from './read-input.js';

export const defaultMatrixVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

export interface MatrixOptions {
  readonly input: InputOptions;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** The columns. */
  readonly verbs: readonly string[];
  /** Add a row per subresource (pods/exec, serviceaccounts/token…). */
  readonly subresources: boolean;
  readonly defaultRbac: boolean;
}

/**
 * A resource × verb access matrix, like rakkess: every resource Kubernetes defines (and the input's CRDs).
 * With -n, namespaced resources in that namespace; without it (or with -A), every resource cluster-wide.
 */
export async function accessMatrix(options: MatrixOptions): Promise<Outcome<MatrixReport>> {
  const { inventory, connection } = await readInput(options.input, { resources: 'rbac' });
  const model = rbacModelFor(inventory, options);
  const cluster = options.input.cluster;
  const namespace = cluster['all-namespaces'] ? '' : (cluster.namespace ?? '');
  const identity = serviceAccountIdentity(options.serviceAccount.namespace, options.serviceAccount.name);
  // Every cell asks about the same namespace (or none): what was not read could turn any denied cell allowed.
  const unread = unreadRbac(model, namespace === '' ? 'none' : { namespace }, identity);
  const denied: MatrixCell = unread.length === 0 ? 'denied' : 'unknown';

  const resources = (await resourceTableFor(inventory, connection))
    .filter((resource) => namespace === '' || resource.namespaced)
    .sort((a, b) => compareText(a.plural, b.plural) || compareText(a.group, b.group));
  const seen = new Set<string>();
  const rows: MatrixReport['rows'][number][] = [];
  for (const resource of resources) {
    const key = `${resource.plural}.${resource.group}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const subresource of ['', ...(options.subresources ? resource.subresources : [])]) {
      // What discovery says the row supports: a verb it lacks is n/a, not "denied" (pods/log is get only).
      // A subresource discovery names without verbs (an older server's table) is checked for every verb.
      const supported = subresource === '' ? resource.verbs : resource.subresourceVerbs[subresource];
      const access: Record<string, MatrixCell> = {};
      for (const verb of options.verbs) {
        if (supported !== undefined && !supported.includes(verb)) access[verb] = 'n/a';
        else {
          const request = {
            ...identity,
            verb,
            apiGroup: resource.group,
            resource: resource.plural,
            ...(subresource ? { subresource } : {}),
            ...(namespace && resource.namespaced ? { namespace } : {}),
          };
          access[verb] = authorize(model, request).allowed ? 'allowed' : denied;
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
  return {
    data: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'AccessMatrix',
      serviceAccount: { kind: 'ServiceAccount', ...options.serviceAccount },
      namespace,
      verbs: options.verbs,
      rows,
      defaultRbac: model.defaultRbacVersion ?? null,
      complete: unread.length === 0,
      unread,
    },
    ...rbacAnswerReport(
      model,
      inventory.notes,
      namespace || undefined,
      unreadWarnings(unread, `may allow ${options.serviceAccount.namespace}:${options.serviceAccount.name} what the matrix marks ?`),
    ),
  };
}
