import type { PolicyRule, RoleRef } from '../inventory/kube-object.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { serviceAccountRbac } from '../rbac/service-account-rbac.js';
import type { ServiceAccountRbac } from '../rbac/types.js';
import type { RbacView } from './derived/scan-context.js';

/**
 * Adapts the RBAC engine's model to what derived documents read. Answers are cached per SA: a Workload
 * and a ServiceAccountProfile of the same SA must not pay for the same answer twice.
 */
export function rbacViewOf(model: RbacModel): RbacView {
  const cache = new Map<string, ServiceAccountRbac>();
  return {
    serviceAccount(namespace, name) {
      const key = `${namespace}/${name}`;
      let answer = cache.get(key);
      if (!answer) {
        answer = serviceAccountRbac(model, namespace, name);
        cache.set(key, answer);
      }
      return answer;
    },
    roleRules(roleRef: RoleRef, bindingNamespace: string | undefined): readonly PolicyRule[] | undefined {
      const name = roleRef.name ?? '';
      if (roleRef.kind === 'ClusterRole') return model.clusterRoles.get(name)?.rules;
      if (roleRef.kind === 'Role' && bindingNamespace !== undefined) return model.roles.get(`${bindingNamespace}/${name}`)?.rules;
      return undefined;
    },
  };
}
