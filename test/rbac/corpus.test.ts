import { describe, expect, it } from 'vitest';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import { serviceAccountRbac } from '../../src/rbac/service-account-rbac.js';
import { whoCan } from '../../src/rbac/who-can.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { corpusInventory } from './helpers.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';

const withDefaults = async (...paths: string[]) =>
  buildRbacModel(await corpusInventory(...paths), { defaultRbac: loadDefaultRbac(), riskFacts: builtInRiskFacts });
const kubePrometheus = await withDefaults('kube-prometheus');
const argoCd = await withDefaults('argo-cd/install.yaml');

describe('kube-prometheus: monitoring:prometheus-k8s', () => {
  const model = kubePrometheus;
  const result = serviceAccountRbac(model, 'monitoring', 'prometheus-k8s');
  const own = result.grants.filter((grant) => !grant.defaultRbac);

  it('holds nodes/metrics get and the /metrics URLs cluster-wide through its ClusterRoleBinding', async () => {
    const clusterWide = own.filter((grant) => grant.namespace === undefined);
    expect(clusterWide.map((grant) => grant.rule)).toEqual([
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      { nonResourceURLs: ['/metrics', '/metrics/slis'], verbs: ['get'] },
    ]);
    expect(clusterWide[0]).toMatchObject({
      binding: { kind: 'ClusterRoleBinding', name: 'prometheus-k8s' },
      role: { kind: 'ClusterRole', name: 'prometheus-k8s' },
    });
    const sa = serviceAccountIdentity('monitoring', 'prometheus-k8s');
    expect(authorize(model, { ...sa, verb: 'get', nonResourceURL: '/metrics' }).allowed).toBe(true);
    expect(authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'nodes', subresource: 'metrics' }).allowed).toBe(true);
    expect(authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'nodes', subresource: 'proxy' }).allowed).toBe(false);
  });
  it('holds its Role in default, kube-system and monitoring through the RoleBindings of a RoleList', async () => {
    const namespaces = [...new Set(own.filter((grant) => grant.binding.kind === 'RoleBinding').map((grant) => grant.namespace))].sort();
    expect(namespaces).toEqual(['default', 'kube-system', 'monitoring']);
    const sa = serviceAccountIdentity('monitoring', 'prometheus-k8s');
    for (const namespace of ['default', 'kube-system', 'monitoring']) {
      expect(authorize(model, { ...sa, verb: 'list', apiGroup: '', resource: 'pods', namespace }).allowed).toBe(true);
    }
    expect(authorize(model, { ...sa, verb: 'list', apiGroup: '', resource: 'pods', namespace: 'argocd' }).allowed).toBe(false);
    expect(authorize(model, { ...sa, verb: 'list', apiGroup: '', resource: 'pods' }).allowed).toBe(false);
  });
  it('is not cluster-admin and reads no Secrets', async () => {
    expect(result.facts.map((fact) => fact.id)).not.toContain('cluster-admin');
    expect(result.facts.map((fact) => fact.id)).not.toContain('secrets-read');
  });
});

describe('argo-cd', () => {
  const model = argoCd;
  it('argocd-application-controller has a full wildcard cluster-wide: the cluster-admin fact', async () => {
    const facts = serviceAccountRbac(model, 'argocd', 'argocd-application-controller').facts;
    const admin = facts.find((fact) => fact.id === 'cluster-admin');
    expect(admin?.namespace).toBeUndefined();
    expect(admin?.grants[0]?.binding).toEqual({ kind: 'ClusterRoleBinding', name: 'argocd-application-controller' });
  });
  it('who-can delete secrets in a namespace lists that controller first among ServiceAccounts', async () => {
    const result = whoCan(model, { verb: 'delete', apiGroup: '', resource: 'secrets', namespace: 'prod' });
    expect(result.subjects.map((entry) => entry.subject)).toContainEqual({
      kind: 'ServiceAccount',
      name: 'argocd-application-controller',
      namespace: 'argocd',
    });
    const kinds = result.subjects.map((entry) => entry.subject.kind);
    expect(kinds).toEqual(
      [...kinds].sort((a, b) => ['ServiceAccount', 'User', 'Group'].indexOf(a) - ['ServiceAccount', 'User', 'Group'].indexOf(b)),
    );
  });
});

describe('flux2', () => {
  it('the cluster-reconciler binding makes kustomize-controller and helm-controller cluster-admin', async () => {
    const model = await withDefaults('flux2');
    for (const name of ['kustomize-controller', 'helm-controller']) {
      const facts = serviceAccountRbac(model, 'flux-system', name).facts;
      expect(facts.find((fact) => fact.id === 'cluster-admin')?.grants[0]).toMatchObject({
        binding: { name: 'cluster-reconciler' },
        role: { name: 'cluster-admin' },
        // flux's own binding to Kubernetes' built-in role: not a default binding.
        defaultRbac: false,
        builtInRole: true,
      });
    }
  });
  it('without default RBAC, cluster-admin does not exist and grants nothing', async () => {
    const model = buildRbacModel(await corpusInventory('flux2'), { riskFacts: builtInRiskFacts });
    expect(serviceAccountRbac(model, 'flux-system', 'helm-controller').facts.map((fact) => fact.id)).not.toContain('cluster-admin');
  });
});

describe('node-problem-detector', () => {
  it('binds to the bootstrap ClusterRole system:node-problem-detector, which only default RBAC has', async () => {
    const sa = serviceAccountIdentity('kube-system', 'node-problem-detector');
    const patchStatus = { ...sa, verb: 'patch', apiGroup: '', resource: 'nodes', subresource: 'status' };
    expect(authorize(await withDefaults('node-problem-detector/rbac.yaml'), patchStatus).allowed).toBe(true);
    const bare = buildRbacModel(await corpusInventory('node-problem-detector/rbac.yaml'), { riskFacts: builtInRiskFacts });
    expect(authorize(bare, patchStatus).allowed).toBe(false);
    expect(bare.warnings.map((warning) => warning.message).join('\n')).toMatch(/system:node-problem-detector, which does not exist/);
  });
});
