import { describe, expect, it } from 'vitest';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { modelOf } from './helpers.js';

const podReader = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [nodes], verbs: [get]}
- {nonResourceURLs: [/metrics], verbs: [get]}
`;
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  subjects: string,
  roleRef = 'kind: ClusterRole, name: pod-reader',
  namespace = 'team',
) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: b${kind === 'RoleBinding' ? `, namespace: ${namespace}` : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, ${roleRef}}
subjects: ${subjects}
`;
const sa = serviceAccountIdentity('team', 'app');
const pods = (namespace: string | undefined, verb = 'get') => ({
  ...sa,
  verb,
  apiGroup: '',
  resource: 'pods',
  ...(namespace === undefined ? {} : { namespace }),
});

describe('RoleBindings', () => {
  const model = modelOf(podReader + binding('RoleBinding', '[{kind: ServiceAccount, name: app, namespace: team}]'));
  it('grant inside their namespace, through a ClusterRole', () => {
    const decision = authorize(model, pods('team'));
    expect(decision.allowed).toBe(true);
    expect(decision.grants[0]).toMatchObject({
      binding: { kind: 'RoleBinding', name: 'b', namespace: 'team' },
      role: { kind: 'ClusterRole', name: 'pod-reader' },
      namespace: 'team',
    });
  });
  it('grant nothing in another namespace', () => {
    expect(authorize(model, pods('other')).allowed).toBe(false);
  });
  it('never grant all-namespaces requests', () => {
    expect(authorize(model, pods('', 'list')).allowed).toBe(false);
    expect(authorize(model, pods(undefined, 'list')).allowed).toBe(false);
  });
  it('never grant cluster-scoped resources', () => {
    expect(authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'nodes' }).allowed).toBe(false);
  });
  it('never grant non-resource URLs', () => {
    expect(authorize(model, { ...sa, verb: 'get', nonResourceURL: '/metrics' }).allowed).toBe(false);
  });
  it('grant through a Role of their own namespace', () => {
    const withRole = modelOf(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: team}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
` + binding('RoleBinding', '[{kind: ServiceAccount, name: app}]', 'kind: Role, name: r'),
    );
    expect(authorize(withRole, pods('team')).allowed).toBe(true);
  });
});

describe('ClusterRoleBindings', () => {
  const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: ServiceAccount, name: app, namespace: team}]'));
  it('grant in every namespace and for all namespaces', () => {
    expect(authorize(model, pods('any')).allowed).toBe(true);
    expect(authorize(model, pods('', 'list')).allowed).toBe(true);
  });
  it('grant cluster-scoped resources and non-resource URLs', () => {
    expect(authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'nodes' }).allowed).toBe(true);
    expect(authorize(model, { ...sa, verb: 'get', nonResourceURL: '/metrics' }).allowed).toBe(true);
  });
  it('to a Role grant nothing', () => {
    const toRole = modelOf(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: team}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
` + binding('ClusterRoleBinding', '[{kind: ServiceAccount, name: app, namespace: team}]', 'kind: Role, name: pod-reader'),
    );
    expect(authorize(toRole, pods('team')).allowed).toBe(false);
  });
});

describe('ServiceAccount subjects', () => {
  it('without a namespace take the RoleBinding’s', () => {
    const model = modelOf(podReader + binding('RoleBinding', '[{kind: ServiceAccount, name: app}]'));
    expect(authorize(model, pods('team')).allowed).toBe(true);
  });
  it('without a namespace in a ClusterRoleBinding match nobody', () => {
    const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: ServiceAccount, name: app}]'));
    expect(authorize(model, pods('team')).allowed).toBe(false);
    expect(model.warnings.map((warning) => warning.message).join('\n')).toMatch(/without a namespace/);
  });
  it('match only their own namespace', () => {
    const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: ServiceAccount, name: app, namespace: elsewhere}]'));
    expect(authorize(model, pods('team')).allowed).toBe(false);
  });
  it('are also matched by a User subject with the SA’s username', () => {
    const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: User, name: "system:serviceaccount:team:app"}]'));
    expect(authorize(model, pods('team')).allowed).toBe(true);
  });
  it('kinds are case-sensitive', () => {
    const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: serviceaccount, name: app, namespace: team}]'));
    expect(authorize(model, pods('team')).allowed).toBe(false);
  });
});

describe('Group subjects', () => {
  for (const group of ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']) {
    it(`${group} reaches the ServiceAccount`, () => {
      const model = modelOf(podReader + binding('ClusterRoleBinding', `[{kind: Group, name: "${group}"}]`));
      const decision = authorize(model, pods('team'));
      expect(decision.allowed).toBe(true);
      expect(decision.grants[0]?.via).toEqual({ kind: 'Group', name: group });
    });
  }
  it('system:serviceaccounts:<other namespace> does not', () => {
    const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: Group, name: "system:serviceaccounts:other"}]'));
    expect(authorize(model, pods('team')).allowed).toBe(false);
  });
  it('a RoleBinding to system:serviceaccounts grants in its namespace only', () => {
    const model = modelOf(podReader + binding('RoleBinding', '[{kind: Group, name: "system:serviceaccounts"}]', undefined, 'shared'));
    expect(authorize(model, pods('shared')).allowed).toBe(true);
    expect(authorize(model, pods('team')).allowed).toBe(false);
  });
});

describe('missing roles and special identities', () => {
  it('a binding to a missing role grants nothing', () => {
    const model = modelOf(
      binding('ClusterRoleBinding', '[{kind: ServiceAccount, name: app, namespace: team}]', 'kind: ClusterRole, name: nowhere'),
    );
    expect(authorize(model, pods('team')).allowed).toBe(false);
    expect(model.warnings.map((warning) => warning.message).join('\n')).toMatch(/nowhere, which does not exist/);
  });
  it('system:masters is allowed everything, with no RBAC grant', () => {
    const model = modelOf('');
    const decision = authorize(model, { user: 'root', groups: ['system:masters'], verb: 'delete', apiGroup: '', resource: 'nodes' });
    expect(decision).toMatchObject({ allowed: true, grants: [] });
  });
  it('explains a denial and an allow like a SubjectAccessReview', () => {
    const model = modelOf(podReader + binding('ClusterRoleBinding', '[{kind: ServiceAccount, name: app, namespace: team}]'));
    expect(authorize(model, pods('team')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "pod-reader" to ServiceAccount "app"',
    );
    expect(authorize(model, pods('team', 'delete')).reason).toBe('no RBAC policy matched');
  });
});
