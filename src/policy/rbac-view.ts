import type { PolicyRule, RoleRef } from '../inventory/kube-object.js';
import { escalationFactIds } from '../rbac/escalation.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { LazyServiceAccountRbac } from '../rbac/service-account-rbac.js';
import type { ServiceAccountRbac } from '../rbac/types.js';
import type { DefaultRbacData } from '../rbac/default-rbac.js';
import { kubernetesDefaultBindings } from './derived/kubernetes-defaults.js';
import type { RbacView } from './derived/scan-context.js';

/**
 * Adapts the RBAC engine's model to what derived documents read. Answers are cached per SA: a Workload
 * and a ServiceAccountProfile of the same SA must not pay for the same answer twice. With Kubernetes'
 * default RBAC given, input bindings identical to a default one are recognised as the control plane's.
 */
export function rbacViewOf(model: RbacModel, kubernetesDefaults?: DefaultRbacData): RbacView {
  const cache = new Map<string, ServiceAccountRbac>();
  return {
    ...(kubernetesDefaults ? { isKubernetesDefaultBinding: kubernetesDefaultBindings(kubernetesDefaults) } : {}),
    serviceAccount(namespace, name) {
      const key = `${namespace}/${name}`;
      let answer = cache.get(key);
      if (!answer) {
        answer = new LazyServiceAccountRbac(model, namespace, name);
        cache.set(key, answer);
      }
      return answer;
    },
    escalationFactIds(namespace, name) {
      return escalationFactIds(model, { kind: 'ServiceAccount', name, namespace });
    },
    roleRules(roleRef: RoleRef, bindingNamespace: string | undefined): readonly PolicyRule[] | undefined {
      const name = roleRef.name ?? '';
      if (roleRef.kind === 'ClusterRole') return model.clusterRoles.get(name)?.rules;
      if (roleRef.kind === 'Role' && bindingNamespace !== undefined) return model.roles.get(`${bindingNamespace}/${name}`)?.rules;
      return undefined;
    },
  };
}
