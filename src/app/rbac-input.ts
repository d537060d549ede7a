import type { Inventory } from '../inventory/inventory.js';
import type { Warning } from './outcome.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { rbacViewOf } from '../policy/rbac-view.js';
import { buildRbacModel, type RbacModel } from '../rbac/rbac-model.js';
import type { RiskFactCatalogue } from '../rbac/risk-facts.js';
import { resourcesFromCrds, type ApiResource } from '../rbac/resource-table.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import { loadApiResources, loadDefaultRbac } from '../sources/kube-data.js';

/**
 * The RBAC model a use case answers from. Offline, Kubernetes' default RBAC is added unless
 * --no-default-rbac, because every real cluster has it; a live cluster's listing already holds its own
 * (possibly customised) bootstrap roles, so nothing is added there. The model's warnings (a binding to a
 * role that is not in the input, say) are in `model.warnings` for the caller to report.
 */
export function rbacModelFor(
  inventory: Inventory,
  options: { readonly defaultRbac: boolean; readonly riskFacts?: RiskFactCatalogue | undefined },
): RbacModel {
  const addDefaults = options.defaultRbac && inventory.origin === 'files';
  return buildRbacModel(inventory, {
    defaultRbac: addDefaults ? loadDefaultRbac() : undefined,
    knownDefaults: loadDefaultRbac(),
    riskFacts: options.riskFacts,
  });
}

/**
 * The same model as the policy engine judges with; the shipped defaults also tell it which bindings are
 * Kubernetes' own, unchanged. The model's warnings come back beside the view, for the caller to report.
 */
export function rbacViewFor(
  inventory: Inventory,
  options: { readonly defaultRbac: boolean; readonly riskFacts: RiskFactCatalogue },
): { readonly view: RbacView; readonly model: RbacModel; readonly warnings: readonly Warning[] } {
  const model = rbacModelFor(inventory, options);
  // Resource scopes for "a RoleBinding would do": Kubernetes' own resources plus the input's CRDs; a custom
  // resource neither knows is of unknown scope.
  const resources = [...loadApiResources().resources, ...resourcesFromCrds(inventory)];
  return { view: rbacViewOf(model, loadDefaultRbac(), resources), model, warnings: modelWarnings(model, inventory.namespaceScope) };
}

/**
 * The model's warnings about what a question concerns: the cluster-wide ones and those of RoleBindings in
 * `namespace` (every one without a namespace). `scan -n X` is not about a dangling binding elsewhere.
 * `unreadRoles: false` leaves out the count of bindings whose roles were not read, for answers that say
 * what that means for them (app/rbac-unread.ts).
 */
export function modelWarnings(model: RbacModel, namespace?: string, options: { readonly unreadRoles?: boolean } = {}): Warning[] {
  return model.warnings
    .filter((warning) => options.unreadRoles !== false || warning.unreadRoles !== true)
    .filter((warning) => namespace === undefined || warning.namespace === undefined || warning.namespace === namespace)
    .map(({ message }) => ({ message }));
}

/** rbacViewFor without the warnings: pack fixture cases and tests. */
export function rbacForInventory(
  inventory: Inventory,
  options: { readonly defaultRbac: boolean; readonly riskFacts: RiskFactCatalogue },
): RbacView {
  return rbacViewFor(inventory, options).view;
}

/**
 * What TYPE arguments resolve against: the live cluster's discovery when there is one, else Kubernetes'
 * standard resources (generated from a real API server's discovery) plus the CRDs in the input.
 */
export async function resourceTableFor(
  inventory: Inventory | undefined,
  connection: ClusterConnection | undefined,
): Promise<ApiResource[]> {
  if (connection) {
    const { discoverApiResources } = await import('../sources/cluster/discovery.js');
    return discoverApiResources(connection.client);
  }
  return [...loadApiResources().resources, ...(inventory ? resourcesFromCrds(inventory) : [])];
}
