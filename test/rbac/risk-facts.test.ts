import { describe, expect, it } from 'vitest';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import type { RiskFactId } from '../../src/rbac/types.js';
import { modelOf } from './helpers.js';

/** The SA team:app bound cluster-wide (or in a namespace) to one ClusterRole with the given rules. */
function factsFor(rules: string, options: { namespace?: string } = {}) {
  const kind = options.namespace ? 'RoleBinding' : 'ClusterRoleBinding';
  const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: ${rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: b${options.namespace ? `, namespace: ${options.namespace}` : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects: [{kind: ServiceAccount, name: app, namespace: team}]
`;
  return serviceAccountRbac(modelOf(yaml), 'team', 'app').facts;
}
const ids = (facts: readonly { id: RiskFactId }[]) => facts.map((fact) => fact.id);

describe('risk facts', () => {
  it('cluster-admin: full wildcard, naming rule, role and binding', () => {
    const facts = factsFor('[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]');
    expect(ids(facts)).toContain('cluster-admin');
    const fact = facts.find((f) => f.id === 'cluster-admin');
    expect(fact?.namespace).toBeUndefined();
    expect(fact?.grants[0]).toMatchObject({
      role: { kind: 'ClusterRole', name: 'r' },
      binding: { kind: 'ClusterRoleBinding', name: 'b' },
      rule: { verbs: ['*'] },
    });
  });
  for (const verb of ['get', 'list', 'watch']) {
    it(`secrets-read by ${verb}`, () => {
      expect(ids(factsFor(`[{apiGroups: [""], resources: [secrets], verbs: [${verb}]}]`))).toEqual(['secrets-read']);
    });
  }
  it('secrets-read per namespace through a RoleBinding', () => {
    const facts = factsFor('[{apiGroups: [""], resources: [secrets], verbs: [list]}]', { namespace: 'prod' });
    expect(facts).toMatchObject([{ id: 'secrets-read', namespace: 'prod' }]);
    expect(facts[0]?.detail).toMatch(/in namespace prod/);
  });
  it('secrets-read limited to names says which', () => {
    expect(factsFor('[{apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [tls]}]')[0]?.detail).toMatch(/only tls/);
  });
  it('workload-create: pods and pod-bearing workloads in any group', () => {
    expect(ids(factsFor('[{apiGroups: [""], resources: [pods], verbs: [create]}]'))).toEqual(['workload-create']);
    expect(ids(factsFor('[{apiGroups: [batch], resources: [cronjobs], verbs: [create]}]'))).toEqual(['workload-create']);
    expect(ids(factsFor('[{apiGroups: ["*"], resources: [deployments], verbs: [create]}]'))).toEqual(['workload-create']);
    expect(ids(factsFor('[{apiGroups: [apps], resources: [deployments], verbs: [get, list]}]'))).toEqual([]);
  });
  it('escalate and bind on roles and clusterroles, not on the binding resources', () => {
    expect(ids(factsFor('[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, bind]}]'))).toEqual([
      'escalate',
      'bind',
    ]);
    expect(ids(factsFor('[{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [bind]}]'))).toEqual([]);
  });
  it('impersonate users, groups, serviceaccounts or userextras; system:masters through groups', () => {
    expect(ids(factsFor('[{apiGroups: [""], resources: [users], verbs: [impersonate]}]'))).toEqual(['impersonate']);
    expect(ids(factsFor('[{apiGroups: [authentication.k8s.io], resources: [userextras/scopes], verbs: [impersonate]}]'))).toEqual([
      'impersonate',
    ]);
    expect(ids(factsFor('[{apiGroups: [""], resources: [groups], verbs: [impersonate]}]'))).toEqual(['system-masters', 'impersonate']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: [devs]}]'))).toEqual(['impersonate']);
  });
  it('token-create on serviceaccounts/token', () => {
    expect(ids(factsFor('[{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}]'))).toEqual(['token-create']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [serviceaccounts], verbs: [create]}]'))).toEqual([]);
  });
  it('nodes-proxy with any verb, get included; only cluster-wide', () => {
    expect(ids(factsFor('[{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]'))).toEqual(['nodes-proxy']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]', { namespace: 'x' }))).toEqual([]);
  });
  it('csr-approve needs the approval subresource and approve on signers', () => {
    const approval = '{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}';
    const signers =
      '{apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: [kubernetes.io/kubelet-serving]}';
    expect(ids(factsFor(`[${approval}, ${signers}]`))).toEqual(['csr-approve']);
    expect(ids(factsFor(`[${approval}]`))).toEqual([]);
  });
  it('webhook-write, pv-create, pod-exec, namespace-patch, rbac-write', () => {
    expect(
      ids(factsFor('[{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch]}]')),
    ).toEqual(['webhook-write']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [persistentvolumes], verbs: [create]}]'))).toEqual(['pv-create']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [pods/exec], verbs: [create]}]'))).toEqual(['pod-exec']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]}]'))).toEqual(['pod-exec']);
    expect(ids(factsFor('[{apiGroups: [""], resources: [namespaces], verbs: [patch]}]'))).toEqual(['namespace-patch']);
    expect(ids(factsFor('[{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}]'))).toEqual(['rbac-write']);
  });
  it('*/subresource rules count', () => {
    expect(ids(factsFor('[{apiGroups: [""], resources: ["*/exec"], verbs: [create]}]'))).toEqual(['pod-exec']);
  });
  it('rights granted through system:serviceaccounts count', () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "system:serviceaccounts:team"}]
`;
    const result = serviceAccountRbac(modelOf(yaml, { defaultRbac: true }), 'team', 'app');
    expect(ids(result.facts)).toContain('cluster-admin');
    expect(result.baselineOnly).toBe(false);
  });
  it('an SA with only default RBAC is baseline-only and has no facts', () => {
    const result = serviceAccountRbac(modelOf('', { defaultRbac: true }), 'team', 'app');
    expect(result.grants.length).toBeGreaterThan(0);
    expect(result.facts).toEqual([]);
    expect(result.baselineOnly).toBe(true);
  });
});
