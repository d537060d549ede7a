import { rbacForInventory } from '../../src/app/rbac-input.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { buildInventory, type Inventory } from '../../src/inventory/inventory.js';
import { evaluatePolicies, type Evaluation } from '../../src/policy/evaluate.js';
import type { Exemption, ExemptionMode } from '../../src/policy/exemptions.js';
import type { Finding } from '../../src/policy/finding.js';
import { loadPolicies } from '../../src/app/load-policies.js';
import { readManifests } from '../../src/sources/manifest-files.js';

export const fixedNow = new Date('2026-06-01T00:00:00Z');
const builtIn = await loadPolicies({ includeBuiltIn: true });
export const builtInPacks = builtIn.packs;

/** A scan as the command runs it, in process: read, inventory, default RBAC, all built-in packs. */
export async function scanPaths(paths: readonly string[], options: { namespace?: string } = {}): Promise<Evaluation> {
  return scanDocuments(await readManifests(paths), options);
}

export function scanDocuments(documents: Awaited<ReturnType<typeof readManifests>>, options: { namespace?: string } = {}): Evaluation {
  const inventory = buildInventory(documents, { defaultNamespace: options.namespace ?? 'default', origin: 'files' });
  return evaluatePolicies(inventory, builtInPacks, {
    now: fixedNow,
    rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
  });
}

export function scanObjects(
  objects: readonly unknown[],
  options: { exemptions?: Exemption[]; exemptionMode?: ExemptionMode; origin?: 'files' | 'cluster' } = {},
): Evaluation & { inventory: Inventory } {
  const inventory = buildInventory(
    objects.map((value) => ({ value })),
    { defaultNamespace: 'default', origin: options.origin ?? 'files' },
  );
  const evaluation = evaluatePolicies(inventory, builtInPacks, {
    now: fixedNow,
    rbac: rbacForInventory(inventory, { defaultRbac: true, riskFacts: builtInRiskFacts }),
    ...(options.exemptions ? { exemptions: options.exemptions } : {}),
    ...(options.exemptionMode ? { exemptionMode: options.exemptionMode } : {}),
  });
  return { ...evaluation, inventory };
}

export function countsByRule(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function label(finding: Finding): string {
  const { kind, namespace, name } = finding.object;
  return `${finding.ruleId} ${kind}/${namespace ? `${namespace}/` : ''}${name}`;
}

/** A small set with one cluster-admin ServiceAccount and a workload on the default one: findings of several severities. */
export const clusterAdminObjects: readonly unknown[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ops', namespace: 'a' } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'ops' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'ops', namespace: 'a' }],
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'a' },
    spec: { template: { spec: { containers: [] } } },
  },
];
