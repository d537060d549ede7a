import { corpusRoot } from '../helpers/corpus.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../src/sources/manifest-files.js';
import { countsByRule, label, scanDocuments, scanPaths } from './scan-helper.js';

// Real manifests (test/fixtures/corpus, sources in its SOURCES.md): counts per rule and a few named
// findings per source, so a change in any rule's behaviour on real charts shows up here.
const corpus = corpusRoot;
const at = (folder: string) => path.join(corpus, folder);

describe('scan of the corpus', () => {
  it('argo-cd: application-controller holds * on * in namespace argocd (as bound), secrets readers, one narrowable ClusterRoleBinding', async () => {
    const { findings } = await scanPaths([at('argo-cd')]);
    expect(countsByRule(findings)).toEqual({
      RBAC001: 1,
      RBAC002: 3,
      // Six ServiceAccounts read Secrets in their namespace; install.yaml and namespace-install.yaml each declare
      // all six, and every document is judged.
      RBAC003: 12,
      RBAC004: 1,
      RBAC005: 2,
      RBAC006: 1,
      RBAC007: 2,
      RBAC011: 1,
    });
    const labels = findings.map(label);
    expect(labels).toContain('RBAC001 ServiceAccount/argocd/argocd-application-controller');
    expect(labels).toContain('RBAC011 ClusterRoleBinding/argocd-applicationset-controller');
    const admin = findings.find((finding) => finding.ruleId === 'RBAC001');
    expect(admin?.source?.file).toMatch(/install\.yaml$/);
    expect(admin?.explanation).toContain('via ClusterRoleBinding/argocd-application-controller');
    expect(findings[0]?.severity).toBe('critical');
  });

  it('argo-cd installed with -n argocd: the namespaced install and the cluster install meet in one namespace', async () => {
    const { findings } = await scanPaths([at('argo-cd')], { namespace: 'argocd' });
    expect(findings.map(label)).toContain('RBAC001 ServiceAccount/argocd/argocd-application-controller');
    expect(findings.some((finding) => finding.object.namespace === 'default')).toBe(false);
  });

  it('dashboard: one ServiceAccount shared by both deployments', async () => {
    const { findings } = await scanPaths([at('dashboard')]);
    expect(countsByRule(findings)).toEqual({ RBAC003: 1, SA009: 1 });
    const shared = findings.find((finding) => finding.ruleId === 'SA009');
    expect(shared?.message).toContain('kubernetes-dashboard, dashboard-metrics-scraper');
    expect(shared?.source?.line).toBe(22);
  });

  it('flux2: kustomize- and helm-controller bound to cluster-admin; every controller can mint tokens', async () => {
    const { findings } = await scanPaths([at('flux2')]);
    expect(countsByRule(findings)).toEqual({ RBAC001: 2, RBAC002: 7, RBAC004: 2, RBAC005: 2, RBAC006: 7, RBAC007: 2 });
    expect(findings.map(label)).toEqual(
      expect.arrayContaining([
        'RBAC001 ServiceAccount/flux-system/kustomize-controller',
        'RBAC001 ServiceAccount/flux-system/helm-controller',
      ]),
    );
  });

  it('kube-prometheus: kube-state-metrics and the operator read Secrets cluster-wide', async () => {
    const { findings } = await scanPaths([at('kube-prometheus')]);
    expect(countsByRule(findings)).toEqual({ RBAC002: 2, RBAC005: 1 });
    expect(findings.map(label)).toEqual([
      'RBAC002 ServiceAccount/monitoring/kube-state-metrics',
      'RBAC002 ServiceAccount/monitoring/prometheus-operator',
      'RBAC005 ServiceAccount/monitoring/prometheus-operator',
    ]);
  });

  it("k8s-bootstrap-rbac: Kubernetes' own default bindings, unchanged, are the control plane's and not judged", async () => {
    const { findings, checks } = await scanPaths([at('k8s-bootstrap-rbac')]);
    expect(findings.map(label)).toEqual([]);
    // The match of every RBAC rule leaves the defaults out. One binding of this testdata is newer than the
    // shipped default RBAC (system:controller:podcheckpoint-controller), so it is judged like any other, and passes.
    expect(checks.byRule.get('RBAC009')?.applied).toBe(1);
    expect(checks.applied).toBeGreaterThan(0);
  });

  it('k8s-bootstrap-rbac, edited: a subject added to a default binding brings it back under the rules', async () => {
    const documents = await readManifests([at('k8s-bootstrap-rbac')]);
    const edited = documents.map((document) => {
      const value = document.value as { kind?: string; metadata?: { name?: string }; subjects?: unknown[] };
      if (value.kind !== 'ClusterRoleBinding' || value.metadata?.name !== 'system:controller:deployment-controller') return document;
      return {
        ...document,
        value: { ...value, subjects: [...(value.subjects ?? []), { kind: 'ServiceAccount', name: 'ci', namespace: 'build' }] },
      };
    });
    const { findings } = await scanDocuments(edited);
    expect(findings.map(label)).toEqual(
      expect.arrayContaining(['RBAC005 ServiceAccount/build/ci', 'RBAC005 ServiceAccount/kube-system/deployment-controller']),
    );
  });

  // external-dns and node-problem-detector carry variants of one Deployment/DaemonSet that run as the default
  // ServiceAccount: test/policy/input-documents.test.ts judges them.
  it('metrics-server: nothing to report', async () => {
    for (const folder of ['metrics-server']) {
      const { findings } = await scanPaths([at(folder)]);
      expect({ folder, findings: findings.map(label) }).toEqual({ folder, findings: [] });
    }
  });

  it('node-problem-detector alone (without its RBAC): the token is mounted for nothing', async () => {
    const { findings } = await scanPaths([at('node-problem-detector/node-problem-detector.yaml')]);
    expect(findings.map(label)).toEqual(['SA003 DaemonSet/kube-system/node-problem-detector']);
    expect(findings[0]?.explanation).toContain('spec.template.spec.automountServiceAccountToken is unset');
  });

  it('every corpus file scans without error', async () => {
    const evaluation = await scanPaths([corpus]);
    expect(evaluation.checks.applied).toBeGreaterThan(100);
  });
});
