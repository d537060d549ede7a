import { describe, expect, it } from 'vitest';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { parseDefaultRbac } from '../../src/sources/kube-data-format.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { permissionsPrinters } from '../../src/report/permissions-report.js';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import type { ServiceAccountRbac } from '../../src/rbac/types.js';
import { modelOf } from './helpers.js';

const sa = serviceAccountIdentity('team', 'app');

describe('default RBAC data', () => {
  it('ships the bootstrap roles and bindings with where they came from', () => {
    const data = loadDefaultRbac();
    expect(data.kubernetesVersion).not.toBe('');
    expect(data.source).toMatch(/bootstrap|kube-apiserver/);
    const names = data.clusterRoles.map((role) => role.metadata.name);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer']) {
      expect(names).toContain(name);
    }
    expect(data.clusterRoleBindings.map((binding) => binding.metadata.name)).toContain('system:discovery');
  });
  it('rejects data of the wrong shape', () => {
    expect(() => parseDefaultRbac({ clusterRoles: 'x' })).toThrow(/clusterRoles/);
  });
});

describe('default RBAC in answers', () => {
  const withDefaults = modelOf('', { defaultRbac: true });
  const without = modelOf('');
  it('system:basic-user lets every authenticated identity create SelfSubjectAccessReviews', () => {
    const request = { ...sa, verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' };
    const decision = authorize(withDefaults, request);
    expect(decision.allowed).toBe(true);
    expect(decision.grants[0]).toMatchObject({
      role: { name: 'system:basic-user' },
      via: { kind: 'Group', name: 'system:authenticated' },
      defaultRbac: true,
    });
    expect(authorize(without, request).allowed).toBe(false);
  });
  it('system:discovery and system:public-info-viewer grant the discovery and version URLs', () => {
    expect(authorize(withDefaults, { ...sa, verb: 'get', nonResourceURL: '/apis/apps/v1' }).allowed).toBe(true);
    expect(authorize(withDefaults, { ...sa, verb: 'get', nonResourceURL: '/version' }).allowed).toBe(true);
    expect(authorize(withDefaults, { ...sa, verb: 'get', nonResourceURL: '/metrics' }).allowed).toBe(false);
  });
  it('view, edit and admin are aggregated from the bootstrap aggregate-to-* roles', () => {
    const rules = (name: string) => withDefaults.clusterRoles.get(name)?.rules ?? [];
    expect(rules('view').length).toBeGreaterThan(0);
    expect(rules('edit').length).toBeGreaterThan(rules('view').length);
    expect(rules('admin').length).toBeGreaterThan(rules('edit').length);
  });
  it('the input replaces a default object of the same name', () => {
    const model = modelOf(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:basic-user}
rules: []
`,
      { defaultRbac: true },
    );
    expect(
      authorize(model, { ...sa, verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }).allowed,
    ).toBe(false);
  });
  it('an input binding to a bootstrap ClusterRole grants its rules', () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: npd}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node-problem-detector}
subjects: [{kind: ServiceAccount, name: app, namespace: team}]
`;
    const request = { ...sa, verb: 'patch', apiGroup: '', resource: 'nodes', subresource: 'status' };
    const decision = authorize(modelOf(yaml, { defaultRbac: true }), request);
    expect(decision.allowed).toBe(true);
    // The input's binding to a built-in role: the role is Kubernetes', the binding is not.
    expect(decision.grants[0]).toMatchObject({ binding: { name: 'npd' }, defaultRbac: false, builtInRole: true });
    expect(authorize(modelOf(yaml), request).allowed).toBe(false);
  });

  it("a binding of the input to a default role, for every authenticated identity, is not Kubernetes' baseline", () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-is-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]
`;
    const model = modelOf(yaml, { defaultRbac: true });
    const answer = serviceAccountRbac(model, 'team', 'app');
    expect(answer.baselineOnly).toBe(false);
    const admin = answer.grants.find((grant) => grant.binding.name === 'everyone-is-admin');
    expect(admin).toMatchObject({ role: { name: 'cluster-admin' }, defaultRbac: false });
    expect(renderPermissions(answer)).toContain(
      'ClusterRoleBinding/everyone-is-admin → ClusterRole/cluster-admin  (cluster-wide, through Group/system:authenticated, your binding to a built-in role)\n',
    );
    expect(renderPermissions(answer)).not.toContain("Only Kubernetes' default RBAC applies");
    // Kubernetes' own grants to everyone stay the baseline.
    expect(serviceAccountRbac(modelOf('', { defaultRbac: true }), 'team', 'app').baselineOnly).toBe(true);
  });

  it("a default binding to a role the input replaced is not Kubernetes' own either", () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:basic-user}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
`;
    const answer = serviceAccountRbac(modelOf(yaml, { defaultRbac: true }), 'team', 'app');
    expect(answer.grants.find((grant) => grant.role.name === 'system:basic-user')?.defaultRbac).toBe(false);
    expect(answer.baselineOnly).toBe(false);
  });
});

function renderPermissions(answer: ServiceAccountRbac): string {
  const report = {
    apiVersion: 'kubectl-sa.dev/v1' as const,
    kind: 'ServiceAccountPermissions' as const,
    defaultRbac: null,
    found: true,
    complete: true,
    unread: [],
    ...answer,
  };
  return permissionsPrinters.print(report, 'table', { colour: false, noHeaders: false, toolVersion: '', cwd: '', warn: () => {} });
}
