import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyTokenResources } from '../../src/app/token-legacy.js';
import { ApiClient } from '../../src/sources/cluster/api-client.js';
import { loadKubeConfig } from '../../src/sources/cluster/kubeconfig.js';
import { readCluster } from '../../src/sources/cluster/read-cluster.js';
import { startControlPlane, type ControlPlane } from '../apiserver/controlplane.js';
import { expectNoJwt, runTokenCli } from '../helpers/token-safety.js';

/**
 * `token legacy` needs pods made by their real owners, so this file starts its own control plane with the
 * workload controllers (the shared one runs none, so that other tests' object counts stay exact).
 */
const workloadControllers = ['deployment-controller', 'replicaset-controller', 'job-controller', 'cronjob-controller'];

function kubectlOn(kubeconfig: string, args: readonly string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const legacySecret = (name: string, serviceAccount: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/service-account-token',
  metadata: { name, labels, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
});

const tokenVolume = { name: 'sa-token', secret: { secretName: 'web-token' } };
const pause = {
  name: 'app',
  image: 'registry.k8s.io/pause:3.10',
  volumeMounts: [{ name: 'sa-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
};

/** The legacy pattern: automount off, the token Secret mounted where client libraries look for it. */
const legacyApp = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci' } },
  legacySecret('web-token', 'web'),
  legacySecret('ci-token', 'ci'),
  legacySecret('spare-token', 'web'),
  legacySecret('revoked-token', 'web', { 'kubernetes.io/legacy-token-invalid-since': '2026-01-02' }),
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { serviceAccountName: 'web', automountServiceAccountToken: false, containers: [pause], volumes: [tokenVolume] },
      },
    },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              serviceAccountName: 'web',
              containers: [
                {
                  name: 'backup',
                  image: 'registry.k8s.io/pause:3.10',
                  env: [{ name: 'KUBE_TOKEN', valueFrom: { secretKeyRef: { name: 'web-token', key: 'token' } } }],
                },
              ],
            },
          },
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug' },
    spec: { serviceAccountName: 'web', automountServiceAccountToken: false, containers: [pause], volumes: [tokenVolume] },
  },
];

describe('kubectl sa token legacy on a cluster with workload controllers', () => {
  let cp: ControlPlane;
  const namespace = 'legacy';
  const admin = () => ['--kubeconfig', cp.kubeconfigPath];
  const tokenValues: string[] = [];

  beforeAll(async () => {
    cp = await startControlPlane({ extraControllers: workloadControllers });
    await kubectlOn(cp.kubeconfigPath, ['create', 'namespace', namespace]);
    await eventually('the default ServiceAccount', async () =>
      (await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'sa', '-o', 'name'])).includes('default') ? true : undefined,
    );
    await kubectlOn(
      cp.kubeconfigPath,
      ['-n', namespace, 'apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: legacyApp }),
    );
    await eventually('two api pods from the ReplicaSet controller', async () => {
      const pods = await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'pods', '-l', 'app=api', '-o', 'name']);
      return pods.trim().split('\n').filter(Boolean).length === 2 ? true : undefined;
    });
    // Use the ci token once, as an external CI system would: the API server records the day on the Secret.
    for (const secret of ['web-token', 'ci-token', 'spare-token']) {
      const encoded = await eventually(
        `${secret} filled by the token controller`,
        async () =>
          (await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'secret', secret, '-o', 'jsonpath={.data.token}'])).trim() ||
          undefined,
      );
      tokenValues.push(Buffer.from(encoded, 'base64').toString('utf8'));
    }
    await new Promise<void>((resolve, reject) =>
      execFile(
        'kubectl',
        [
          '--kubeconfig',
          '/dev/null',
          '--server',
          cp.server,
          '--certificate-authority',
          cp.caFile,
          '--token',
          tokenValues[1] ?? '',
          'auth',
          'whoami',
        ],
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    await eventually(
      'the last-used label on ci-token',
      async () =>
        (await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'secret', 'ci-token', '-o', 'jsonpath={.metadata.labels}'])).includes(
          'legacy-token-last-used',
        ) || undefined,
    );
  });

  afterAll(async () => {
    await cp?.stop();
  });

  const expectNoTokenValues = (text: string) => {
    expectNoJwt(text, 'output');
    for (const value of tokenValues) expect(text).not.toContain(value.split('.')[2]);
  };

  it('lists every token Secret with its ServiceAccount, age, labels and the workloads whose pods mount it', async () => {
    const run = await runTokenCli(['token', 'legacy', '-n', namespace, ...admin()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expectNoTokenValues(run.stdout);
    const today = new Date().toISOString().slice(0, 10);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +SERVICEACCOUNT +AGE +LAST USED +INVALID SINCE +USED BY$/);
    expect(lines.slice(1).map((line) => line.split(/ {3,}/).filter((_cell, index) => index !== 2))).toEqual([
      ['ci-token', 'ci', today, '<none>', '<none>'],
      ['revoked-token', 'web', '<none>', '2026-01-02', '<none>'],
      ['spare-token', 'web', '<none>', '<none>', '<none>'],
      ['web-token', 'web', '<none>', '<none>', 'CronJob/backup (template, no pods), Deployment/api (2 pods), Pod/debug'],
    ]);
  });

  it('-A adds the NAMESPACE column; -o json carries the facts, including how each workload reads the token', async () => {
    const all = await runTokenCli(['token', 'legacy', '-A', ...admin()]);
    expect(all.stdout).toMatch(/^NAMESPACE +NAME +SERVICEACCOUNT/);
    expect(all.stdout).toMatch(/\nlegacy +web-token +web /);
    const json = await runTokenCli(['token', 'legacy', '-n', namespace, '-o', 'json', ...admin()]);
    expectNoTokenValues(json.stdout);
    const report = JSON.parse(json.stdout) as {
      items: { name: string; usage: string; users: { kind: string; name: string; pods: string[]; references: { via: string }[] }[] }[];
    };
    const web = report.items.find((item) => item.name === 'web-token');
    expect(web?.usage).toBe('in-use');
    expect(web?.users.find((user) => user.kind === 'Deployment')?.pods).toHaveLength(2);
    expect(web?.users.find((user) => user.kind === 'CronJob')?.references.map((reference) => reference.via)).toEqual(['env']);
    expect(report.items.find((item) => item.name === 'spare-token')?.usage).toBe('unused');
  });

  it('lists token Secrets as metadata only: their values (and even their type) never come over the wire', async () => {
    const loaded = await loadKubeConfig({ kubeconfig: cp.kubeconfigPath });
    const read = await readCluster(new ApiClient(loaded.config), { namespace, resources: legacyTokenResources, foldOwned: false });
    const secrets = read.documents.map((document) => document.value as Record<string, unknown>).filter((value) => value.kind === 'Secret');
    expect(secrets.length).toBe(4);
    for (const secret of secrets) {
      expect(secret).not.toHaveProperty('data');
      expect(secret).not.toHaveProperty('type');
    }
  });

  it('says what it could not read: without pods, usage is unknown and nothing is called unused', async () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'secret-lister' },
      rules: [{ apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['list'] }],
    };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'secret-lister' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-lister' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'lister' }],
    };
    const podRole = { ...role, metadata: { name: 'pod-lister' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] };
    const podBinding = {
      ...binding,
      metadata: { name: 'pod-lister' },
      roleRef: { ...binding.roleRef, name: 'pod-lister' },
      subjects: [{ ...binding.subjects[0], name: 'pod-lister' }],
    };
    await kubectlOn(
      cp.kubeconfigPath,
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [role, binding, podRole, podBinding] }),
    );
    await eventually(
      'RBAC to allow pod-lister',
      async () =>
        (await kubectlOn(cp.kubeconfigPath, ['auth', 'can-i', 'list', 'pods', '--as', 'pod-lister']).catch(() => 'no')).trim() === 'yes' ||
        undefined,
    );
    await eventually(
      'RBAC to allow lister',
      async () =>
        (await kubectlOn(cp.kubeconfigPath, ['auth', 'can-i', 'list', 'secrets', '--as', 'lister']).catch(() => 'no')).trim() === 'yes' ||
        undefined,
    );
    const run = await runTokenCli(['token', 'legacy', '-n', namespace, '-o', 'json', ...admin(), '--as', 'lister']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: cannot list pods \(forbidden\): which workloads use each token is unknown, so none is called unused$/m,
    );
    const report = JSON.parse(run.stdout) as { items: { name: string; usage: string }[] };
    expect(report.items.find((item) => item.name === 'spare-token')?.usage).toBe('unknown');

    const nothing = await runTokenCli(['token', 'legacy', '-n', namespace, ...admin(), '--as', 'nobody']);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toMatch(/^error: could not read anything from the cluster/m);
    // Pods but no Secrets: the one thing this command lists is refused, so it is an error, not a warning.
    const podsOnly = await runTokenCli(['token', 'legacy', '-n', namespace, ...admin(), '--as', 'pod-lister']);
    expect(podsOnly.code).toBe(3);
    expect(podsOnly.stderr).toMatch(
      /^error: cannot list Secrets of type kubernetes\.io\/service-account-token in namespace legacy \(forbidden\)$/m,
    );
  });

  it('says so when there is none, as kubectl does', async () => {
    const run = await runTokenCli(['token', 'legacy', '-n', 'default', ...admin()], { throughKubectl: true });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: 'No legacy token Secrets found in default namespace.\n' });
  });
});
