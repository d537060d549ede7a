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

/** A grant every identity of its kind holds: default RBAC given to system:authenticated and the like. */
export function isBaselineGrant(grant: Grant): boolean {
  return grant.defaultRbac && grant.via.kind === 'Group' && baselineGroups.has(grant.via.name);
}

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
      facts ??= riskFactsOf(this.grants, model.riskFacts);
      return facts;
    },
    get baselineOnly() {
      baselineOnly ??= this.grants.every(isBaselineGrant);
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
 * The answer for one ServiceAccount, every part computed (the escalation paths when first read): what
 * `permissions` prints. Spreading or serialising it reads every part.
 */
export function serviceAccountRbac(model: RbacModel, namespace: string, name: string): ServiceAccountRbac {
  const answer = new LazyServiceAccountRbac(model, namespace, name);
  return {
    subject: answer.subject,
    bindings: answer.bindings,
    grants: answer.grants,
    facts: answer.facts,
    get escalations() {
      return answer.escalations;
    },
    baselineOnly: answer.baselineOnly,
  };
}

/**
 * The same answer with every part computed when first read, for scans that ask about every ServiceAccount
 * and read a few parts of each. A class (getters on the prototype), because an object literal with getters
 * costs V8 a few microseconds to create, which is most of a 10,000-SA scan; toJSON() serialises every part.
 */
export class LazyServiceAccountRbac implements ServiceAccountRbac {
  readonly subject: SubjectRef;
  private readonly model: RbacModel;
  private readonly shared: ClassAnswers;
  private paths: readonly EscalationPath[] | undefined;

  constructor(model: RbacModel, namespace: string, name: string) {
    this.subject = { kind: 'ServiceAccount', name, namespace };
    this.model = model;
    this.shared = classAnswers(model, this.subject);
  }

  get bindings(): readonly BindingRefView[] {
    return this.shared.bindings;
  }

  get grants(): readonly Grant[] {
    return this.shared.grants;
  }

  get facts(): readonly RiskFact[] {
    return this.shared.facts;
  }

  /** A walk from this SA over every one it can reach: made only when read. */
  get escalations(): readonly EscalationPath[] {
    this.paths ??= escalationPaths(this.model, this.subject, this.shared.facts);
    return this.paths;
  }

  get baselineOnly(): boolean {
    return this.shared.baselineOnly;
  }

  toJSON(): ServiceAccountRbac {
    return serviceAccountRbac(this.model, this.subject.namespace ?? '', this.subject.name);
  }
}

/** The result for every ServiceAccount the model knows, sorted by namespace and name. */
export function allServiceAccountRbac(model: RbacModel): ServiceAccountRbac[] {
  return model.serviceAccounts.map((sa) => serviceAccountRbac(model, sa.namespace ?? '', sa.name));
}
