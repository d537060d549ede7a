import { describe, expect, it } from 'vitest';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import { describeEscalation } from '../../src/report/permissions-report.js';
import { modelOf } from './helpers.js';

const sa = (namespace: string, name: string) => `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: ${namespace}}
`;
const role = (name: string, rules: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${name}}
rules: ${rules}
`;
const bind = (name: string, roleName: string, subject: string, namespace?: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${namespace ? 'RoleBinding' : 'ClusterRoleBinding'}
metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${roleName}}
subjects: [${subject}]
`;
const admin = role('admin-all', '[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]');

describe('escalation paths', () => {
  it('pods create in a namespace → every SA of that namespace', () => {
    const yaml =
      admin +
      role('pod-maker', '[{apiGroups: [""], resources: [pods], verbs: [create]}]') +
      sa('team', 'ci') +
      sa('kube-system', 'foo') +
      bind('ci-pods', 'pod-maker', '{kind: ServiceAccount, name: ci, namespace: team}', 'kube-system') +
      bind('foo-admin', 'admin-all', '{kind: ServiceAccount, name: foo, namespace: kube-system}');
    const [path, ...rest] = serviceAccountRbac(modelOf(yaml), 'team', 'ci').escalations;
    expect(rest).toEqual([]);
    expect(path?.target).toEqual({ kind: 'ServiceAccount', name: 'foo', namespace: 'kube-system' });
    expect(path?.hops).toEqual([
      { via: 'workload-create', namespace: 'kube-system', to: { kind: 'ServiceAccount', name: 'foo', namespace: 'kube-system' } },
    ]);
    expect(path?.targetFacts).toContain('cluster-admin');
  });
  it('token create for a named SA reaches only that SA', () => {
    const yaml =
      admin +
      role('token-maker', '[{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [foo]}]') +
      sa('ops', 'foo') +
      sa('ops', 'bar') +
      bind('t', 'token-maker', '{kind: ServiceAccount, name: ci, namespace: team}', 'ops') +
      role('secret-reader', '[{apiGroups: [""], resources: [secrets], verbs: [get]}]') +
      bind('foo-secrets', 'secret-reader', '{kind: ServiceAccount, name: foo, namespace: ops}') +
      bind('bar-secrets', 'secret-reader', '{kind: ServiceAccount, name: bar, namespace: ops}');
    const targets = serviceAccountRbac(modelOf(yaml), 'team', 'ci').escalations.map((path) => path.target.name);
    expect(targets).toEqual(['foo']);
  });
  it('impersonating users reaches ServiceAccounts by username', () => {
    const yaml =
      admin +
      role('imp', '[{apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: ["system:serviceaccount:ops:foo"]}]') +
      sa('ops', 'foo') +
      bind('i', 'imp', '{kind: ServiceAccount, name: ci, namespace: team}') +
      bind('foo-admin', 'admin-all', '{kind: ServiceAccount, name: foo, namespace: ops}');
    const [path] = serviceAccountRbac(modelOf(yaml), 'team', 'ci').escalations;
    expect(path?.hops).toEqual([{ via: 'impersonate', to: { kind: 'ServiceAccount', name: 'foo', namespace: 'ops' } }]);
  });
  it('is transitive: ci → runner (pods create) → root (token create) which is cluster-admin', () => {
    const yaml =
      admin +
      role('pod-maker', '[{apiGroups: [""], resources: [pods], verbs: [create]}]') +
      role('token-maker', '[{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [root]}]') +
      sa('build', 'runner') +
      sa('infra', 'root') +
      bind('ci-pods', 'pod-maker', '{kind: ServiceAccount, name: ci, namespace: team}', 'build') +
      bind('runner-tokens', 'token-maker', '{kind: ServiceAccount, name: runner, namespace: build}', 'infra') +
      bind('root-admin', 'admin-all', '{kind: ServiceAccount, name: root, namespace: infra}');
    const result = serviceAccountRbac(modelOf(yaml), 'team', 'ci');
    const root = result.escalations.find((path) => path.target.name === 'root');
    expect(root?.hops.map((hop) => `${hop.via}→${hop.to.namespace}:${hop.to.name}`)).toEqual([
      'workload-create→build:runner',
      'token-create→infra:root',
    ]);
    expect(root?.targetFacts).toContain('cluster-admin');
  });
  it('reports nothing when the reachable SAs add nothing', () => {
    const yaml =
      role('pod-maker', '[{apiGroups: [""], resources: [pods], verbs: [create]}]') +
      sa('team', 'other') +
      bind('ci-pods', 'pod-maker', '{kind: ServiceAccount, name: ci, namespace: team}', 'team');
    expect(serviceAccountRbac(modelOf(yaml), 'team', 'ci').escalations).toEqual([]);
  });
});

describe('escalation paths, readably and without noise', () => {
  // A namespaced SA that may create pods where another SA is cluster-admin: the one path that matters.
  const yaml =
    admin +
    role('pod-maker', '[{apiGroups: [""], resources: [pods], verbs: [create]}]') +
    sa('build', 'ci') +
    sa('build', 'admin-bot') +
    bind('admin-bot', 'admin-all', '{kind: ServiceAccount, name: admin-bot, namespace: build}') +
    bind('ci', 'pod-maker', '{kind: ServiceAccount, name: ci, namespace: build}', 'build');

  it('stops at a cluster-admin target: the SAs beyond it add nothing it does not already give', () => {
    const escalations = serviceAccountRbac(modelOf(yaml, { defaultRbac: true }), 'build', 'ci').escalations;
    expect(escalations.map((path) => `${path.target.namespace}:${path.target.name}`)).toEqual(['build:admin-bot']);
  });
  it('reads "can become NS:NAME (via pod create in NS), which holds cluster-admin"', () => {
    const [path] = serviceAccountRbac(modelOf(yaml, { defaultRbac: true }), 'build', 'ci').escalations;
    expect(path && describeEscalation(path)).toBe('can become build:admin-bot (via pod create in build), which holds cluster-admin');
  });
  it('names each intermediate SA over several hops', () => {
    const path = {
      target: { kind: 'ServiceAccount' as const, namespace: 'infra', name: 'root' },
      hops: [
        {
          via: 'workload-create' as const,
          namespace: 'build',
          to: { kind: 'ServiceAccount' as const, namespace: 'build', name: 'runner' },
        },
        { via: 'token-create' as const, namespace: 'infra', to: { kind: 'ServiceAccount' as const, namespace: 'infra', name: 'root' } },
      ],
      targetFacts: ['secrets-read' as const, 'bind' as const],
      certain: true,
    };
    expect(describeEscalation(path)).toBe(
      'can become infra:root (via pod create in build → build:runner, then token create in infra), which holds secrets-read, bind',
    );
  });
});
