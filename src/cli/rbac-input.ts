import type { Inventory } from '../inventory/inventory.js';
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
export function rbacModelFor(inventory: Inventory, flags: { readonly 'default-rbac': boolean }, stderr: NodeJS.WritableStream = process.stderr): RbacModel {
  const addDefaults = flags['default-rbac'] && inventory.origin === 'files';
  const model = buildRbacModel(inventory, { defaultRbac: addDefaults ? loadDefaultRbac() : undefined });
  for (const warning of model.warnings) stderr.write(`warning: ${warning}\n`);
  return model;
}

/**
 * What TYPE arguments resolve against: the live cluster's discovery when there is one, else Kubernetes'
 * standard resources (generated from a real API server's discovery) plus the CRDs in the input.
 */
export async function resourceTableFor(inventory: Inventory, connection: ClusterConnection | undefined): Promise<ApiResource[]> {
  if (connection) return discoverApiResources(connection.client);
  return [...loadApiResources().resources, ...resourcesFromCrds(inventory)];
}
