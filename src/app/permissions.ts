import { loadBuiltInRiskFacts } from './load-policies.js';
import { compileRiskFacts } from '../rbac/risk-facts.js';
import { serviceAccountIdentity } from '../rbac/authorize.js';
import { serviceAccountRbac } from '../rbac/service-account-rbac.js';
import { unreadRbac } from '../rbac/unread-rbac.js';
import type { PermissionsReport } from '../report/permissions-report.js';
import type { Outcome } from './outcome.js';
import { rbacModelFor } from './rbac-input.js';
import { rbacAnswerReport, unreadWarnings } from './rbac-unread.js';
import { readInput, type InputOptions } from './read-input.js';

export interface PermissionsOptions {
  readonly input: InputOptions;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  readonly defaultRbac: boolean;
}

/** A ServiceAccount's effective rules, risk facts and escalation paths: `kubectl sa permissions`. */
export async function permissionsOf(options: PermissionsOptions): Promise<Outcome<PermissionsReport>> {
  const { namespace, name } = options.serviceAccount;
  const { inventory } = await readInput(options.input, { resources: 'rbac' });
  const model = rbacModelFor(inventory, { defaultRbac: options.defaultRbac, riskFacts: compileRiskFacts(await loadBuiltInRiskFacts()) });
  // Its rules anywhere: ClusterRoleBindings and the RoleBindings of every namespace, to it or its groups.
  const unread = unreadRbac(model, 'every-namespace', serviceAccountIdentity(namespace, name));
  const why = unreadWarnings(unread, `may grant ${namespace}:${name} rules not listed here`);
  return {
    data: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'ServiceAccountPermissions',
      defaultRbac: model.defaultRbacVersion ?? null,
      found: inventory.findServiceAccount(namespace, name) !== undefined,
      ...serviceAccountRbac(model, namespace, name),
      complete: unread.length === 0,
      unread,
    },
    ...rbacAnswerReport(model, inventory.notes, undefined, why, { usesServiceAccounts: true }),
  };
}
