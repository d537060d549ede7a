import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InventoryReport } from '../../src/report/inventory-report.js';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { inventoryResources, readCluster } from '../../src/sources/cluster/read-cluster.js';
import { runCli, runProgram } from '../helpers/cli.js';
import { apply, freshNamespace, liveCluster, tokenOf, waitUntilAllowed } from './kube.js';

const appManifest = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
---
apiVersion: v1
kind: Secret
metadata:
  name: app-token
  annotations: {kubernetes.io/service-account.name: app}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata: {name: app-config}
stringData: {password: hunter2-not-for-output}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      serviceAccountName: app
      containers: [{name: app, image: registry.example.com/app:1}]
`;

/** A kubeconfig for a server that is not our API server (dead, or silent): any token will do. */
function kubeconfigFor(server: string): string {
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-kubeconfig-')), 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
  );
  return kubeconfig;
}

describe('the cluster source, against a real kube-apiserver', () => {
  let namespace: string;
  let token: string;

  beforeAll(async () => {
    namespace = await freshNamespace('source');
    await apply(appManifest, namespace);
    token = await tokenOf(namespace, 'app-token');
  });

  it('reads the namespace of -n into the inventory, including what controllers made, and never a Secret value', async () => {
    const result = await runCli(['inventory', '--kubeconfig', liveCluster().kubeconfigPath, '-n', namespace, '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as InventoryReport;
    expect(report.origin).toBe('cluster');
    const own = report.items.filter((item) => item.namespace === namespace).map((item) => `${item.kind}/${item.name}`);
    expect(own.sort()).toEqual(['Deployment/app', 'Secret/app-token', 'ServiceAccount/app', 'ServiceAccount/default']);
    expect(report.items.find((item) => item.kind === 'Namespace')?.name).toBe(namespace);
    // RBAC is read cluster-wide: bindings anywhere can name this namespace's ServiceAccounts.
    expect(report.items.some((item) => item.kind === 'ClusterRole' && item.name === 'cluster-admin')).toBe(true);
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain(Buffer.from(token).toString('base64'));
    expect(result.stdout).not.toContain('hunter2');
  });

  it('sends one paged list per kind and page: no request per namespace or per object', async () => {
    const loaded = await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath });
    const client = new ApiClient(loaded.config);
    const pageSize = 3;
    const read = await readCluster(client, { namespace: undefined, pageSize });
    expect(read.unreadable).toEqual([]);
    const countsByKind = new Map<string, number>();
    for (const document of read.documents) {
      const kind = (document.value as { kind: string }).kind;
      countsByKind.set(kind, (countsByKind.get(kind) ?? 0) + 1);
    }
    // No Pods, ReplicaSets or Jobs are folded here (no workload controllers run), so counts are exact.
    const expectedRequests = inventoryResources.reduce(
      (sum, resource) => sum + Math.max(1, Math.ceil((countsByKind.get(resource.kind) ?? 0) / pageSize)),
      0,
    );
    expect(client.requestCount).toBe(expectedRequests);
    expect(countsByKind.get('ClusterRole') ?? 0).toBeGreaterThan(pageSize * 10);
  });

  it('goes on with what it may read, says what it could not, and exits 0 (impersonating alice)', async () => {
    await apply(
      `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: sa-reader}
rules: [{apiGroups: [""], resources: [serviceaccounts], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-sa-reader}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: sa-reader, apiGroup: rbac.authorization.k8s.io}
`,
      namespace,
    );
    await waitUntilAllowed('alice', ['list', 'serviceaccounts', '-n', namespace]);
    for (const access of [
      ['--kubeconfig', liveCluster().kubeconfigs.alice ?? ''],
      ['--kubeconfig', liveCluster().kubeconfigPath, '--as', 'alice', '--as-group', 'dev-team'],
    ]) {
      const result = await runCli(['inventory', ...access, '-n', namespace, '-o', 'json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as InventoryReport;
      expect(report.items.map((item) => `${item.kind}/${item.name}`).sort()).toEqual(['ServiceAccount/app', 'ServiceAccount/default']);
      expect(result.stderr).toContain(
        'warning: cannot list secrets (forbidden): findings of legacy token checks (SA004–SA006) may be missing',
      );
      expect(result.stderr).toContain('warning: cannot list deployments.apps (forbidden)');
    }
  });

  it('exits 3 when nothing at all can be read (bob holds no rights)', async () => {
    const result = await runCli(['inventory', '--kubeconfig', liveCluster().kubeconfigs.bob ?? '', '-n', namespace]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: could not read anything from the cluster at https:\/\/127\.0\.0\.1:\d+: every list request was refused \(forbidden\)/,
    );
  });

  it('authenticates through a kubeconfig exec plugin, as kubectl does', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-exec-'));
    const plugin = path.join(folder, 'credential-plugin.sh');
    // A credential plugin of the kind cloud CLIs install: prints an ExecCredential with a bearer token.
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${liveCluster().tokens.alice}"}}'\n`,
      { mode: 0o755 },
    );
    const kubeconfig = path.join(folder, 'config');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: live, cluster: {server: "${liveCluster().server}", certificate-authority: "${liveCluster().caFile}"}}]
users: [{name: exec-user, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./credential-plugin.sh, interactiveMode: Never}}}]
contexts: [{name: live, context: {cluster: live, user: exec-user, namespace: "${namespace}"}}]
current-context: live
`,
    );
    // alice may list ServiceAccounts in this namespace (the previous test bound her); the context's
    // namespace is used without -n; the relative command path resolves against the kubeconfig's folder.
    const result = await runCli(['inventory', '--kubeconfig', kubeconfig, '-o', 'json'], { cwd: tmpdir() });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as InventoryReport;
    expect(report.items.map((item) => `${item.kind}/${item.namespace}/${item.name}`).sort()).toEqual([
      `ServiceAccount/${namespace}/app`,
      `ServiceAccount/${namespace}/default`,
    ]);
  });

  it('uses the in-cluster ServiceAccount token, CA and namespace when there is no kubeconfig, as inside a pod', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-in-cluster-'));
    writeFileSync(path.join(folder, 'token'), liveCluster().tokens.alice ?? '');
    writeFileSync(path.join(folder, 'namespace'), namespace);
    const server = new URL(liveCluster().server);
    // A private mount namespace gives this one process the files a pod would have under
    // /var/run/secrets/kubernetes.io/serviceaccount, without touching the machine's own /run.
    const script = [
      'mount -t tmpfs tmpfs /run',
      'mkdir -p /run/secrets/kubernetes.io/serviceaccount',
      `cp "${folder}/token" "${folder}/namespace" /run/secrets/kubernetes.io/serviceaccount/`,
      `cp "${liveCluster().caFile}" /run/secrets/kubernetes.io/serviceaccount/ca.crt`,
      `exec "${process.execPath}" bin/run.js inventory -o json`,
    ].join(' && ');
    const result = await runProgram('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      env: { HOME: '/nonexistent-home', KUBECONFIG: '', KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port },
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as InventoryReport;
    expect(report.items.map((item) => `${item.kind}/${item.name}`).sort()).toEqual(['ServiceAccount/app', 'ServiceAccount/default']);
  });

  it('exits 3 with a one-line reason when the server cannot be reached', async () => {
    const kubeconfig = kubeconfigFor('https://127.0.0.1:1');
    const result = await runCli(['inventory', '--kubeconfig', kubeconfig]);
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')[0]).toMatch(/^error: cannot reach the cluster at https:\/\/127\.0\.0\.1:1 \(connection refused\)/);
  });
});
