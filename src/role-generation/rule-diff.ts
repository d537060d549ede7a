/**
 * `role generate --diff`: generated roles against what the ServiceAccount holds today. Each generated
 * rule is `held` (the RBAC engine already allows every permission of it) or `add`; each rule the
 * ServiceAccount holds now (its own grants, not what every identity holds) is `kept` (the generated
 * roles allow all of it), `narrowed` (they allow part of it, or a narrower form: named objects only) or
 * `dropped` (nothing of it is needed). Both sides are asked with the
 * authorizer's own matching, so wildcards and resourceNames count as RBAC counts them.
 */
import type { PolicyRule } from '../inventory/kube-object.js';
import { allRulesFor, authorize, serviceAccountIdentity } from '../rbac/authorize.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { isBaselineGrant } from '../rbac/service-account-rbac.js';
import type { Grant } from '../rbac/types.js';
import type { GeneratedRoleSet } from './generate-roles.js';
import { attributesOf, cutList, describePermission, permissionsOfRule, ruleCovers, type Permission } from './permission.js';

export interface GeneratedRuleStatus {
  readonly role: { readonly kind: 'Role' | 'ClusterRole'; readonly name: string; readonly namespace?: string };
  readonly rule: PolicyRule;
  readonly status: 'held' | 'add';
  /** The permissions of the rule the ServiceAccount does not hold today. */
  readonly missing: readonly string[];
}

/** A rule the ServiceAccount holds (with its role, binding, scope and via), and what becomes of it. */
export interface CurrentRuleStatus extends Grant {
  readonly status: 'kept' | 'narrowed' | 'dropped';
  /** The permissions of the rule the generated roles do not allow. */
  readonly beyond: readonly string[];
}

export interface RoleDiff {
  readonly generated: readonly GeneratedRuleStatus[];
  readonly current: readonly CurrentRuleStatus[];
  /** Something to add or something held that the generated roles would not allow. */
  readonly changes: boolean;
}

/** Permissions listed per rule before the list is cut short with "…". */
const listed = 20;

export function diffRoles(model: RbacModel, generated: GeneratedRoleSet): RoleDiff {
  const { namespace, name } = generated.serviceAccount;
  const identity = serviceAccountIdentity(namespace, name);

  const generatedStatus: GeneratedRuleStatus[] = [];
  const generatedRules: { scope: string; rule: PolicyRule }[] = [];
  for (const role of generated.roles) {
    const scope = role.namespace ?? '';
    for (const { rule } of role.rules) {
      generatedRules.push({ scope, rule });
      const missing = permissionsOfRule(rule, scope).filter(
        (permission) => !authorize(model, { ...identity, ...attributesOf(permission) }).allowed,
      );
      generatedStatus.push({
        role: { kind: role.kind, name: role.name, ...(role.namespace === undefined ? {} : { namespace: role.namespace }) },
        rule,
        status: missing.length === 0 ? 'held' : 'add',
        missing: cutList(
          missing.map((permission) => describePermission(permission, { withScope: true })),
          listed,
        ),
      });
    }
  }

  const generatedPermissions = generatedRules.flatMap(({ scope, rule }) => permissionsOfRule(rule, scope));
  const current: CurrentRuleStatus[] = [];
  for (const grant of allRulesFor(model, identity)) {
    if (isBaselineGrant(grant)) continue;
    const permissions = permissionsOfRule(grant.rule, grant.namespace ?? '');
    const beyond = permissions.filter(
      (permission) =>
        !generatedRules.some(({ scope, rule }) => (scope === '' || scope === permission.scope) && ruleCovers(rule, permission)),
    );
    current.push({
      ...grant,
      status: beyond.length === 0 ? 'kept' : overlaps(grant.rule, grant.namespace, generatedPermissions) ? 'narrowed' : 'dropped',
      beyond: cutList(
        beyond.map((permission) => describePermission(permission, { withScope: true })),
        listed,
      ),
    });
  }
  return {
    generated: generatedStatus,
    current,
    changes: generatedStatus.some((rule) => rule.status === 'add') || current.some((rule) => rule.status !== 'kept'),
  };
}

/** Whether a held rule allows some of the generated permissions (then it is narrowed, not dropped). */
function overlaps(rule: PolicyRule, namespace: string | undefined, generated: readonly Permission[]): boolean {
  return generated.some((permission) => (namespace === undefined || permission.scope === namespace) && ruleCovers(rule, permission));
}
