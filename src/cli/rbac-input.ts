import type { Inventory } from '../inventory/inventory.js';
import { buildRbacModel, type RbacModel } from '../rbac/rbac-model.js';
import { resourcesFromCrds, type ApiResource } from '../rbac/resource-table.js';
import { loadApiResources, loadDefaultRbac } from '../sources/kube-data.js';

/** The RBAC model a command answers from: the input plus, unless --no-default-rbac, the bootstrap RBAC. */
export function rbacModelFor(inventory: Inventory, flags: { readonly 'default-rbac': boolean }, stderr: NodeJS.WritableStream = process.stderr): RbacModel {
  const model = buildRbacModel(inventory, { defaultRbac: flags['default-rbac'] ? loadDefaultRbac() : undefined });
  for (const warning of model.warnings) stderr.write(`warning: ${warning}\n`);
  return model;
}

/** What TYPE arguments resolve against offline: Kubernetes' standard resources, then the input's CRDs. */
export function resourceTableFor(inventory: Inventory): ApiResource[] {
  return [...loadApiResources().resources, ...resourcesFromCrds(inventory)];
}
