/**
 * Everything the engine knows about one ServiceAccount, as the `ServiceAccountRbac` result the policy
 * engine and the views read: bindings, grants, risk facts and escalation paths.
 *
 * Grants, bindings and facts are the same for every SA of an identity class (identity-classes.ts), so they
 * are computed once per class and shared; each part is computed when first read, and the escalation paths
 * (a walk over the SAs the source can reach) only when something reads them.
 */
import { allRulesFor, serviceAccountIdentity } from './authorize.js';
import { escalationPaths } from './escalation.js';
import { identityClasses, type IdentityClass } from './identity-classes.js';
import { subjectIndexKey, type RbacModel } from './rbac-model.js';
import { riskFactsOf } from './risk-facts.js';
import type { BindingRefView, EscalationPath, Grant, RiskFact, ServiceAccountRbac, SubjectRef } from './types.js';

/** The risk facts of one ServiceAccount: what its grants, direct or through its groups, let it do. */
export function serviceAccountFacts(model: RbacModel, serviceAccount: SubjectRef): RiskFact[] {
  return [...classAnswers(model, serviceAccount).facts];
}

const baselineGroups = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

interface ClassAnswers {
  readonly grants: readonly Grant[];
  readonly bindings: readonly BindingRefView[];
  readonly facts: readonly RiskFact[];
  readonly baselineOnly: boolean;
}

const answers = new WeakMap<RbacModel, Map<IdentityClass, ClassAnswers>>();

function classAnswers(model: RbacModel, serviceAccount: SubjectRef): ClassAnswers {
  const namespace = serviceAccount.namespace ?? '';
  const identity = identityClasses(model).classOf(namespace, serviceAccount.name);
  let byClass = answers.get(model);
  if (!byClass) {
    byClass = new Map();
    answers.set(model, byClass);
  }
  let found = byClass.get(identity);
  if (!found) {
    // Any member answers for the class: no binding names a member of a namespace class by username.
    found = lazyAnswers(model, namespace, identity.named?.name ?? serviceAccount.name);
    byClass.set(identity, found);
  }
  return found;
}

function lazyAnswers(model: RbacModel, namespace: string, name: string): ClassAnswers {
  const identity = serviceAccountIdentity(namespace, name);
  let grants: readonly Grant[] | undefined;
  let bindings: readonly BindingRefView[] | undefined;
  let facts: readonly RiskFact[] | undefined;
  let baselineOnly: boolean | undefined;
  return {
    get grants() {
      grants ??= allRulesFor(model, identity);
      return grants;
    },
    get bindings() {
      bindings ??= bindingsNaming(model, { kind: 'ServiceAccount', name, namespace }, identity.groups);
      return bindings;
    },
    get facts() {
      facts ??= riskFactsOf(this.grants);
      return facts;
    },
    get baselineOnly() {
      baselineOnly ??= this.grants.every((grant) => grant.defaultRbac && grant.via.kind === 'Group' && baselineGroups.has(grant.via.name));
      return baselineOnly;
    },
  };
}

/** Every binding that names the SA or one of its groups, even one whose role is missing: users want to see it. */
function bindingsNaming(model: RbacModel, subject: SubjectRef, groups: readonly string[]): BindingRefView[] {
  const keys = [subjectIndexKey(subject), ...groups.map((group) => `g:${group}`)];
  const seen = new Set<string>();
  const bindings: BindingRefView[] = [];
  for (const binding of [...new Set(keys.flatMap((key) => model.bindingsBySubject.get(key) ?? []))].sort((a, b) => a.order - b.order)) {
    const key = `${binding.view.kind}/${binding.view.namespace ?? ''}/${binding.view.name}`;
    if (!seen.has(key)) {
      seen.add(key);
      bindings.push(binding.view);
    }
  }
  return bindings;
}

/**
 * The answer for one ServiceAccount. Its parts are computed when read (and shared with the SA's class);
 * the properties are enumerable getters, so spreading or serialising the result reads them all.
 */
export function serviceAccountRbac(model: RbacModel, namespace: string, name: string): ServiceAccountRbac {
  const subject: SubjectRef = { kind: 'ServiceAccount', name, namespace };
  const shared = classAnswers(model, subject);
  let escalations: readonly EscalationPath[] | undefined;
  return {
    subject,
    get bindings() {
      return shared.bindings;
    },
    get grants() {
      return shared.grants;
    },
    get facts() {
      return shared.facts;
    },
    get escalations() {
      escalations ??= escalationPaths(model, subject, shared.facts);
      return escalations;
    },
    get baselineOnly() {
      return shared.baselineOnly;
    },
  };
}

/** The result for every ServiceAccount the model knows, sorted by namespace and name. */
export function allServiceAccountRbac(model: RbacModel): ServiceAccountRbac[] {
  return model.serviceAccounts.map((sa) => serviceAccountRbac(model, sa.namespace ?? '', sa.name));
}
