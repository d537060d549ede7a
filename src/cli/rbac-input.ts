import type { Inventory } from '../inventory/inventory.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { rbacViewOf } from '../policy/rbac-view.js';
import { buildRbacModel, type RbacModel } from '../rbac/rbac-model.js';
import { resourcesFromCrds, type ApiResource } from '../rbac/resource-table.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import { discoverApiResources } from '../sources/cluster/discovery.js';
import { loadApiResources, loadDefaultRbac } from '../sources/kube-data.js';

/**
 * The RBAC model a command answers from. Offline, Kubernetes' default RBAC is added unless
 * --no-default-rbac, because every real cluster has it; a live cluster's listing already holds its own
 * (possibly customised) bootstrap roles, so nothing is added there.
 */
export function rbacModelFor(
  inventory: Inventory,
  flags: { readonly 'default-rbac': boolean },
  stderr: NodeJS.WritableStream | undefined = process.stderr,
): RbacModel {
  const addDefaults = flags['default-rbac'] && inventory.origin === 'files';
  const model = buildRbacModel(inventory, { defaultRbac: addDefaults ? loadDefaultRbac() : undefined });
  for (const warning of model.warnings) stderr?.write(`warning: ${warning}\n`);
  return model;
}

/**
 * The same model as the policy engine judges with; the shipped defaults also tell it which bindings are
 * Kubernetes' own, unchanged. Quiet unless given a stream for the model's warnings (scan gives stderr;
 * pack fixture cases and tests do not).
 */
export function rbacForInventory(
  inventory: Inventory,
  options: { readonly defaultRbac: boolean; readonly stderr?: NodeJS.WritableStream },
): RbacView {
  return rbacViewOf(rbacModelFor(inventory, { 'default-rbac': options.defaultRbac }, options.stderr), loadDefaultRbac());
}

/**
 * What TYPE arguments resolve against: the live cluster's discovery when there is one, else Kubernetes'
 * standard resources (generated from a real API server's discovery) plus the CRDs in the input.
 */
export async function resourceTableFor(
  inventory: Inventory | undefined,
  connection: ClusterConnection | undefined,
): Promise<ApiResource[]> {
  if (connection) return discoverApiResources(connection.client);
  return [...loadApiResources().resources, ...(inventory ? resourcesFromCrds(inventory) : [])];
}
