import type { PolicyRule, RoleRef } from '../inventory/kube-object.js';
import { allRulesFor, serviceAccountIdentity } from '../rbac/authorize.js';
import { escalationPaths } from '../rbac/escalation.js';
import { subjectIndexKey, type RbacModel } from '../rbac/rbac-model.js';
import { serviceAccountFacts } from '../rbac/service-account-rbac.js';
import type { BindingRefView, EscalationPath, ServiceAccountRbac, SubjectRef } from '../rbac/types.js';
import type { RbacView } from './derived/scan-context.js';

/**
 * Adapts the RBAC engine's model to what derived documents read. Answers are cached per SA: a Workload
 * and a ServiceAccountProfile of the same SA must not pay twice.
 */
export function rbacViewOf(model: RbacModel): RbacView {
  const cache = new Map<string, ServiceAccountRbac>();
  return {
    serviceAccount(namespace, name) {
      const key = `${namespace}/${name}`;
      let answer = cache.get(key);
      if (!answer) {
        answer = lazyServiceAccountRbac(model, namespace, name);
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

const baselineGroups = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

/**
 * The engine's `serviceAccountRbac` answer, with escalation paths computed only when something reads
 * them. Paths walk the whole model and cost more than everything else a scan does per SA (about 60% of
 * policy time on the 10,000-object benchmark), while the built-in rules never read them.
 * TODO(rbac): move this laziness into `serviceAccountRbac` itself and drop the copy of its bindings and
 * baseline logic here.
 */
function lazyServiceAccountRbac(model: RbacModel, namespace: string, name: string): ServiceAccountRbac {
  const subject: SubjectRef = { kind: 'ServiceAccount', name, namespace };
  const identity = serviceAccountIdentity(namespace, name);
  const grants = allRulesFor(model, identity);
  const keys = [subjectIndexKey(subject), ...identity.groups.map((group) => `g:${group}`)];
  const seen = new Set<string>();
  const bindings: BindingRefView[] = [];
  for (const binding of [...new Set(keys.flatMap((key) => model.bindingsBySubject.get(key) ?? []))].sort((a, b) => a.order - b.order)) {
    const key = `${binding.view.kind}/${binding.view.namespace ?? ''}/${binding.view.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    bindings.push(binding.view);
  }
  let escalations: readonly EscalationPath[] | undefined;
  return {
    subject,
    bindings,
    grants,
    facts: serviceAccountFacts(model, subject),
    get escalations() {
      escalations ??= escalationPaths(model, subject, (target) => serviceAccountFacts(model, target));
      return escalations;
    },
    baselineOnly: grants.every((grant) => grant.defaultRbac && grant.via.kind === 'Group' && baselineGroups.has(grant.via.name)),
  };
}
