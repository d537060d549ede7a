import { describe, expect, it } from 'vitest';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { parseDefaultRbac } from '../../src/sources/kube-data-format.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
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
    expect(decision.grants[0]).toMatchObject({ binding: { name: 'npd' }, defaultRbac: true });
    expect(authorize(modelOf(yaml), request).allowed).toBe(false);
  });
});
