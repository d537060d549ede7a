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
      // The application-controller's full wildcard: one finding, which lists what it implies (no RBAC002/4/5/6/7 for it).
      RBAC001: 1,
      // applicationset-controller and server read Secrets cluster-wide.
      RBAC002: 2,
      // Five ServiceAccounts read every Secret of their namespace; install.yaml and namespace-install.yaml each
      // declare all five, and every document is judged.
      RBAC003: 10,
      // argocd-server creates Jobs, execs into pods, reaches nodes/proxy and writes webhooks, cluster-wide.
      RBAC005: 1,
      RBAC007: 1,
      RBAC016: 1,
      RBAC011: 1,
      // argocd-redis reads only the Secret named argocd-redis (twice: both files declare it).
      RBAC015: 2,
      // The application-controller's and the server's ClusterRoles use * (both bound).
      RBAC018: 2,
      // argocd-server's Jobs can run as the application-controller, which is cluster-admin.
      RBAC019: 1,
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
    // The dashboard reads three Secrets it names with resourceNames: RBAC015 (low), not RBAC003.
    expect(countsByRule(findings)).toEqual({ RBAC015: 1, SA009: 1 });
    expect(findings.find((finding) => finding.ruleId === 'RBAC015')?.message).toContain(
      'can read the Secrets kubernetes-dashboard-certs, kubernetes-dashboard-csrf, kubernetes-dashboard-key-holder in namespace kubernetes-dashboard',
    );
    const shared = findings.find((finding) => finding.ruleId === 'SA009');
    expect(shared?.message).toContain('kubernetes-dashboard, dashboard-metrics-scraper');
    expect(shared?.source?.line).toBe(22);
  });

  it('flux2: kustomize- and helm-controller bound to cluster-admin; every controller can mint tokens', async () => {
    const { findings } = await scanPaths([at('flux2')]);
    // Two cluster-admins (one finding each); the five other controllers read Secrets and mint tokens cluster-wide,
    // so each can mint a token for a cluster-admin controller (RBAC019); crd-controller grants * on flux's groups.
    expect(countsByRule(findings)).toEqual({ RBAC001: 2, RBAC002: 5, RBAC006: 5, RBAC018: 1, RBAC019: 5 });
    const becomes = findings.find((finding) => finding.ruleId === 'RBAC019');
    expect(becomes?.message).toContain('so gain cluster-admin (every other right follows from it)');
    expect(becomes?.explanation).toContain('by creating tokens for any ServiceAccount in every namespace, including kube-system');
    expect(findings.map(label)).toEqual(
      expect.arrayContaining([
        'RBAC001 ServiceAccount/flux-system/kustomize-controller',
        'RBAC001 ServiceAccount/flux-system/helm-controller',
      ]),
    );
  });

  it('kube-prometheus: kube-state-metrics and the operator read Secrets cluster-wide', async () => {
    const { findings } = await scanPaths([at('kube-prometheus')]);
    expect(findings.map(label)).toEqual([
      // The operator creates StatefulSets in every namespace, so it can run pods as kube-system's controllers.
      'RBAC019 ServiceAccount/monitoring/prometheus-operator',
      'RBAC002 ServiceAccount/monitoring/kube-state-metrics',
      'RBAC002 ServiceAccount/monitoring/prometheus-operator',
      'RBAC005 ServiceAccount/monitoring/prometheus-operator',
      // The operator's ClusterRole grants * verbs on monitoring.coreos.com.
      'RBAC018 ClusterRole/prometheus-operator',
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
