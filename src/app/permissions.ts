import { loadBuiltInRiskFacts } from './load-policies.js';
import { compileRiskFacts } from '../rbac/risk-facts.js';
import { serviceAccountRbac } from '../rbac/service-account-rbac.js';
import type { PermissionsReport } from '../report/permissions-report.js';
import type { Outcome } from './outcome.js';
import { modelWarnings, rbacModelFor } from './rbac-input.js';
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
  return {
    data: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'ServiceAccountPermissions',
      defaultRbac: model.defaultRbacVersion ?? null,
      found: inventory.findServiceAccount(namespace, name) !== undefined,
      ...serviceAccountRbac(model, namespace, name),
    },
    notes: inventory.notes,
    warnings: modelWarnings(model),
  };
}
