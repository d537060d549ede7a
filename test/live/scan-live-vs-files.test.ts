import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/inventory/inventory.js';
import { readManifests } from '../../src/sources/manifest-files.js';
import { runCli } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';
import { freshNamespace, kubectl, liveCluster } from './kube.js';

interface ScanJson {
  findings: {
    ruleId: string;
    object: { kind: string; namespace?: string | null; name: string };
    source: { file: string; line: number } | null;
  }[];
  replacedDocuments: { earlier: { file: string; line: number } | null }[];
}

/** Kinds a bare control plane serves without the projects' own CRDs (Prometheus, Alertmanager… are left out). */
const servedKinds = new Set([
  'Namespace',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'Service',
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'APIService',
  'CustomResourceDefinition',
  'NetworkPolicy',
  'PodDisruptionBudget',
]);

const sources = [
  { name: 'kube-prometheus', paths: [corpusPath('kube-prometheus')] },
  { name: 'argo-cd', paths: [corpusPath('argo-cd', 'namespace-install.yaml')] },
  {
    name: 'external-dns',
    paths: [
      corpusPath('external-dns', 'external-dns-serviceaccount.yaml'),
      corpusPath('external-dns', 'external-dns-clusterrole.yaml'),
      corpusPath('external-dns', 'external-dns-clusterrolebinding.yaml'),
      corpusPath('external-dns', 'external-dns-deployment.yaml'),
    ],
  },
  { name: 'dashboard', paths: [corpusPath('dashboard', 'recommended.yaml')] },
  { name: 'node-problem-detector', paths: [corpusPath('node-problem-detector')] },
];

const key = (finding: ScanJson['findings'][number]) =>
  `${finding.ruleId} ${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}`;

describe('scan on a live cluster loaded with the corpus gives the findings of the files scan', () => {
  const prepared: { name: string; namespace: string; file: string; namespaces: Set<string>; identities: Map<string, unknown> }[] = [];

  beforeAll(async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-live-scan-'));
    for (const source of sources) {
      const namespace = await freshNamespace(source.name.slice(0, 12));
      // Namespaced objects that name none get the test's namespace, spelled out, as kubectl apply -n would.
      const inventory = buildInventory(await readManifests(source.paths), { defaultNamespace: namespace, origin: 'files' });
      const objects = inventory.entries
        .map((entry) => entry.object as { kind?: string; metadata?: { namespace?: string; name?: string } })
        .filter((object) => object.kind !== undefined && servedKinds.has(object.kind));
      const namespaces = new Set([namespace]);
      for (const object of objects) {
        const declared = object.metadata?.namespace;
        if (declared) namespaces.add(declared);
        if (object.kind === 'Namespace' && object.metadata?.name) namespaces.add(object.metadata.name);
      }
      for (const extra of namespaces) {
        if (extra !== namespace) await kubectl(['create', 'namespace', extra]).catch(() => undefined);
      }
      const file = path.join(scratch, `${source.name}.yaml`);
      writeFileSync(file, objects.map((object) => `---\n${dump(object, { lineWidth: -1 })}`).join(''));
      await kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
      const identities = new Map(
        objects.map((object) => [`${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, object]),
      );
      prepared.push({ name: source.name, namespace, file, namespaces, identities });
    }
    // Let the ServiceAccount controller make every namespace's default ServiceAccount.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }, 300_000);

  it('finds the same problems in both, apart from what only a cluster knows', async () => {
    const live = await runCli(['scan', '-A', '--kubeconfig', liveCluster().kubeconfigPath, '-o', 'json', '--fail-on', 'none']);
    expect(live.code, live.stderr).toBe(0);
    const liveFindings = (JSON.parse(live.stdout) as ScanJson).findings;
    let compared = 0;

    for (const source of prepared) {
      const files = await runCli(['scan', '-f', source.file, '-o', 'json', '--fail-on', 'none']);
      expect(files.code, files.stderr).toBe(0);
      // The input's own objects, and the ServiceAccounts of its namespaces (profiles exist for SAs that
      // bindings or workloads name without declaring them). The cluster's other objects (its bootstrap
      // RBAC, other tests' namespaces) are not what is compared.
      const ours = (finding: ScanJson['findings'][number]) =>
        source.identities.has(`${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}`) ||
        (finding.object.kind === 'ServiceAccount' && source.namespaces.has(finding.object.namespace ?? ''));
      // What only a cluster can know, left out: the default ServiceAccount of every namespace exists there as
      // a real object (files mode only knows it is implicit); and a binding naming a ServiceAccount of a
      // namespace outside the input (external-dns binds default:external-dns) can be judged missing (RBAC010)
      // only where that namespace's ServiceAccounts are all known.
      const namesOutsideInput = (finding: ScanJson['findings'][number]) => {
        const binding = source.identities.get(`${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}`) as
          { subjects?: { kind?: string; namespace?: string }[] } | undefined;
        return (binding?.subjects ?? []).some(
          (subject) => subject.kind === 'ServiceAccount' && !source.namespaces.has(subject.namespace ?? ''),
        );
      };
      // A files scan judges every document, also one a later document of the same identity replaces (an
      // install's variants, as node-problem-detector ships); the cluster holds only the later one.
      const filesScan = JSON.parse(files.stdout) as ScanJson;
      const replaced = new Set(filesScan.replacedDocuments.map(({ earlier }) => `${earlier?.file}:${earlier?.line}`));
      // Escalation (RBAC019, RBAC020) reaches only ServiceAccounts that exist: files take those Kubernetes' default
      // bindings name (kube-system's controllers) as existing, as on a cluster whose controller-manager runs with
      // --use-service-account-credentials; this control plane runs without it, so they do not exist here.
      const escalation = (finding: ScanJson['findings'][number]) => finding.ruleId === 'RBAC019' || finding.ruleId === 'RBAC020';
      const comparable = (finding: ScanJson['findings'][number]) =>
        ours(finding) &&
        !escalation(finding) &&
        !(finding.source && replaced.has(`${finding.source.file}:${finding.source.line}`)) &&
        !(finding.object.kind === 'ServiceAccount' && finding.object.name === 'default') &&
        !(finding.ruleId === 'RBAC010' && namesOutsideInput(finding));
      const fromFiles = filesScan.findings.filter(comparable).map(key).sort();
      const fromCluster = liveFindings.filter(comparable).map(key).sort();
      expect(fromCluster, source.name).toEqual(fromFiles);
      compared += fromFiles.length;
    }
    expect(compared).toBeGreaterThan(8);
  }, 120_000);
});
