import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/inventory/inventory.js';
import { readManifests } from '../../src/sources/manifest-files.js';
import { runCli } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';
import { inventoryFromYaml } from '../helpers/inventory.js';
import { label, scanObjects, scanPaths } from './scan-helper.js';

// Every document of the input is judged; the RBAC model, like `kubectl apply`, keeps the later of two
// documents with one identity; and what the input seems to mean (-n) or holds by mistake (a pack) is said.
const at = (finding: { source?: { file: string; line: number } | undefined }) =>
  finding.source ? `${path.basename(finding.source.file)}:${finding.source.line}` : '';

describe('documents that share an identity', () => {
  it('node-problem-detector: the healthchecker variant is judged beside the DaemonSet that replaces it', async () => {
    const alone = await scanPaths([corpusPath('node-problem-detector/node-problem-detector-healthchecker.yaml')]);
    const folder = await scanPaths([corpusPath('node-problem-detector')]);
    const fromHealthchecker = (findings: typeof alone.findings) =>
      findings.filter((finding) => at(finding).startsWith('node-problem-detector-healthchecker.yaml')).map((f) => `${label(f)} ${at(f)}`);
    // Alone, the healthchecker DaemonSet runs as kube-system's default SA with its token mounted for nothing.
    expect(fromHealthchecker(alone.findings)).toEqual([
      'SA001 ServiceAccount/kube-system/default node-problem-detector-healthchecker.yaml:1',
      'SA002 DaemonSet/kube-system/node-problem-detector node-problem-detector-healthchecker.yaml:1',
      'SA003 DaemonSet/kube-system/node-problem-detector node-problem-detector-healthchecker.yaml:1',
    ]);
    // Beside the variant with its own ServiceAccount and RBAC, the same findings, at the same places.
    expect(fromHealthchecker(folder.findings)).toEqual(fromHealthchecker(alone.findings));
  });

  it("external-dns: the limited-privilege variant's findings survive the later files with the same objects", async () => {
    const alone = await scanPaths([corpusPath('external-dns/extdns-limited-privilege.yaml')]);
    const folder = await scanPaths([corpusPath('external-dns')]);
    const inVariant = (findings: typeof alone.findings) =>
      findings.filter((finding) => at(finding).startsWith('extdns-limited-privilege.yaml')).map((f) => `${label(f)} ${at(f)}`);
    expect(inVariant(alone.findings).length).toBeGreaterThan(0);
    expect(inVariant(folder.findings)).toEqual(inVariant(alone.findings));
  });

  it('RBAC answers use the later document; both binding documents are judged', () => {
    const binding = (role: string, subject: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: subject, namespace: 'a' }],
    });
    const sa = (name: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'a' } });
    // First the binding gives cluster-admin to a's default SA; the later one gives view to ops instead.
    const { findings, inventory } = scanObjects([sa('ops'), binding('cluster-admin', 'default'), binding('view', 'ops')]);
    expect(inventory.replacements).toHaveLength(1);
    const labels = findings.map(label);
    // The cluster holds the later binding: the default SA is not cluster-admin …
    expect(labels).not.toContain('RBAC001 ServiceAccount/a/default');
    // … but the earlier document is still judged (it names a's default SA).
    expect(labels).toContain('RBAC008 ClusterRoleBinding/ops');
  });

  it('says on stderr how many documents replace earlier ones, and where (file:line → file:line)', async () => {
    const result = await runCli(['scan', '-f', corpusPath('node-problem-detector'), '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /note: 1 document\(s\) have the same kind, namespace and name as an earlier one; every document is judged, and RBAC answers use the later one, as kubectl apply would leave it: \S*node-problem-detector-healthchecker\.yaml:1 → \S*node-problem-detector\.yaml:1 \(DaemonSet kube-system\/node-problem-detector\)/,
    );
    const json = JSON.parse(
      (await runCli(['scan', '-f', corpusPath('node-problem-detector'), '-o', 'json', '--fail-on', 'none'])).stdout,
    ) as {
      replacedDocuments: { object: { kind: string }; earlier: { line: number }; later: { line: number } }[];
    };
    expect(json.replacedDocuments).toMatchObject([{ object: { kind: 'DaemonSet' }, earlier: { line: 1 }, later: { line: 1 } }]);
  });
});

describe('what the input means', () => {
  it('argo-cd without -n: says once that the ServiceAccounts landed in default while the bindings name argocd, and suggests -n', async () => {
    const inventory = buildInventory(await readManifests([corpusPath('argo-cd/install.yaml')]), {
      defaultNamespace: 'default',
      origin: 'files',
    });
    const hints = inventory.notes.filter((note) => note.message.includes('scan with -n'));
    expect(hints).toHaveLength(1);
    expect(hints[0]?.message).toMatch(
      /^ServiceAccount\(s\) argocd-application-controller, argocd-applicationset-controller, argocd-server name no namespace in the files and were read into default, but bindings name them in namespace argocd .*scan with -n argocd/,
    );
    const withNamespace = buildInventory(await readManifests([corpusPath('argo-cd/install.yaml')]), {
      defaultNamespace: 'argocd',
      origin: 'files',
    });
    expect(withNamespace.notes.filter((note) => note.message.includes('scan with -n'))).toEqual([]);
  });

  it('the hint is in the report notes too, and on stderr once', async () => {
    const result = await runCli(['scan', '-f', corpusPath('argo-cd/install.yaml'), '-o', 'json', '--fail-on', 'none']);
    expect(result.stderr.match(/scan with -n argocd/g)).toHaveLength(1);
    const report = JSON.parse(result.stdout) as { notes: { level: string; message: string }[] };
    expect(report.notes.some((note) => note.level === 'note' && note.message.includes('scan with -n argocd'))).toBe(true);
  });

  it('a namespaced binding subject with its own namespace declared elsewhere is no hint', () => {
    const inventory = inventoryFromYaml(`apiVersion: v1
kind: ServiceAccount
metadata: { name: app }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: prod }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: app }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: ServiceAccount, name: app, namespace: prod }]
`);
    expect(inventory.notes).toEqual([]);
  });

  it('kubectl-sa documents among manifests (the example pack) are skipped with a note, not counted as cluster objects', async () => {
    const inventory = buildInventory(await readManifests([path.resolve('examples')]), { defaultNamespace: 'default', origin: 'files' });
    expect(inventory.entries.some((entry) => entry.ref.kind === 'PolicyPack')).toBe(false);
    expect(inventory.notes).toContainEqual(
      expect.objectContaining({
        level: 'note',
        message: 'skipped PolicyPack acme-serviceaccounts: a kubectl-sa policy pack, not a cluster object; pass it with --policy',
      }),
    );
    const result = await runCli(['scan', '-f', 'examples/', '--fail-on', 'none']);
    expect(result.stderr).toMatch(/^note: examples\/policies\/custom-pack\.yaml:\d+(:\d+)?: skipped PolicyPack acme-serviceaccounts/m);
  });
});
