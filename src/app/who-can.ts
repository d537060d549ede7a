import { whoCan } from '../rbac/who-can.js';
import type { WhoCanReport } from '../report/who-can-report.js';
import { parseAccessTarget, targetWarnings } from './access-target.js';
import type { Outcome } from './outcome.js';
import { modelWarnings, rbacModelFor, resourceTableFor } from './rbac-input.js';
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
  const target = parseAccessTarget(
    options.verb,
    options.target,
    { subresource: options.subresource, namespace, unknownType: 'error' },
    await resourceTableFor(inventory, connection),
  );
  const result = whoCan(model, target.attributes, {
    anyNamespace,
    clusterScoped: target.resource?.namespaced === false,
  });
  return {
    data: { apiVersion: 'kubectl-sa.dev/v1', kind: 'WhoCan', defaultRbac: model.defaultRbacVersion ?? null, ...result },
    notes: inventory.notes,
    warnings: [...modelWarnings(model, anyNamespace ? undefined : namespace), ...targetWarnings(target)],
  };
}
