import type { PolicyRule, RoleRef } from '../inventory/kube-object.js';
import { escalationFacts } from '../rbac/escalation.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { resourceScopeLookup, type ApiResource } from '../rbac/resource-table.js';
import { riskFactTraits } from '../rbac/risk-facts.js';
import { LazyServiceAccountRbac } from '../rbac/service-account-rbac.js';
import type { BindingRefView } from '../rbac/types.js';
import type { DefaultRbacData } from '../rbac/default-rbac.js';
import { kubernetesDefaultBindings } from '../rbac/kubernetes-defaults.js';
import type { RbacView } from './derived/scan-context.js';

/**
 * Adapts the RBAC engine's model to what derived documents read. Answers are computed once per identity
 * class (service-account-rbac.ts): a Workload and a ServiceAccountProfile of the same SA, and every SA of a
 * namespace that no binding names, share them rather than pay again. With Kubernetes'
 * default RBAC given, input bindings identical to a default one are recognised as the control plane's.
 */
export function rbacViewOf(model: RbacModel, kubernetesDefaults?: DefaultRbacData, resources?: readonly ApiResource[]): RbacView {
  // Built when a RoleProfile first asks: which bindings name each role, and which hold each rule object.
  let roles: { byRole: Map<string, BindingRefView[]>; byRule: Map<PolicyRule, BindingRefView[]> } | undefined;
  const roleIndex = () => {
    if (roles) return roles;
    const byRole = new Map<string, BindingRefView[]>();
    const byRule = new Map<PolicyRule, BindingRefView[]>();
    for (const binding of model.bindings) {
      const roleNamespace = binding.roleRef.kind === 'Role' ? (binding.namespace ?? '') : '';
      const key = `${binding.roleRef.kind}/${roleNamespace}/${binding.roleRef.name}`;
      const named = byRole.get(key);
      if (named) named.push(binding.view);
      else byRole.set(key, [binding.view]);
      for (const rule of binding.role?.rules ?? []) {
        const holding = byRule.get(rule);
        if (holding) holding.push(binding.view);
        else byRule.set(rule, [binding.view]);
      }
    }
    roles = { byRole, byRule };
    return roles;
  };
  return {
    ...(kubernetesDefaults ? { isKubernetesDefaultBinding: kubernetesDefaultBindings(kubernetesDefaults) } : {}),
    riskFact: (id) => riskFactTraits(model.riskFacts, id),
    bindingsOfRole: (kind, namespace, name) => roleIndex().byRole.get(`${kind}/${namespace ?? ''}/${name}`) ?? [],
    bindingsHoldingRule: (rule) => roleIndex().byRule.get(rule) ?? [],
    isBuiltInRole: (kind, namespace, name) =>
      (kind === 'ClusterRole' ? model.clusterRoles.get(name) : model.roles.get(`${namespace ?? ''}/${name}`))?.defaultRbac ?? false,
    ...(resources ? { resourceScope: resourceScopeLookup(resources) } : {}),
    // A thin handle: its parts are computed once per identity class and shared by every SA of the class.
    serviceAccount(namespace, name) {
      return new LazyServiceAccountRbac(model, namespace, name);
    },
    escalationFacts(namespace, name) {
      return escalationFacts(model, { kind: 'ServiceAccount', name, namespace });
    },
    roleRules(roleRef: RoleRef, bindingNamespace: string | undefined): readonly PolicyRule[] | undefined {
      const name = roleRef.name ?? '';
      if (roleRef.kind === 'ClusterRole') return model.clusterRoles.get(name)?.rules;
      if (roleRef.kind === 'Role' && bindingNamespace !== undefined) return model.roles.get(`${bindingNamespace}/${name}`)?.rules;
      return undefined;
    },
  };
}
