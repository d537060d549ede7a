import type { InventoryEntry } from '../../inventory/inventory.js';
import type { ClusterRole, ObjectMeta, PolicyRule, Role } from '../../inventory/kube-object.js';
import { isRecord } from '../../inventory/kube-object.js';
import type { ScanContext } from './scan-context.js';

export interface WildcardRuleView {
  /** Position in the role's `rules`. */
  readonly index: number;
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  /** Which lists hold a `*` (resources also a `*` subresource form; non-resource URLs a trailing `*`). */
  readonly wildcards: readonly ('verbs' | 'apiGroups' | 'resources' | 'nonResourceURLs')[];
  /** The rule as it reads: "* on deployments.apps". */
  readonly text: string;
}

/**
 * The `RoleProfile` derived document (schema: policies/targets/role-profile.schema.json): a Role or
 * ClusterRole of the input, with the rules that use wildcards and the bindings that hand its rules out —
 * naming it, or naming a role it aggregates into (so an `aggregate-to-edit` role counts as bound where
 * `edit` is).
 */
export interface RoleProfileDocument {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'RoleProfile';
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string | null; readonly name: string };
  readonly metadata: ObjectMeta;
  readonly roleKind: 'Role' | 'ClusterRole';
  /** Named as one of Kubernetes' built-in roles (cluster-admin, edit, system:…): the API server maintains it. */
  readonly kubernetesDefault: boolean;
  /** Has an aggregationRule: the controller computes its rules from other roles, its own `rules` are replaced. */
  readonly aggregated: boolean;
  readonly ruleCount: number;
  readonly wildcardRules: readonly WildcardRuleView[];
  /** Bindings through which its rules are held (`Kind/namespace/name`); empty when none: an unbound role grants nothing. */
  readonly boundBy: readonly string[];
  readonly bound: boolean;
}

export function buildRoleProfile(entry: InventoryEntry<Role | ClusterRole>, context: ScanContext): RoleProfileDocument {
  const roleKind = entry.ref.kind === 'Role' ? 'Role' : 'ClusterRole';
  const namespace = roleKind === 'Role' ? (entry.ref.namespace ?? null) : null;
  const rules = (Array.isArray(entry.object.rules) ? entry.object.rules : []).filter(isRecord) as PolicyRule[];
  const rbac = context.options.rbac;
  const label = (binding: { kind: string; name: string; namespace?: string }) =>
    `${binding.kind}/${binding.namespace ? `${binding.namespace}/` : ''}${binding.name}`;
  const boundBy = new Set<string>();
  for (const binding of rbac?.bindingsOfRole?.(roleKind, namespace ?? undefined, entry.ref.name) ?? []) boundBy.add(label(binding));
  // Rules reach subjects also through the aggregated roles that copy them (the same rule objects).
  for (const rule of rules) for (const binding of rbac?.bindingsHoldingRule?.(rule) ?? []) boundBy.add(label(binding));
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'RoleProfile',
    object: { apiVersion: entry.ref.apiVersion, kind: entry.ref.kind, namespace, name: entry.ref.name },
    metadata: entry.object.metadata,
    roleKind,
    kubernetesDefault: rbac?.isBuiltInRole?.(roleKind, namespace ?? undefined, entry.ref.name) ?? false,
    aggregated: isRecord((entry.object as ClusterRole).aggregationRule),
    ruleCount: rules.length,
    wildcardRules: rules.flatMap((rule, index) => wildcardView(rule, index)),
    boundBy: [...boundBy].sort(),
    bound: boundBy.size > 0,
  };
}

function wildcardView(rule: PolicyRule, index: number): WildcardRuleView[] {
  const verbs = (rule.verbs ?? []).map(String);
  const apiGroups = (rule.apiGroups ?? []).map(String);
  const resources = (rule.resources ?? []).map(String);
  const urls = (rule.nonResourceURLs ?? []).map(String);
  const wildcards: WildcardRuleView['wildcards'][number][] = [];
  if (verbs.includes('*')) wildcards.push('verbs');
  if (apiGroups.includes('*')) wildcards.push('apiGroups');
  if (resources.some((resource) => resource === '*' || resource.startsWith('*/'))) wildcards.push('resources');
  if (urls.some((url) => url.endsWith('*'))) wildcards.push('nonResourceURLs');
  if (wildcards.length === 0) return [];
  // As kubectl describe shows them: resource.group, `*.*` for every resource of every group.
  const targets = [
    ...resources.flatMap((resource) => apiGroups.map((group) => (group === '' ? resource : `${resource}.${group}`))),
    ...(urls.length > 0 ? [`non-resource URLs ${urls.join(', ')}`] : []),
  ];
  return [{ index, verbs, apiGroups, resources, wildcards, text: `${verbs.join(',')} on ${targets.join(', ')}` }];
}
