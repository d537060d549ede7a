/**
 * ClusterRole aggregation as kube-controller-manager's clusterrole-aggregation controller does it
 * (pkg/controller/clusterroleaggregation): an aggregated role's rules are *replaced* by the union of the
 * rules of every other ClusterRole its selectors match, visited selector by selector and by name, without
 * duplicates. Manifests usually ship such roles with empty rules, so offline answers must recompute them.
 */
import type { LabelSelector, LabelSelectorRequirement, PolicyRule } from '../inventory/kube-object.js';
import { isRecord } from '../inventory/kube-object.js';

export interface AggregatableClusterRole {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly PolicyRule[];
  readonly aggregationRule?: { readonly clusterRoleSelectors?: readonly LabelSelector[] } | undefined;
}

/**
 * metav1.LabelSelectorAsSelector semantics: an empty selector matches everything; requirements are ANDed;
 * an invalid requirement (unknown operator, In without values) makes the selector unusable, which the
 * controller treats as an error, so here it matches nothing.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!requirementMatches(requirement, labels)) return false;
  }
  return true;
}

function requirementMatches(requirement: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const key = requirement.key ?? '';
  const values = requirement.values ?? [];
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (requirement.operator) {
    case 'In':
      return values.length > 0 && has && values.includes(labels[key] ?? '');
    case 'NotIn':
      return values.length > 0 && (!has || !values.includes(labels[key] ?? ''));
    case 'Exists':
      return values.length === 0 && has;
    case 'DoesNotExist':
      return values.length === 0 && !has;
    default:
      return false;
  }
}

/** Go's semantic.DeepEqual on rules, which is what the controller uses to drop duplicates. */
function ruleKey(rule: PolicyRule): string {
  const list = (values: readonly string[] | undefined) => JSON.stringify(values ?? []);
  return [rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs].map(list).join('|');
}

/**
 * Resolves every aggregated ClusterRole to a fixpoint (an aggregated role may select other aggregated
 * roles, as `admin` selects `edit` which selects `view`). Returns the effective rules of *every* role, by
 * name; roles without an aggregationRule keep their own rules. Cycles cannot grow rules without bound
 * (the union is finite), and the loop stops after as many rounds as there are roles.
 */
export function aggregateClusterRoles(roles: readonly AggregatableClusterRole[]): Map<string, readonly PolicyRule[]> {
  const effective = new Map<string, readonly PolicyRule[]>();
  for (const role of roles) effective.set(role.name, role.rules);
  const sorted = [...roles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const aggregated = roles
    .filter((role) => isRecord(role.aggregationRule))
    .map((role) => ({
      name: role.name,
      // Labels never change while we iterate, so which roles each selector picks is computed once.
      sources: (role.aggregationRule?.clusterRoleSelectors ?? []).map((selector) =>
        isRecord(selector)
          ? sorted.filter((other) => other.name !== role.name && labelSelectorMatches(selector, other.labels)).map((other) => other.name)
          : [],
      ),
    }));
  if (aggregated.length === 0) return effective;

  for (let round = 0; round <= roles.length; round++) {
    let changed = false;
    for (const role of aggregated) {
      const seen = new Set<string>();
      const rules: PolicyRule[] = [];
      for (const names of role.sources) {
        for (const name of names) {
          for (const rule of effective.get(name) ?? []) {
            const key = ruleKey(rule);
            if (seen.has(key)) continue;
            seen.add(key);
            rules.push(rule);
          }
        }
      }
      const before = effective.get(role.name) ?? [];
      if (before.length !== rules.length || before.some((rule, index) => ruleKey(rule) !== ruleKey(rules[index] ?? {}))) {
        effective.set(role.name, rules);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return effective;
}
