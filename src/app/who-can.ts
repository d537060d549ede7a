import type { Inventory } from '../inventory/inventory.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { whoCan } from '../rbac/who-can.js';
import type { WhoCanReport } from '../report/who-can-report.js';
import { parseAccessTarget, targetWarnings } from './access-target.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import type { Outcome, Warning } from './outcome.js';
import { rbacModelFor, resourceTableFor } from './rbac-input.js';
import { rbacAnswerReport, unreadWarnings } from './rbac-unread.js';
import { readInput, requestNamespace, type InputOptions } from './read-input.js';

export interface WhoCanOptions {
  readonly input: InputOptions;
  readonly verb: string;
  /** TYPE[.GROUP][/NAME] or a non-resource URL. */
  readonly target: string;
  readonly subresource?: string | undefined;
  readonly defaultRbac: boolean;
}

/** Every subject allowed an action and the binding that allows it: `kubectl sa who-can`. */
export async function whoCanAnswer(options: WhoCanOptions): Promise<Outcome<WhoCanReport>> {
  const { inventory, connection } = await readInput(options.input, { resources: 'rbac' });
  const model = rbacModelFor(inventory, options);
  const namespace = requestNamespace(options.input.cluster, connection);
  const anyNamespace = Boolean(options.input.cluster['all-namespaces']);
  const answer = await whoCanIn(
    { inventory, connection, model },
    {
      verb: options.verb,
      target: options.target,
      subresource: options.subresource,
      namespace,
      anyNamespace,
    },
  );
  return { data: answer.data, ...rbacAnswerReport(model, inventory.notes, anyNamespace ? undefined : namespace, answer.warnings) };
}

export interface WhoCanQuery {
  readonly verb: string;
  /** TYPE[.GROUP][/NAME] or a non-resource URL. */
  readonly target: string;
  readonly subresource?: string | undefined;
  /** The namespace of the request (a RoleBinding there counts). */
  readonly namespace: string;
  /** -A: RoleBindings of any namespace count. */
  readonly anyNamespace: boolean;
}

/**
 * who-can over input already read and a model already built: the TUI asks it for what the user types.
 * Discovery resolves TYPE on a live cluster, as for the command.
 */
export async function whoCanIn(
  loaded: { readonly inventory: Inventory; readonly connection: ClusterConnection | undefined; readonly model: RbacModel },
  query: WhoCanQuery,
): Promise<{ readonly data: WhoCanReport; readonly warnings: readonly Warning[] }> {
  const { inventory, connection, model } = loaded;
  const target = parseAccessTarget(
    query.verb,
    query.target,
    { subresource: query.subresource, namespace: query.namespace, unknownType: 'error' },
    await resourceTableFor(inventory, connection),
  );
  const result = whoCan(model, target.attributes, {
    anyNamespace: query.anyNamespace,
    clusterScoped: target.resource?.namespaced === false,
  });
  return {
    data: { apiVersion: 'kubectl-sa.dev/v1', kind: 'WhoCan', defaultRbac: model.defaultRbacVersion ?? null, ...result },
    warnings: [...unreadWarnings(result.unread, 'may allow subjects this list does not show'), ...targetWarnings(target)],
  };
}
