import type { Inventory } from './inventory.js';

/** true: it exists; false: the input shows every ServiceAccount of its namespace and not this one; null: cannot tell. */
export type Existence = boolean | null;

/**
 * Whether a ServiceAccount exists, as far as the input can tell: true when declared (or the namespace's
 * `default`, which the control plane creates); false only where the input shows every ServiceAccount of
 * the namespace. Files are the whole input, but a namespace none of whose ServiceAccounts they show (a chart
 * installed beside others) cannot tell; a cluster read tells where its ServiceAccount list covered the
 * namespace (not forbidden, not another namespace than -n). One answer for the policy engine (RBAC010,
 * SA008) and the RBAC engine (escalation to what exists).
 */
export function serviceAccountExistence(inventory: Inventory): (namespace: string, name: string) => Existence {
  const declared = new Set<string>();
  const namespacesWithServiceAccounts = new Set<string>();
  for (const entry of inventory.serviceAccounts) {
    const namespace = entry.ref.namespace ?? 'default';
    declared.add(`${namespace}\u0000${entry.ref.name}`);
    namespacesWithServiceAccounts.add(namespace);
  }
  const coverage = inventory.coverage;
  return (namespace, name) => {
    if (name === 'default' || declared.has(`${namespace}\u0000${name}`)) return true;
    if (coverage.wholeWorld) return namespacesWithServiceAccounts.has(namespace) ? false : null;
    return coverage.covers('', 'ServiceAccount', namespace) ? false : null;
  };
}
