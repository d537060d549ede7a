import type { Gap } from '../../inventory/coverage.js';
import { serviceAccountExistence, type Existence } from '../../inventory/service-account-existence.js';
import type { Inventory, InventoryEntry, Workload } from '../../inventory/inventory.js';
import type { PolicyRule, RoleBinding, RoleRef, Secret, ServiceAccount } from '../../inventory/kube-object.js';
import { isRecord } from '../../inventory/kube-object.js';
import { groupOf } from '../../inventory/object-scope.js';
import type { EscalationFacts } from '../../rbac/escalation.js';
import type { ResourceScopeLookup } from '../../rbac/resource-table.js';
import type { RiskFactTraits } from '../../rbac/risk-facts.js';
import type { BindingRefView, RiskFactId, ServiceAccountRbac } from '../../rbac/types.js';
import type { KubernetesDefaultBindingTest } from '../../rbac/kubernetes-defaults.js';
import type { ProfileUsage } from '../../usage/profile-usage.js';

export const legacyTokenType = 'kubernetes.io/service-account-token';
export const legacyTokenLastUsedAnnotation = 'kubernetes.io/legacy-token-last-used';

/**
 * What the RBAC engine contributes to derived documents. Optional so that the policy engine works (with
 * RBAC facts absent) on inputs where no RBAC model was built.
 */
export interface RbacView {
  /** The SA's effective rights and risk facts. */
  readonly serviceAccount: (namespace: string, name: string) => ServiceAccountRbac | undefined;
  /**
   * The facts the SA can gain by escalation (the escalation graph's answer, shared by its identity class);
   * `unsure` where ServiceAccounts whose existence was not read may add more.
   */
  readonly escalationFacts: (namespace: string, name: string) => EscalationFacts;
  /** The rules a roleRef grants (aggregation and default roles resolved); undefined when unknown. */
  readonly roleRules: (roleRef: RoleRef, bindingNamespace: string | undefined) => readonly PolicyRule[] | undefined;
  /** Whether an input binding is one of Kubernetes' own default bindings, unchanged; absent: none is. */
  readonly isKubernetesDefaultBinding?: KubernetesDefaultBindingTest;
  /** Whether a resource is namespaced (discovery data plus the input's CRDs); undefined when nothing knows it. */
  readonly resourceScope?: ResourceScopeLookup;
  /** The bindings whose roleRef names a role (a Role's only in its namespace). */
  readonly bindingsOfRole?: (kind: 'Role' | 'ClusterRole', namespace: string | undefined, name: string) => readonly BindingRefView[];
  /** The bindings whose role (after aggregation) holds this very rule object. */
  readonly bindingsHoldingRule?: (rule: PolicyRule) => readonly BindingRefView[];
  /** Whether a role is one of Kubernetes' built-in roles (by kind, namespace and name). */
  readonly isBuiltInRole?: (kind: 'Role' | 'ClusterRole', namespace: string | undefined, name: string) => boolean;
  /** How a declared risk fact is worded and scoped (from its pack's declaration). */
  readonly riskFact?: (id: string) => RiskFactTraits | undefined;
}

export interface DerivedOptions {
  /** "Now", for ages such as days since a legacy token was last used. Injected: the engine stays pure. */
  readonly now: Date;
  readonly rbac?: RbacView;
  /** What the audit log says each ServiceAccount did; only when a scan is given a log (`scan --audit-log`). */
  readonly usage?: (namespace: string, name: string) => ProfileUsage;
}

/**
 * A question the input could not answer, so no rule concluded from it: counted, never silent. `gaps` says
 * why per namespace (the list was forbidden, the kind is not served, or it was not read).
 */
export interface UnknownAnswer {
  readonly question: 'service-account-exists' | 'service-account-object' | 'rbac-complete' | 'escalation-targets-exist';
  /** Distinct ServiceAccounts the question was asked about. */
  readonly count: number;
  readonly namespaces: readonly { readonly namespace: string; readonly gap: Gap }[];
}

const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * Indexes the derived documents need, built once per scan so that every lookup is O(1) and no
 * document builder scans the whole inventory.
 */
export class ScanContext {
  readonly inventory: Inventory;
  readonly options: DerivedOptions;
  private readonly serviceAccounts = new Map<string, InventoryEntry<ServiceAccount>>();
  private readonly existence: (namespace: string, name: string) => Existence;
  private readonly secrets = new Map<string, InventoryEntry<Secret>>();
  private readonly workloadsBySa = new Map<string, Workload[]>();
  private readonly bindingsBySa = new Map<string, InventoryEntry<RoleBinding>[]>();
  private readonly legacyTokensBySa = new Map<string, InventoryEntry<Secret>[]>();
  /** Per question, namespace → the ServiceAccount names asked about that the input could not answer. */
  private readonly unknown = {
    'service-account-exists': new Map<string, Set<string>>(),
    'service-account-object': new Map<string, Set<string>>(),
    'rbac-complete': new Map<string, Set<string>>(),
    'escalation-targets-exist': new Map<string, Set<string>>(),
  };

  constructor(inventory: Inventory, options: DerivedOptions) {
    this.inventory = inventory;
    this.options = options;
    this.existence = serviceAccountExistence(inventory);
    for (const entry of inventory.serviceAccounts) {
      const namespace = entry.ref.namespace ?? 'default';
      this.serviceAccounts.set(key(namespace, entry.ref.name), entry);
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
  }

  /**
   * False for a document that a later one with the same identity replaces (as a later `kubectl apply`
   * would): only the object that would end up in the cluster is judged, once.
   */
  isCurrent(entry: InventoryEntry): boolean {
    return this.inventory.find(groupOf(entry.ref.apiVersion), entry.ref.kind, entry.ref.namespace, entry.ref.name) === entry;
  }

  /**
   * Whether a scan judges the object. Everything, unless a cluster read is about one namespace (`-n`): then
   * that namespace's objects, the Namespace itself, and the ClusterRoleBindings that concern its
   * ServiceAccounts (naming one of them, or a group they are in). Other namespaces' RoleBindings and the
   * cluster's other objects were read only so that RBAC answers are right.
   */
  inScope(entry: InventoryEntry): boolean {
    const scope = this.inventory.namespaceScope;
    if (scope === undefined) return true;
    if (entry.ref.namespace !== undefined) return entry.ref.namespace === scope;
    if (entry.ref.kind === 'Namespace') return entry.ref.name === scope;
    if (entry.ref.kind === 'ClusterRoleBinding' && groupOf(entry.ref.apiVersion) === rbacGroup)
      return concernsNamespace(entry as InventoryEntry<RoleBinding>, scope);
    return false;
  }

  /** Whether a scan judges things of this namespace (a ServiceAccount's profile, say). */
  namespaceInScope(namespace: string): boolean {
    return this.inventory.namespaceScope === undefined || this.inventory.namespaceScope === namespace;
  }

  findServiceAccount(namespace: string, name: string): InventoryEntry<ServiceAccount> | undefined {
    return this.serviceAccounts.get(key(namespace, name));
  }

  /**
   * Whether a ServiceAccount exists: true when declared (or the namespace's `default`, which the control
   * plane creates); false when we can tell it is missing; null when we cannot tell. Files are the whole
   * input, so only a namespace none of whose ServiceAccounts it shows is unknown; a cluster read proves
   * absence only where every ServiceAccount of the namespace was listed (not forbidden, not another namespace).
   */
  serviceAccountExists(namespace: string, name: string): boolean | null {
    const exists = this.existence(namespace, name);
    if (exists === null && !this.inventory.coverage.wholeWorld) this.noteUnknown('service-account-exists', namespace, name);
    return exists;
  }

  /**
   * What the SA can gain by escalation, as a claim: paths through ServiceAccounts whose existence was not
   * read are left out, and the SA is counted as unknown where they might add more.
   */
  escalationFactIds(namespace: string, name: string): readonly RiskFactId[] {
    const gained = this.options.rbac?.escalationFacts(namespace, name);
    if (!gained) return [];
    if (gained.unsure) this.noteUnknown('escalation-targets-exist', namespace, name);
    return gained.ids;
  }

  /** Notes that the SA's escalation paths left out some through ServiceAccounts whose existence was not read. */
  noteUncertainEscalations(namespace: string, name: string): void {
    this.noteUnknown('escalation-targets-exist', namespace, name);
  }

  /**
   * Whether the fields of a ServiceAccount (automountServiceAccountToken, annotations) are known: it was
   * read, or the input shows every ServiceAccount of its namespace, so one it lacks is absent (or the bare
   * `default` the control plane makes). False for a ServiceAccount of a namespace whose list was not read:
   * what it sets is unknown, not unset.
   */
  serviceAccountKnown(namespace: string, name: string): boolean {
    if (this.serviceAccounts.has(key(namespace, name)) || this.inventory.coverage.covers('', 'ServiceAccount', namespace)) return true;
    this.noteUnknown('service-account-object', namespace, name);
    return false;
  }

  /**
   * The SA holds nothing beyond what every authenticated identity holds (from the RBAC engine), or null when
   * that cannot be told: no RBAC model, or RBAC objects that were not all read (a ClusterRoleBinding or a
   * RoleBinding of its namespace we could not list may grant it more).
   */
  baselineOnly(namespace: string, name: string): boolean | null {
    const rbac = this.options.rbac?.serviceAccount(namespace, name);
    if (!rbac) return null;
    if (!this.rbacComplete(namespace)) {
      this.noteUnknown('rbac-complete', namespace, name);
      return null;
    }
    return rbac.baselineOnly;
  }

  private rbacComplete(namespace: string): boolean {
    const coverage = this.inventory.coverage;
    return (
      coverage.covers(rbacGroup, 'ClusterRoleBinding') &&
      coverage.covers(rbacGroup, 'ClusterRole') &&
      coverage.covers(rbacGroup, 'RoleBinding', namespace) &&
      coverage.covers(rbacGroup, 'Role', namespace)
    );
  }

  private noteUnknown(question: UnknownAnswer['question'], namespace: string, name: string): void {
    const byNamespace = this.unknown[question];
    const names = byNamespace.get(namespace);
    if (names) names.add(name);
    else byNamespace.set(namespace, new Set([name]));
  }

  /** The questions documents built so far could not answer (see UnknownAnswer). */
  unknownAnswers(): UnknownAnswer[] {
    const answers: UnknownAnswer[] = [];
    for (const question of ['service-account-exists', 'service-account-object', 'rbac-complete', 'escalation-targets-exist'] as const) {
      const byNamespace = this.unknown[question];
      if (byNamespace.size === 0) continue;
      const namespaces = [...byNamespace.keys()].sort();
      answers.push({
        question,
        count: namespaces.reduce((sum, namespace) => sum + (byNamespace.get(namespace)?.size ?? 0), 0),
        namespaces: namespaces.map((namespace) => ({ namespace, gap: this.gapFor(question, namespace) })),
      });
    }
    return answers;
  }

  private gapFor(question: UnknownAnswer['question'], namespace: string): Gap {
    const coverage = this.inventory.coverage;
    // Escalation is unsure because of ServiceAccounts elsewhere: the gap of the cluster-wide list.
    if (question === 'escalation-targets-exist') return coverage.gap('', 'ServiceAccount') ?? 'not-read';
    if (question !== 'rbac-complete') return coverage.gap('', 'ServiceAccount', namespace) ?? 'not-read';
    return (
      coverage.gap(rbacGroup, 'ClusterRoleBinding') ??
      coverage.gap(rbacGroup, 'ClusterRole') ??
      coverage.gap(rbacGroup, 'RoleBinding', namespace) ??
      coverage.gap(rbacGroup, 'Role', namespace) ??
      'not-read'
    );
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
  /** Role rules from the RBAC engine when present, else from the input (aggregated roles unknown). */
  roleRules(roleRef: RoleRef, bindingNamespace: string | undefined): readonly PolicyRule[] | undefined {
    if (this.options.rbac) return this.options.rbac.roleRules(roleRef, bindingNamespace);
    const name = roleRef.name;
    if (typeof name !== 'string') return undefined;
    if (roleRef.kind === 'Role') {
      if (bindingNamespace === undefined) return undefined;
      const role = this.inventory.find(rbacGroup, 'Role', bindingNamespace, name);
      return role ? rulesOf(role.object.rules) : undefined;
    }
    const clusterRole = this.inventory.find('rbac.authorization.k8s.io', 'ClusterRole', undefined, name);
    if (!clusterRole || isRecord(clusterRole.object.aggregationRule)) return undefined;
    return rulesOf(clusterRole.object.rules);
  }
}

/** A cluster-wide binding concerns a namespace when it names one of its ServiceAccounts or a group they are all in. */
function concernsNamespace(binding: InventoryEntry<RoleBinding>, namespace: string): boolean {
  const groups = new Set(['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated']);
  return (binding.object.subjects ?? []).some(
    (subject) =>
      (subject?.kind === 'ServiceAccount' && subject.namespace === namespace) ||
      (subject?.kind === 'Group' && groups.has(String(subject.name))),
  );
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
