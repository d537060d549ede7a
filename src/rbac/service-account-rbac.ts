/**
 * Everything the engine knows about one ServiceAccount, as the `ServiceAccountRbac` result the policy
 * engine and the views read: bindings, grants, risk facts and escalation paths.
 */
import { allRulesFor, serviceAccountIdentity } from './authorize.js';
import { escalationPaths } from './escalation.js';
import { subjectIndexKey, type RbacModel } from './rbac-model.js';
import { riskFactsOf } from './risk-facts.js';
import type { BindingRefView, RiskFact, ServiceAccountRbac, SubjectRef } from './types.js';

/** The risk facts of one ServiceAccount: what its grants, direct or through its groups, let it do. */
export function serviceAccountFacts(model: RbacModel, serviceAccount: SubjectRef): RiskFact[] {
  return riskFactsOf(allRulesFor(model, serviceAccountIdentity(serviceAccount.namespace ?? '', serviceAccount.name)));
}

const baselineGroups = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

export function serviceAccountRbac(model: RbacModel, namespace: string, name: string): ServiceAccountRbac {
  const subject: SubjectRef = { kind: 'ServiceAccount', name, namespace };
  const identity = serviceAccountIdentity(namespace, name);
  const grants = allRulesFor(model, identity);
  const facts = riskFactsOf(grants);

  // Every binding that names the SA or one of its groups, even one whose role is missing: users want to see it.
  const keys = [subjectIndexKey(subject), ...identity.groups.map((group) => `g:${group}`)];
  const seen = new Set<string>();
  const bindings: BindingRefView[] = [];
  for (const binding of [...new Set(keys.flatMap((key) => model.bindingsBySubject.get(key) ?? []))].sort((a, b) => a.order - b.order)) {
    const key = `${binding.view.kind}/${binding.view.namespace ?? ''}/${binding.view.name}`;
    if (!seen.has(key)) {
      seen.add(key);
      bindings.push(binding.view);
    }
  }

  return {
    subject,
    bindings,
    grants,
    facts,
    escalations: escalationPaths(model, subject, facts),
    baselineOnly: grants.every((grant) => grant.defaultRbac && grant.via.kind === 'Group' && baselineGroups.has(grant.via.name)),
  };
}

/** The result for every ServiceAccount the model knows, sorted by namespace and name. */
export function allServiceAccountRbac(model: RbacModel): ServiceAccountRbac[] {
  return model.serviceAccounts.map((sa) => serviceAccountRbac(model, sa.namespace ?? '', sa.name));
}
