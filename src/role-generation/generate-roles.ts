/**
 * Least-privilege RBAC for one ServiceAccount as Kubernetes objects: a Role and RoleBinding per namespace
 * it needs, and a ClusterRole and ClusterRoleBinding for what only a cluster-wide grant can allow
 * (cluster-scoped resources, all-namespaces requests, non-resource URLs) — or for everything with
 * `clusterWide`. Pure: permissions in, objects out, the same input giving the same output byte for byte.
 */
import type { ClusterRole, PolicyRule, Role, RoleBinding } from '../inventory/kube-object.js';
import { compactPermissions, compareText, type CompactedRule, type PermissionEntry } from './compact-rules.js';
import type { Provenance } from './permission.js';

export interface RoleGenerationOptions {
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** Name of the generated roles and bindings; default `kubectl-sa:NAME` (ClusterRole: `kubectl-sa:NAMESPACE:NAME`). */
  readonly name?: string | undefined;
  /** Every namespaced permission goes into the ClusterRole, granted in all namespaces. */
  readonly clusterWide?: boolean | undefined;
}

export interface ExplainedRule {
  readonly rule: PolicyRule;
  readonly provenance?: Provenance;
}

export interface GeneratedRole {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** Set for Roles. */
  readonly namespace?: string;
  readonly rules: readonly ExplainedRule[];
  readonly role: Role | ClusterRole;
  readonly binding: RoleBinding;
}

export interface GeneratedRoleSet {
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** ClusterRole first, then Roles by namespace. */
  readonly roles: readonly GeneratedRole[];
}

export const managedByLabel = { 'app.kubernetes.io/managed-by': 'kubectl-sa' } as const;
const rbacApiVersion = 'rbac.authorization.k8s.io/v1';

export function generateRoles(entries: readonly PermissionEntry[], options: RoleGenerationOptions): GeneratedRoleSet {
  const scoped = options.clusterWide ? entries.map((entry) => ({ ...entry, permission: { ...entry.permission, scope: '' } })) : entries;
  const compacted = compactPermissions(scoped);
  const byScope = new Map<string, CompactedRule[]>();
  for (const rule of compacted) {
    const list = byScope.get(rule.scope);
    if (list) list.push(rule);
    else byScope.set(rule.scope, [rule]);
  }
  const { namespace: saNamespace, name: saName } = options.serviceAccount;
  const subject = { kind: 'ServiceAccount', name: saName, namespace: saNamespace };
  const roles: GeneratedRole[] = [];
  for (const scope of [...byScope.keys()].sort(compareText)) {
    const rules = (byScope.get(scope) ?? []).map(({ rule, provenance }) => (provenance ? { rule, provenance } : { rule }));
    const policyRules = rules.map((entry) => entry.rule);
    const clusterWide = scope === '';
    const kind = clusterWide ? 'ClusterRole' : 'Role';
    const name = options.name ?? (clusterWide ? `kubectl-sa:${saNamespace}:${saName}` : `kubectl-sa:${saName}`);
    const metadata = { name, ...(clusterWide ? {} : { namespace: scope }), labels: { ...managedByLabel } };
    roles.push({
      kind,
      name,
      ...(clusterWide ? {} : { namespace: scope }),
      rules,
      role: { apiVersion: rbacApiVersion, kind, metadata, rules: policyRules },
      binding: {
        apiVersion: rbacApiVersion,
        kind: `${kind}Binding`,
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
        subjects: [subject],
      },
    });
  }
  return { serviceAccount: options.serviceAccount, roles };
}
