import { describe, expect, it } from 'vitest';
import { whoCan } from '../../src/rbac/who-can.js';
import { modelOf } from './helpers.js';

const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-read, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: Group, name: devs}, {kind: User, name: alice}, {kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: auditor, namespace: sec}]
`;

describe('who-can', () => {
  const model = modelOf(yaml);
  const names = (namespace: string, anyNamespace = false) =>
    whoCan(model, { verb: 'get', apiGroup: '', resource: 'secrets', ...(namespace ? { namespace } : {}) }, { anyNamespace }).subjects.map(
      (entry) => `${entry.subject.kind}:${entry.subject.namespace ?? ''}:${entry.subject.name}`,
    );
  it('ServiceAccounts first, then users, then groups; RoleBindings only in their namespace', () => {
    expect(names('team')).toEqual(['ServiceAccount:sec:auditor', 'ServiceAccount:team:app', 'User::alice', 'Group::devs']);
    expect(names('other')).toEqual(['ServiceAccount:sec:auditor']);
    expect(names('')).toEqual(['ServiceAccount:sec:auditor']);
  });
  it('anyNamespace counts every RoleBinding', () => {
    expect(names('', true)).toEqual(['ServiceAccount:sec:auditor', 'ServiceAccount:team:app', 'User::alice', 'Group::devs']);
  });
  it('a RoleBinding never grants a cluster-scoped resource, even with anyNamespace', () => {
    const nodes = modelOf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: in-team, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: ServiceAccount, name: ops, namespace: sec}]
`);
    const listNodes = { verb: 'list', apiGroup: '', resource: 'nodes' };
    const subjects = (options: { anyNamespace?: boolean; clusterScoped?: boolean }) =>
      whoCan(nodes, listNodes, options).subjects.map((entry) => `${entry.subject.namespace ?? ''}:${entry.subject.name}`);
    expect(subjects({ anyNamespace: true, clusterScoped: true })).toEqual(['sec:ops']);
    expect(subjects({ clusterScoped: true })).toEqual(['sec:ops']);
  });
  it('names the binding and role of each grant', () => {
    const [auditor] = whoCan(model, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'team' }).subjects;
    expect(auditor?.grants[0]).toMatchObject({ binding: { kind: 'ClusterRoleBinding', name: 'all-read' }, role: { name: 'reader' } });
  });
});
