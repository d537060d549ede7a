/** How a grant's pieces read in tables, shared by the RBAC views so they all say it the same way. */
import type { PolicyRule } from '../inventory/kube-object.js';
import type { BindingRefView, Grant, RoleRefView, SubjectRef, UnreadRbac } from '../rbac/types.js';
import { describeUnread } from '../rbac/unread-rbac.js';

export function formatBinding(binding: BindingRefView): string {
  return binding.namespace === undefined ? `ClusterRoleBinding/${binding.name}` : `RoleBinding/${binding.namespace}/${binding.name}`;
}

export function formatRole(role: RoleRefView): string {
  return role.namespace === undefined ? `ClusterRole/${role.name}` : `Role/${role.namespace}/${role.name}`;
}

export function formatSubject(subject: SubjectRef): string {
  return subject.kind === 'ServiceAccount'
    ? `ServiceAccount/${subject.namespace ?? ''}:${subject.name}`
    : `${subject.kind}/${subject.name}`;
}

export function formatScope(grant: Grant): string {
  return grant.namespace === undefined ? 'cluster-wide' : grant.namespace;
}

/** `resource.group` as kubectl prints it (`deployments.apps`, bare for the core group), or the URLs. */
export function formatRuleTargets(rule: PolicyRule): string {
  if ((rule.nonResourceURLs ?? []).length > 0) return (rule.nonResourceURLs ?? []).join(',');
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  return resources.flatMap((resource) => groups.map((group) => (group === '' ? resource : `${resource}.${group}`))).join(',');
}

export function formatList(values: readonly string[] | undefined): string {
  return `[${(values ?? []).join(' ')}]`;
}

/** `Incomplete: could not read ClusterRoleBindings (forbidden), …: <consequence>.` under an RBAC answer's table. */
export function incompleteLine(unread: readonly UnreadRbac[], consequence: string): string {
  return `Incomplete: could not read ${unread.map(describeUnread).join(', ')}: ${consequence}.`;
}
