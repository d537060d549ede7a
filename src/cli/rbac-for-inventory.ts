import type { Inventory } from '../inventory/inventory.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import { rbacViewOf } from '../policy/rbac-view.js';
import { buildRbacModel } from '../rbac/rbac-model.js';
import { loadDefaultRbac } from '../sources/kube-data.js';

/**
 * The RBAC view the policy engine judges with: the input plus Kubernetes' default RBAC (so `cluster-admin`,
 * `view` and the bindings every cluster has are known), unless the user opts out. Quiet (no model
 * warnings): for pack fixture cases and tests; `scan` uses rbacModelFor, which reports them.
 */
export function rbacForInventory(inventory: Inventory, options: { readonly defaultRbac: boolean }): RbacView {
  return rbacViewOf(buildRbacModel(inventory, options.defaultRbac ? { defaultRbac: loadDefaultRbac() } : {}), loadDefaultRbac());
}
