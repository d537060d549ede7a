import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { readCluster } from '../../src/sources/cluster/read-cluster.js';
import { runCliInProcess } from '../helpers/cli.js';
import { apply, freshNamespace, kubectl, liveCluster, tokenOf } from './kube.js';

/** One request as the client sent it and the body exactly as the API server answered it. */
interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly accept: string | undefined;
  readonly body: string;
}

/**
 * Records every exchange of every ApiClient in this process, below JSON parsing: what is not in these
 * bodies never reached kubectl sa at all.
 */
function recordExchanges(): Exchange[] {
  const exchanges: Exchange[] = [];
  type Send = (
    method: string,
    pathWithQuery: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ) => Promise<{ body: string }>;
  const prototype = ApiClient.prototype as unknown as { send: Send };
  const send = prototype.send;
  vi.spyOn(prototype, 'send').mockImplementation(async function (this: unknown, method, pathWithQuery, requestPath, body, headers) {
    const response = await send.call(this, method, pathWithQuery, requestPath, body, headers);
    exchanges.push({ method, path: pathWithQuery, accept: headers.Accept, body: response.body });
    return response;
  });
  return exchanges;
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/**
 * A namespace with what every legacy-token rule looks at: token Secrets (one read by a Deployment, one
 * last used 200 days ago, one of a ServiceAccount that does not exist) and an ordinary Secret.
 */
const manifest = (staleDay: string) => `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
apiVersion: v1
kind: Secret
metadata:
  name: web-token
  annotations: {kubernetes.io/service-account.name: web}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata:
  name: stale-token
  labels: {kubernetes.io/legacy-token-last-used: "${staleDay}"}
  annotations: {kubernetes.io/service-account.name: web}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata: {name: app-config}
stringData: {password: hunter2-not-for-anyone}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      containers: [{name: api, image: registry.example.com/api:1}]
      volumes: [{name: token, secret: {secretName: web-token}}]
`;

interface ScanJson {
  findings: { ruleId: string; object: { kind: string; namespace?: string | null; name: string }; message: string }[];
}

const legacyTokenRules = new Set(['SA004', 'SA005', 'SA006']);

describe('Secrets are read as metadata only: no value reaches kubectl sa, and the legacy-token findings are those of the whole objects', () => {
  let namespace: string;
  const secretValues: string[] = [];

  beforeAll(async () => {
    namespace = await freshNamespace('secrets');
    await apply(manifest(daysAgo(200)), namespace);
    for (const name of ['web-token', 'stale-token']) {
      const token = await tokenOf(namespace, name);
      secretValues.push(token, Buffer.from(token).toString('base64'));
    }
    secretValues.push('hunter2-not-for-anyone', Buffer.from('hunter2-not-for-anyone').toString('base64'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const expectNoSecretValues = (exchanges: readonly Exchange[]) => {
    const secretLists = exchanges.filter((exchange) => /\/secrets(\?|$)/.test(exchange.path));
    expect(secretLists.length).toBeGreaterThan(0);
    for (const exchange of secretLists) {
      expect(exchange.method).toBe('GET');
      expect(exchange.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
      expect(exchange.path).toContain('fieldSelector=type%3Dkubernetes.io%2Fservice-account-token');
      expect(JSON.parse(exchange.body)).toMatchObject({ kind: 'PartialObjectMetadataList' });
    }
    for (const exchange of exchanges) for (const value of secretValues) expect(exchange.body).not.toContain(value);
  };

  it.each([
    ['scan', ['scan', '-o', 'json', '--fail-on', 'none']],
    ['inventory', ['inventory', '-o', 'json']],
    ['token legacy', ['token', 'legacy', '-o', 'json']],
    ['token legacy --migrate', ['token', 'legacy', '--migrate', '-o', 'json']],
  ])('%s lists token Secrets as metadata only: no value in any answer of the API server', async (_name, args) => {
    const exchanges = recordExchanges();
    const run = await runCliInProcess([...args, '-n', namespace, '--kubeconfig', liveCluster().kubeconfigPath]);
    expect(run.code, run.stderr).toBe(0);
    expectNoSecretValues(exchanges);
    for (const value of secretValues) expect(run.stdout + run.stderr).not.toContain(value);
  });

  it('holds Secrets as their metadata and the type the field selector fixed, nothing else', async () => {
    const loaded = await loadKubeConfig({ kubeconfig: liveCluster().kubeconfigPath });
    const read = await readCluster(new ApiClient(loaded.config), { namespace });
    const secrets = read.documents.map((document) => document.value as Record<string, unknown>).filter((value) => value.kind === 'Secret');
    expect(secrets.map((secret) => (secret.metadata as { name: string }).name).sort()).toEqual(['stale-token', 'web-token']);
    for (const secret of secrets) {
      expect(Object.keys(secret).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'type']);
      expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token' });
    }
  });

  it('finds on the cluster exactly what it finds in the whole objects, values and all (kubectl get -o yaml as a file)', async () => {
    const live = await runCliInProcess([
      'scan',
      '-n',
      namespace,
      '--kubeconfig',
      liveCluster().kubeconfigPath,
      '-o',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(live.code, live.stderr).toBe(0);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-secrets-')), 'objects.yaml');
    writeFileSync(file, await kubectl(['get', 'serviceaccounts,secrets,deployments', '-n', namespace, '-o', 'yaml']));
    expect(await kubectl(['get', 'secrets', '-n', namespace, '-o', 'jsonpath={.items[*].data}'])).toContain('token');
    const files = await runCliInProcess(['scan', '-f', file, '-o', 'json', '--fail-on', 'none']);
    expect(files.code, files.stderr).toBe(0);
    const legacy = (run: { stdout: string }) =>
      (JSON.parse(run.stdout) as ScanJson).findings
        .filter((finding) => legacyTokenRules.has(finding.ruleId))
        .map((finding) => `${finding.ruleId} ${finding.object.kind}/${finding.object.name}: ${finding.message}`)
        .sort();
    expect(legacy(live)).toEqual(legacy(files));
    // What the namespace was built to hold: both token Secrets, the Deployment that mounts one, the stale one.
    expect(legacy(live).map((line) => line.split(':')[0])).toEqual([
      'SA004 Secret/stale-token',
      'SA004 Secret/web-token',
      'SA005 Deployment/api',
      'SA006 Secret/stale-token',
    ]);
  });
});
