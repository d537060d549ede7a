import { describe, expect, it } from 'vitest';
import { parseAccessTarget } from '../../src/app/access-target.js';
import { suggestResourceTypes } from '../../src/rbac/resource-table.js';
import { parseServiceAccountRef } from '../../src/cli/service-account-ref.js';
import { UsageError } from '../../src/errors/kubectl-sa-error.js';
import { resolveResourceType, resourcesFromCrds } from '../../src/rbac/resource-table.js';
import { loadApiResources } from '../../src/sources/kube-data.js';
import { inventoryOf } from './helpers.js';

const builtIns = loadApiResources().resources;
const crds = resourcesFromCrds(
  inventoryOf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions: [{name: v1alpha1, served: true, storage: true, subresources: {status: {}}}]
`),
);
const table = [...builtIns, ...crds];
const resolve = (type: string) => {
  const found = resolveResourceType(type, table);
  return found ? `${found.plural}.${found.group}/${found.version}${found.namespaced ? '' : ' cluster'}` : undefined;
};

describe('TYPE resolution', () => {
  it('plural, singular, kind and short names, case-insensitively', () => {
    expect(resolve('deployments')).toBe('deployments.apps/v1');
    expect(resolve('deployment')).toBe('deployments.apps/v1');
    expect(resolve('Deployment')).toBe('deployments.apps/v1');
    expect(resolve('deploy')).toBe('deployments.apps/v1');
    expect(resolve('sa')).toBe('serviceaccounts./v1');
    expect(resolve('cm')).toBe('configmaps./v1');
    expect(resolve('no')).toBe('nodes./v1 cluster');
  });
  it('.group and .version.group suffixes; the core group wins a bare ambiguous name', () => {
    expect(resolve('events')).toBe('events./v1');
    expect(resolve('events.events.k8s.io')).toBe('events.events.k8s.io/v1');
    expect(resolve('deployments.v1.apps')).toBe('deployments.apps/v1');
    expect(resolve('deployments.batch')).toBeUndefined();
  });
  it('CRDs of the input, with their scope', () => {
    expect(resolve('wd')).toBe('widgets.example.com/v1alpha1 cluster');
    expect(resolve('widgets.example.com')).toBe('widgets.example.com/v1alpha1 cluster');
    expect(crds[0]?.subresources).toEqual(['status']);
  });
});

describe('can-i arguments', () => {
  it('TYPE/NAME in the context namespace', () => {
    expect(parseAccessTarget('get', 'cm/settings', {}, table).attributes).toEqual({
      verb: 'get',
      apiGroup: '',
      resource: 'configmaps',
      name: 'settings',
      namespace: 'default',
    });
  });
  it('-A means all namespaces; cluster-scoped resources drop the namespace', () => {
    expect(parseAccessTarget('list', 'pods', { namespace: 'x', allNamespaces: true }, table).attributes).toEqual({
      verb: 'list',
      apiGroup: '',
      resource: 'pods',
    });
    const nodes = parseAccessTarget('get', 'nodes', { namespace: 'x', scopeWarning: true }, table);
    expect(nodes.attributes).toEqual({ verb: 'get', apiGroup: '', resource: 'nodes' });
    expect(nodes.warnings).toEqual(["resource 'nodes' is not namespace scoped"]);
  });
  it('URLs, and an unknown TYPE checked as typed with a warning', () => {
    expect(parseAccessTarget('get', '/healthz/etcd', { namespace: 'x' }, table).attributes).toEqual({
      verb: 'get',
      nonResourceURL: '/healthz/etcd',
    });
    const unknown = parseAccessTarget('get', 'gizmos.acme.io', {}, table);
    expect(unknown.attributes).toMatchObject({ apiGroup: 'acme.io', resource: 'gizmos' });
    expect(unknown.warnings[0]).toMatch(/doesn't have a resource type/);
  });
  it('--subresource with a URL is a usage error', () => {
    expect(() => parseAccessTarget('get', '/metrics', { subresource: 'x' }, table)).toThrow(UsageError);
  });
});

describe('--sa', () => {
  it('accepts NS:NAME and the SA username', () => {
    expect(parseServiceAccountRef('kube-system:coredns')).toEqual({ namespace: 'kube-system', name: 'coredns' });
    expect(parseServiceAccountRef('system:serviceaccount:kube-system:coredns')).toEqual({ namespace: 'kube-system', name: 'coredns' });
  });
  it('rejects anything else with a hint', () => {
    for (const bad of ['coredns', 'a:b:c', ':x', 'x:', 'system:serviceaccount:x'])
      expect(() => parseServiceAccountRef(bad)).toThrow(UsageError);
  });
});

describe('unknown TYPEs', () => {
  it("crb is no short name discovery knows: kubectl's warning, and the closest names as a hint", () => {
    const crb = parseAccessTarget('list', 'crb', {}, table);
    expect(crb.warnings).toEqual(["the server doesn't have a resource type 'crb'"]);
    expect(crb.hints[0]).toMatch(/^did you mean clusterrolebindings\.rbac\.authorization\.k8s\.io/);
  });
  it('suggests by initials, prefix and typo', () => {
    expect(suggestResourceTypes('crb', table)[0]).toBe('clusterrolebindings.rbac.authorization.k8s.io');
    expect(suggestResourceTypes('cr', table)).toContain('clusterroles.rbac.authorization.k8s.io');
    expect(suggestResourceTypes('deploymnets', table)[0]).toBe('deployments.apps');
    expect(suggestResourceTypes('zzzzzz', table)).toEqual([]);
  });
  it('who-can refuses a bare unknown TYPE (exit 2) but checks RESOURCE.GROUP as typed', () => {
    expect(() => parseAccessTarget('get', 'crb', { unknownType: 'error' }, table)).toThrow(/the server doesn't have a resource type "crb"/);
    expect(parseAccessTarget('get', 'gizmos.acme.io', { unknownType: 'error' }, table).warnings).toEqual([
      "the server doesn't have a resource type 'gizmos' in group 'acme.io'",
    ]);
  });
  it('users and groups (impersonation) are RBAC resources discovery never lists: no warning', () => {
    for (const type of ['users', 'groups', 'uids.authentication.k8s.io', 'userextras.authentication.k8s.io']) {
      const target = parseAccessTarget('impersonate', type, { unknownType: 'error' }, table);
      expect(target.warnings, type).toEqual([]);
    }
  });
  it('cluster-scoped resources warn as kubectl does, naming the group when there is one', () => {
    expect(parseAccessTarget('get', 'clusterroles', { scopeWarning: true }, table).warnings).toEqual([
      "resource 'clusterroles' is not namespace scoped in group 'rbac.authorization.k8s.io'",
    ]);
    expect(parseAccessTarget('get', 'nodes', { scopeWarning: true, allNamespaces: true }, table).warnings).toEqual([]);
  });
});
