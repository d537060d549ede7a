/**
 * Escalation paths: which other ServiceAccounts a subject can act as, directly or over several hops, and
 * what it gains there. The edges are the facts that hand over another identity:
 *  - workload-create in a namespace → every ServiceAccount of that namespace (a pod may name any of them);
 *  - token-create → the named ServiceAccounts (all of the namespace without resourceNames);
 *  - impersonate on serviceaccounts, or on users named `system:serviceaccount:…` (or any user).
 */
import { resourceMatches, apiGroupMatches, verbMatches } from './rule-matching.js';
import { serviceAccountUsername, type RbacModel } from './rbac-model.js';
import type { EscalationPath, Grant, RiskFact, RiskFactId, SubjectRef } from './types.js';

export type FactsOf = (serviceAccount: SubjectRef) => readonly RiskFact[];

const saKey = (subject: SubjectRef) => `${subject.namespace ?? ''}/${subject.name}`;

/** The ServiceAccounts one hop away, with the fact that reaches each (first fact wins). */
export function directTargets(model: RbacModel, facts: readonly RiskFact[]): Map<string, { to: SubjectRef; via: RiskFactId }> {
  const targets = new Map<string, { to: SubjectRef; via: RiskFactId }>();
  const add = (via: RiskFactId, namespace: string | undefined, allowedNames: ReadonlySet<string> | undefined, byUsername = false) => {
    for (const sa of model.serviceAccounts) {
      if (namespace !== undefined && sa.namespace !== namespace) continue;
      const name = byUsername ? serviceAccountUsername(sa.namespace ?? '', sa.name) : sa.name;
      if (allowedNames && !allowedNames.has(name)) continue;
      if (!targets.has(saKey(sa))) targets.set(saKey(sa), { to: sa, via });
    }
  };
  for (const fact of facts) {
    if (fact.id === 'workload-create') add('workload-create', fact.namespace, undefined);
    if (fact.id === 'token-create') add('token-create', fact.namespace, namesOf(fact.grants));
    if (fact.id === 'impersonate') {
      const onServiceAccounts = fact.grants.filter((grant) => impersonates(grant, 'serviceaccounts'));
      if (onServiceAccounts.length > 0) add('impersonate', fact.namespace, namesOf(onServiceAccounts));
      const onUsers = fact.grants.filter((grant) => grant.namespace === undefined && impersonates(grant, 'users'));
      if (onUsers.length > 0) add('impersonate', undefined, namesOf(onUsers), true);
    }
  }
  return targets;
}

function impersonates(grant: Grant, resource: string): boolean {
  return verbMatches(grant.rule, 'impersonate') && apiGroupMatches(grant.rule, '') && resourceMatches(grant.rule, resource, '');
}

/** The names the grants allow, or undefined when one of them allows every name. */
function namesOf(grants: readonly Grant[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const grant of grants) {
    const listed = grant.rule.resourceNames ?? [];
    if (listed.length === 0) return undefined;
    for (const name of listed) names.add(name);
  }
  return names;
}

const factKey = (fact: RiskFact) => `${fact.id}@${fact.namespace ?? '*'}`;

/**
 * Breadth-first over the targets, so each path is a shortest one. A target is reported when it holds a fact
 * the source does not (a cluster-wide fact is new even if the source has it in some namespace); targets
 * that add nothing are still walked through, since they may lead further.
 */
export function escalationPaths(model: RbacModel, source: SubjectRef, factsOf: FactsOf): EscalationPath[] {
  const sourceFacts = factsOf(source);
  const held = new Set(sourceFacts.map(factKey));
  const covered = (fact: RiskFact) => held.has(factKey(fact)) || held.has(`${fact.id}@*`);
  const paths: EscalationPath[] = [];
  const visited = new Set([saKey(source)]);
  let frontier: { subject: SubjectRef; hops: EscalationPath['hops']; facts: readonly RiskFact[] }[] = [{ subject: source, hops: [], facts: sourceFacts }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const node of frontier) {
      for (const [key, { to, via }] of directTargets(model, node.facts)) {
        if (visited.has(key)) continue;
        visited.add(key);
        const facts = factsOf(to);
        const hops = [...node.hops, { via, to }];
        const gained = [...new Set(facts.filter((fact) => !covered(fact)).map((fact) => fact.id))];
        if (gained.length > 0) paths.push({ target: to, hops, targetFacts: gained });
        next.push({ subject: to, hops, facts });
      }
    }
    frontier = next;
  }
  return paths;
}
