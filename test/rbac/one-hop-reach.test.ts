import { describe, expect, it } from 'vitest';
import { generateObjects } from '../../bench/generate.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { oneHopReachCount } from '../../src/rbac/one-hop-reach.js';
import { buildRbacModel, serviceAccountUsername, type RbacModel } from '../../src/rbac/rbac-model.js';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import type { SubjectRef } from '../../src/rbac/types.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';
import { modelOf } from './helpers.js';

/** What the built-in workload-create fact asks (policies/rbac.yaml): creating any of these runs a pod. */
const podBearingResources: readonly (readonly [string, string])[] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['extensions', 'deployments'],
  ['extensions', 'replicasets'],
  ['extensions', 'daemonsets'],
];

/**
 * The oracle: the authorizer itself, asked for every pair. `source` can act as `target` when it may create
 * a pod-bearing object in the target's namespace, create a token for it, or impersonate it (as a
 * ServiceAccount or by its username). Quadratic, so only on small models.
 */
function becomesByAuthorizer(model: RbacModel, source: SubjectRef): number {
  const { user, groups } = serviceAccountIdentity(source.namespace ?? '', source.name);
  const allowed = (attributes: {
    verb: string;
    apiGroup: string;
    resource: string;
    subresource?: string;
    name?: string;
    namespace?: string;
  }) => authorize(model, { user, groups, ...attributes }).allowed;
  let count = 0;
  for (const target of model.serviceAccounts) {
    const namespace = target.namespace ?? '';
    if (namespace === source.namespace && target.name === source.name) continue;
    const reachable =
      podBearingResources.some(([apiGroup, resource]) => allowed({ verb: 'create', apiGroup, resource, namespace })) ||
      allowed({ verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token', name: target.name, namespace }) ||
      allowed({ verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', name: target.name, namespace }) ||
      allowed({ verb: 'impersonate', apiGroup: '', resource: 'users', name: serviceAccountUsername(namespace, target.name) });
    if (reachable) count += 1;
  }
  return count;
}

function expectCountsAgree(model: RbacModel, sources: readonly SubjectRef[]): void {
  const disagreements: string[] = [];
  for (const source of sources) {
    const facts = serviceAccountRbac(model, source.namespace ?? '', source.name).facts;
    const counted = oneHopReachCount(model, source, facts);
    const oracle = becomesByAuthorizer(model, source);
    if (counted !== oracle) disagreements.push(`${source.namespace}/${source.name}: counted ${counted}, authorizer ${oracle}`);
  }
  expect(disagreements).toEqual([]);
}

describe('oneHopReachCount', () => {
  it('counts the namespace for pod creators, named accounts for token minters and impersonators, never the source itself', () => {
    const model = modelOf(`
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: team }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: team }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: api, namespace: team }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: vault, namespace: infra }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: minter, namespace: infra }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: lonely, namespace: infra }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deploy, namespace: team }
rules: [{ apiGroups: [apps], resources: [deployments], verbs: [create] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deploy, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy }
subjects: [{ kind: ServiceAccount, name: deployer }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: mint-vault, namespace: infra }
rules: [{ apiGroups: [""], resources: [serviceaccounts/token], resourceNames: [vault], verbs: [create] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: mint-vault, namespace: infra }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: mint-vault }
subjects: [{ kind: ServiceAccount, name: minter }]
`);
    const count = (namespace: string, name: string) => {
      const source: SubjectRef = { kind: 'ServiceAccount', namespace, name };
      return oneHopReachCount(model, source, serviceAccountRbac(model, namespace, name).facts);
    };
    // team holds deployer, web, api and the implicit default: deployer becomes the three others.
    expect(count('team', 'deployer')).toBe(3);
    expect(count('infra', 'minter')).toBe(1);
    expect(count('infra', 'lonely')).toBe(0);
    expectCountsAgree(model, model.serviceAccounts);
  });

  it('agrees with the authorizer for every ServiceAccount of the dense shape (pods everywhere, tokens, impersonation, cluster-admin)', () => {
    const model = buildRbacModel(
      buildInventory(
        generateObjects('dense', 200).map((value) => ({ value })),
        { defaultNamespace: 'default', origin: 'files' },
      ),
      { defaultRbac: loadDefaultRbac(), riskFacts: builtInRiskFacts },
    );
    const counts = new Set(
      model.serviceAccounts.map((sa) => oneHopReachCount(model, sa, serviceAccountRbac(model, sa.namespace ?? '', sa.name).facts)),
    );
    // The shape has pod creators of one namespace, of every namespace, and plain accounts: several distinct counts.
    expect(counts.size).toBeGreaterThan(2);
    expectCountsAgree(model, model.serviceAccounts);
  });
});
