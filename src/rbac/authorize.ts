/**
 * Kubernetes' RBAC authorizer as a pure function (plugin/pkg/auth/authorizer/rbac): the same attributes a
 * SubjectAccessReview carries in, allowed/denied and the grants that allow out. ClusterRoleBindings are
 * visited first, then the RoleBindings of the request's namespace, as the rule resolver does.
 */
import type { RbacModel, BindingRecord } from './rbac-model.js';
import { serviceAccountUserPrefix, subjectIndexKey } from './rbac-model.js';
import { ruleAllows } from './rule-matching.js';
import type { AccessDecision, AccessRequest, Grant, SubjectRef } from './types.js';

/** The group kube-apiserver's privileged-group authorizer allows before RBAC is asked. */
export const systemMasters = 'system:masters';

export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
}

export function authorize(model: RbacModel, request: AccessRequest): AccessDecision {
  if (request.groups.includes(systemMasters)) {
    return { allowed: true, reason: `${systemMasters} is allowed everything before RBAC is consulted`, grants: [] };
  }
  const namespace = 'nonResourceURL' in request ? '' : (request.namespace ?? '');
  const grants: Grant[] = [];
  for (const { binding, via } of bindingsOf(model, request, namespace)) {
    for (const rule of binding.role?.rules ?? []) {
      if (ruleAllows(rule, request)) grants.push(grantOf(binding, rule, via));
    }
  }
  const first = grants[0];
  if (!first) return { allowed: false, reason: 'no RBAC policy matched', grants };
  const where = first.binding.namespace === undefined ? '' : ` in namespace ${JSON.stringify(first.binding.namespace)}`;
  const reason = `RBAC: allowed by ${first.binding.kind} ${JSON.stringify(first.binding.name)} of ${first.role.kind} ${JSON.stringify(first.role.name)} to ${first.via.kind} ${JSON.stringify(first.via.name)}${where}`;
  return { allowed: true, reason, grants };
}

/**
 * Every rule an identity holds in a namespace, like SelfSubjectRulesReview: `` counts only ClusterRoleBindings
 * (an all-namespaces or cluster-scoped request), undefined counts RoleBindings of every namespace too.
 */
export function rulesFor(model: RbacModel, identity: Identity, namespace: string | undefined): Grant[] {
  const grants: Grant[] = [];
  for (const { binding, via } of bindingsOf(model, identity, namespace)) {
    for (const rule of binding.role?.rules ?? []) grants.push(grantOf(binding, rule, via));
  }
  return grants;
}

/** Every rule an identity holds anywhere: cluster-wide and in every namespace. */
export function allRulesFor(model: RbacModel, identity: Identity): Grant[] {
  return rulesFor(model, identity, undefined);
}

export function grantOf(binding: BindingRecord, rule: Grant['rule'], via: SubjectRef): Grant {
  const role = binding.role;
  if (!role) throw new Error('grantOf: binding without a role grants nothing');
  return {
    rule,
    role: role.view,
    binding: binding.view,
    ...(binding.namespace === undefined ? {} : { namespace: binding.namespace }),
    via,
    // Kubernetes' own only when both are: a binding of the input to a default role (cluster-admin, view) is
    // the user's grant, and so is a default binding to a role the input replaced.
    defaultRbac: binding.defaultRbac && role.unchangedDefault,
    builtInRole: role.defaultRbac,
  };
}

/**
 * The bindings that apply to an identity in a namespace (undefined: every namespace), each with the first
 * of its subjects that matches, in the authorizer's order: ClusterRoleBindings, then RoleBindings.
 */
function bindingsOf(model: RbacModel, identity: Identity, namespace: string | undefined): { binding: BindingRecord; via: SubjectRef }[] {
  const keys = identityKeys(identity);
  const candidates = bindingsNaming(model, identity);
  const keySet = new Set(keys);
  const applies = (binding: BindingRecord) =>
    binding.role !== undefined &&
    (binding.namespace === undefined || namespace === undefined || (namespace !== '' && binding.namespace === namespace));
  const ordered = [...candidates].filter(applies).sort((a, b) => a.order - b.order);
  return ordered.flatMap((binding) => {
    const via = binding.subjects.find((subject) => keySet.has(subjectIndexKey(subject)));
    return via ? [{ binding, via }] : [];
  });
}

/** The subject index keys an identity matches: its user name and each of its groups. */
function identityKeys(identity: Identity): string[] {
  return [`u:${identity.user}`, ...identity.groups.map((group) => `g:${group}`)];
}

/** Every binding that names the identity, by its user name or one of its groups, whatever its scope or role. */
export function bindingsNaming(model: RbacModel, identity: Identity): Set<BindingRecord> {
  const found = new Set<BindingRecord>();
  for (const key of identityKeys(identity)) for (const binding of model.bindingsBySubject.get(key) ?? []) found.add(binding);
  return found;
}

/** The identity a ServiceAccount authenticates as: its username and the three groups every SA token carries. */
export function serviceAccountIdentity(namespace: string, name: string): Identity {
  return {
    user: `${serviceAccountUserPrefix}${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}
