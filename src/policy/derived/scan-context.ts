import type { Inventory, InventoryEntry, Workload } from '../../inventory/inventory.js';
import type { PolicyRule, RoleBinding, RoleRef, Secret, ServiceAccount } from '../../inventory/kube-object.js';
import { isRecord } from '../../inventory/kube-object.js';
import { groupOf } from '../../inventory/object-scope.js';
import type { RiskFactId, ServiceAccountRbac } from '../../rbac/types.js';
import type { KubernetesDefaultBindingTest } from './kubernetes-defaults.js';

export const legacyTokenType = 'kubernetes.io/service-account-token';
export const legacyTokenLastUsedAnnotation = 'kubernetes.io/legacy-token-last-used';

/**
 * What the RBAC engine contributes to derived documents. Optional so that the policy engine works (with
 * RBAC facts absent) on inputs where no RBAC model was built.
 */
export interface RbacView {
  /** The SA's effective rights and risk facts. */
  readonly serviceAccount: (namespace: string, name: string) => ServiceAccountRbac | undefined;
  /** The facts the SA can gain by escalation (the escalation graph's answer, shared by its identity class). */
  readonly escalationFactIds: (namespace: string, name: string) => readonly RiskFactId[];
  /** The rules a roleRef grants (aggregation and default roles resolved); undefined when unknown. */
  readonly roleRules: (roleRef: RoleRef, bindingNamespace: string | undefined) => readonly PolicyRule[] | undefined;
  /** Whether an input binding is one of Kubernetes' own default bindings, unchanged; absent: none is. */
  readonly isKubernetesDefaultBinding?: KubernetesDefaultBindingTest;
}

export interface DerivedOptions {
  /** "Now", for ages such as days since a legacy token was last used. Injected: the engine stays pure. */
  readonly now: Date;
  readonly rbac?: RbacView;
}

/**
 * Indexes the derived documents need, built once per scan so that every lookup is O(1) and no
 * document builder scans the whole inventory.
 */
export class ScanContext {
  readonly inventory: Inventory;
  readonly options: DerivedOptions;
  private readonly serviceAccounts = new Map<string, InventoryEntry<ServiceAccount>>();
  private readonly namespacesWithServiceAccounts = new Set<string>();
  private readonly secrets = new Map<string, InventoryEntry<Secret>>();
  private readonly workloadsBySa = new Map<string, Workload[]>();
  private readonly bindingsBySa = new Map<string, InventoryEntry<RoleBinding>[]>();
  private readonly legacyTokensBySa = new Map<string, InventoryEntry<Secret>[]>();
  private readonly clusterScopedCustomResources = new Set<string>();

  constructor(inventory: Inventory, options: DerivedOptions) {
    this.inventory = inventory;
    this.options = options;
    for (const entry of inventory.serviceAccounts) {
      const namespace = entry.ref.namespace ?? 'default';
      this.serviceAccounts.set(key(namespace, entry.ref.name), entry);
      this.namespacesWithServiceAccounts.add(namespace);
    }
    for (const entry of inventory.secrets) {
      this.secrets.set(key(entry.ref.namespace ?? 'default', entry.ref.name), entry);
      if (entry.object.type === legacyTokenType) {
        const owner = entry.object.metadata.annotations?.['kubernetes.io/service-account.name'];
        if (typeof owner === 'string') push(this.legacyTokensBySa, key(entry.ref.namespace ?? 'default', owner), entry);
      }
    }
    for (const workload of inventory.workloads)
      if (this.isCurrent(workload.entry)) push(this.workloadsBySa, key(workload.namespace, workload.serviceAccountName), workload);
    for (const binding of [...inventory.roleBindings, ...inventory.clusterRoleBindings]) {
      if (!this.isCurrent(binding)) continue;
      for (const subject of binding.object.subjects ?? []) {
        if (subject?.kind !== 'ServiceAccount' || typeof subject.name !== 'string') continue;
        // A RoleBinding subject without a namespace means the binding's own namespace.
        const namespace = subject.namespace ?? binding.ref.namespace;
        if (namespace === undefined) continue;
        const list = this.bindingsBySa.get(key(namespace, subject.name));
        if (!list?.includes(binding)) push(this.bindingsBySa, key(namespace, subject.name), binding);
      }
    }
    for (const crd of inventory.customResourceDefinitions) {
      const spec = crd.object.spec;
      if (!isRecord(spec) || spec.scope !== 'Cluster' || !isRecord(spec.names)) continue;
      if (typeof spec.names.plural === 'string') this.clusterScopedCustomResources.add(spec.names.plural);
    }
  }

  /**
   * False for a document that a later one with the same identity replaces (as a later `kubectl apply`
   * would): only the object that would end up in the cluster is judged, once.
   */
  isCurrent(entry: InventoryEntry): boolean {
    return this.inventory.find(groupOf(entry.ref.apiVersion), entry.ref.kind, entry.ref.namespace, entry.ref.name) === entry;
  }

  findServiceAccount(namespace: string, name: string): InventoryEntry<ServiceAccount> | undefined {
    return this.serviceAccounts.get(key(namespace, name));
  }

  /**
   * Whether a ServiceAccount exists: true when declared (or the namespace's `default`, which the control
   * plane creates); false when we can tell it is missing; null when we cannot tell, which in files mode
   * is a namespace whose ServiceAccounts are not in the input at all.
   */
  serviceAccountExists(namespace: string, name: string): boolean | null {
    if (this.serviceAccounts.has(key(namespace, name)) || name === 'default') return true;
    if (this.inventory.origin === 'cluster' || this.namespacesWithServiceAccounts.has(namespace)) return false;
    return null;
  }

  /** See kubernetes-defaults.ts: a binding the control plane owns, unchanged. */
  isKubernetesDefaultBinding(entry: InventoryEntry<RoleBinding>): boolean {
    const kind = entry.ref.kind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding';
    return this.options.rbac?.isKubernetesDefaultBinding?.(kind, entry.object) ?? false;
  }

  findSecret(namespace: string, name: string): InventoryEntry<Secret> | undefined {
    return this.secrets.get(key(namespace, name));
  }

  workloadsOf(namespace: string, name: string): readonly Workload[] {
    return this.workloadsBySa.get(key(namespace, name)) ?? [];
  }

  bindingsNaming(namespace: string, name: string): readonly InventoryEntry<RoleBinding>[] {
    return this.bindingsBySa.get(key(namespace, name)) ?? [];
  }

  legacyTokensOf(namespace: string, name: string): readonly InventoryEntry<Secret>[] {
    return this.legacyTokensBySa.get(key(namespace, name)) ?? [];
  }

  isClusterScopedCustomResource(resource: string): boolean {
    return this.clusterScopedCustomResources.has(resource);
  }

  /** Role rules from the RBAC engine when present, else from the input (aggregated roles unknown). */
  roleRules(roleRef: RoleRef, bindingNamespace: string | undefined): readonly PolicyRule[] | undefined {
    if (this.options.rbac) return this.options.rbac.roleRules(roleRef, bindingNamespace);
    const name = roleRef.name;
    if (typeof name !== 'string') return undefined;
    if (roleRef.kind === 'Role') {
      if (bindingNamespace === undefined) return undefined;
      const role = this.inventory.find('rbac.authorization.k8s.io', 'Role', bindingNamespace, name);
      return role ? rulesOf(role.object.rules) : undefined;
    }
    const clusterRole = this.inventory.find('rbac.authorization.k8s.io', 'ClusterRole', undefined, name);
    if (!clusterRole || isRecord(clusterRole.object.aggregationRule)) return undefined;
    return rulesOf(clusterRole.object.rules);
  }
}

function rulesOf(rules: unknown): readonly PolicyRule[] {
  return Array.isArray(rules) ? (rules.filter(isRecord) as PolicyRule[]) : [];
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

function push<K, V>(map: Map<K, V[]>, mapKey: K, value: V): void {
  const list = map.get(mapKey);
  if (list) list.push(value);
  else map.set(mapKey, [value]);
}
