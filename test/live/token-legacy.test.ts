import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/** Pasted into the Deployment's env, beside the volume the migration rewrites: made up per run, so a match can only come from here. */
const pasted = {
  token: [
    Buffer.from('{"alg":"RS256","kid":"pasted"}').toString('base64url'),
    Buffer.from(`{"sub":"system:serviceaccount:legacy:web","jti":"${randomBytes(8).toString('hex')}"}`).toString('base64url'),
    randomBytes(32).toString('base64url'),
  ].join('.'),
  password: `pw-${randomBytes(12).toString('hex')}`,
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
        spec: {
          serviceAccountName: 'web',
          automountServiceAccountToken: false,
          containers: [
            {
              ...pause,
              env: [
                { name: 'SESSION_TOKEN', value: pasted.token },
                { name: 'DB_PASSWORD', value: pasted.password },
              ],
            },
          ],
          volumes: [tokenVolume],
        },
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
    // The type each one has is the field selector's, which chose them; nothing else outside metadata is set.
    const loaded = await loadKubeConfig({ kubeconfig: cp.kubeconfigPath });
    const read = await readCluster(new ApiClient(loaded.config), { namespace, resources: legacyTokenResources, foldOwned: false });
    const secrets = read.documents.map((document) => document.value as Record<string, unknown>).filter((value) => value.kind === 'Secret');
    expect(secrets.length).toBe(4);
    for (const secret of secrets) {
      expect(secret).not.toHaveProperty('data');
      expect(Object.keys(secret).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'type']);
      expect(secret.type).toBe('kubernetes.io/service-account-token');
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

  describe('--migrate and --undo', () => {
    let backupRoot: string;
    const volumesOf = async (kind: string, name: string, path = '{.spec.template.spec.volumes}') =>
      JSON.parse((await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', kind, name, '-o', `jsonpath=${path}`])) || '[]') as Record<
        string,
        unknown
      >[];
    const secretNames = async () =>
      (await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'secrets', '-o', 'jsonpath={.items[*].metadata.name}']))
        .trim()
        .split(/\s+/)
        .sort();

    beforeAll(async () => {
      backupRoot = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-backups-'));
    });

    it('plans first: a server-side dry run of every change, nothing written', async () => {
      const run = await runTokenCli(['token', 'legacy', '-n', namespace, '--migrate', ...admin()]);
      expect(run.code, run.stderr).toBe(0);
      expectNoTokenValues(run.stdout);
      const today = new Date().toISOString().slice(0, 10);
      expect(run.stdout).toMatch(
        /^patch {3}Deployment\/api: volume sa-token \(Secret web-token\) → projected ServiceAccount token; a rollout replaces its pods$/m,
      );
      expect(run.stdout).toMatch(/^ {8}- {5}secretName: web-token$/m);
      expect(run.stdout).toMatch(/^ {8}\+ +- serviceAccountToken:$/m);
      expect(run.stdout).toMatch(
        /^manual {2}CronJob\/backup \(Secret web-token\): container backup reads the token through env KUBE_TOKEN/m,
      );
      expect(run.stdout).toMatch(/^manual {2}Pod\/debug \(Secret web-token\): a bare Pod’s volumes cannot be changed/m);
      expect(run.stdout).toMatch(
        /^delete {2}Secret revoked-token: nothing reads it and the API server invalidated its token on 2026-01-02$/m,
      );
      expect(run.stdout).toMatch(/^delete {2}Secret spare-token: nothing reads it, and the API server never recorded a use/m);
      expect(run.stdout).toMatch(
        new RegExp(`^keep {4}Secret ci-token: no pod reads it, but a client used it on ${today} \\(0 days ago\\)`, 'm'),
      );
      expect(run.stdout).toMatch(/^keep {4}Secret web-token: read by CronJob\/backup, Deployment\/api, Pod\/debug$/m);
      expect(run.stdout).toMatch(
        /^Dry run: the API server accepted every change \(server-side dry run\); nothing was changed\. Run again with --yes to make them\.$/m,
      );
      expect((await volumesOf('deployment', 'api'))[0]).toMatchObject({ secret: { secretName: 'web-token' } });
      expect(await secretNames()).toEqual(expect.arrayContaining(['revoked-token', 'spare-token']));
    });

    it('--yes backs up, patches the Deployment (whose new pods the API server accepts) and deletes the unused Secrets', async () => {
      const run = await runTokenCli(['token', 'legacy', '-n', namespace, '--migrate', '--yes', '--backup-dir', backupRoot, ...admin()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^patched Deployment\/api in legacy$/m);
      expect(run.stdout).toMatch(/^deleted Secret\/revoked-token in legacy$/m);
      expect(run.stdout).toMatch(/^deleted Secret\/spare-token in legacy$/m);
      const backupDir = /^Backup: (.+)$/m.exec(run.stdout)?.[1] ?? '';
      expect(path.dirname(backupDir)).toBe(backupRoot);
      expect(run.stdout).toContain(`Undo:   kubectl sa token legacy --undo ${backupDir} --yes`);

      const [volume] = await volumesOf('deployment', 'api');
      expect(volume).toMatchObject({
        name: 'sa-token',
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
            { configMap: { name: 'kube-root-ca.crt' } },
            { downwardAPI: {} },
          ],
        },
      });
      // The ReplicaSet controller creates a pod from the new template: the API server validated and admitted it.
      const pod = await eventually('a pod of the migrated template', async () => {
        const pods = JSON.parse(await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'pods', '-l', 'app=api', '-o', 'json'])) as {
          items: { metadata: { name: string }; spec: { volumes: Record<string, unknown>[] } }[];
        };
        return pods.items.find((candidate) => candidate.spec.volumes.some((entry) => 'projected' in entry && entry.name === 'sa-token'));
      });
      expect(pod.metadata.name).toMatch(/^api-/);
      expect(await secretNames()).not.toEqual(expect.arrayContaining(['spare-token']));
      expect(await secretNames()).not.toEqual(expect.arrayContaining(['revoked-token']));
      expect(await secretNames()).toEqual(expect.arrayContaining(['ci-token', 'web-token']));

      // The fixes' backup format: one backup.json; of the Deployment, the fields the migration changed (not the
      // token and password pasted into its env); the deleted Secrets as metadata and type only.
      const backupText = await readFile(path.join(backupDir, 'backup.json'), 'utf8');
      expectNoTokenValues(backupText);
      expect(backupText.includes(pasted.token), 'the pasted token is in the backup').toBe(false);
      expect(backupText.includes(pasted.password), 'the pasted password is in the backup').toBe(false);
      expect(backupText).not.toMatch(/SESSION_TOKEN|DB_PASSWORD|last-applied/);
      const manifest = JSON.parse(backupText) as {
        command: string;
        files: unknown[];
        objects: {
          action: string;
          object: { kind: string; name: string };
          before: Record<string, unknown>;
          fields?: { path: string; before?: unknown; after?: unknown }[];
        }[];
      };
      const patched = manifest.objects.find((object) => object.object.kind === 'Deployment');
      expect(patched?.before).toBeUndefined();
      // The one volume the plan rewrote, at its pointers: the Secret source it had, the projected one it has.
      expect(patched?.fields?.map((field) => [field.path, 'before' in field, 'after' in field])).toEqual([
        ['/spec/template/spec/volumes/0/projected', false, true],
        ['/spec/template/spec/volumes/0/secret', true, false],
      ]);
      expect(patched?.fields?.[1]?.before).toEqual({ secretName: 'web-token', defaultMode: 420 });
      expect(manifest.command).toBe(
        `kubectl sa token legacy -n ${namespace} --migrate --yes --backup-dir ${backupRoot} ${admin().join(' ')}`,
      );
      expect(manifest.files).toEqual([]);
      expect(manifest.objects.map((object) => `${object.action} ${object.object.kind}/${object.object.name}`).sort()).toEqual([
        'delete Secret/revoked-token',
        'delete Secret/spare-token',
        'patch Deployment/api',
      ]);
      for (const object of manifest.objects.filter((candidate) => candidate.object.kind === 'Secret'))
        expect(Object.keys(object.before).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'type']);
    });

    it('a second run changes nothing more: what is left is the user’s to do', async () => {
      const run = await runTokenCli(['token', 'legacy', '-n', namespace, '--migrate', '--yes', '--backup-dir', backupRoot, ...admin()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toMatch(/^(patch|delete|patched|deleted) /m);
      expect(run.stdout).toMatch(/^Nothing kubectl sa can change by itself; the steps above are yours\.$/m);
      expect((await readdir(backupRoot)).length).toBe(1);
    });

    it('fix --undo reads the same backup: its server dry run shows the restore and the Secrets created again, and changes nothing', async () => {
      const [backupDir] = (await readdir(backupRoot)).map((name) => path.join(backupRoot, name));
      const preview = await runTokenCli(['fix', '--undo', backupDir ?? '', ...admin()]);
      expect(preview.code, preview.stderr).toBe(0);
      expect(preview.stdout).toMatch(/^-\s+projected:$/m);
      expect(preview.stdout).toMatch(/^\+\s+secretName: web-token$/m);
      expect(preview.stdout).toContain(
        `create Secret ${namespace}/spare-token again (deleted by kubectl sa token legacy -n ${namespace} --migrate`,
      );
      expect(preview.stderr).toContain('nothing was restored (server dry run passed)');
      expect((await volumesOf('deployment', 'api'))[0]).toHaveProperty('projected');
      expect(await secretNames()).not.toEqual(expect.arrayContaining(['spare-token']));
    });

    it('--undo restores: a dry run first, then the Deployment as it was and the Secrets again (the same token, signed again); twice changes nothing', async () => {
      const [backupDir] = (await readdir(backupRoot)).map((name) => path.join(backupRoot, name));
      const dry = await runTokenCli(['token', 'legacy', '--undo', backupDir ?? '', ...admin()]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^restore Deployment\/api in legacy: accepted$/m);
      expect(dry.stdout).toMatch(
        /^recreate Secret\/spare-token in legacy: accepted \(the token controller signs the same token again while the ServiceAccount and its signing key are unchanged\)$/m,
      );
      expect((await volumesOf('deployment', 'api'))[0]).toHaveProperty('projected');
      expect(await secretNames()).not.toEqual(expect.arrayContaining(['spare-token']));

      const undo = await runTokenCli(['token', 'legacy', '--undo', backupDir ?? '', '--yes', ...admin()]);
      expect(undo.code, undo.stderr).toBe(0);
      expect(undo.stdout).toMatch(/^Restored\.$/m);
      expect((await volumesOf('deployment', 'api'))[0]).toMatchObject({ name: 'sa-token', secret: { secretName: 'web-token' } });
      const refilled = await eventually(
        'the token in spare-token again',
        async () =>
          (await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'secret', 'spare-token', '-o', 'jsonpath={.data.token}'])).trim() ||
          undefined,
      );
      // Legacy tokens carry no iat, exp or jti: the same ServiceAccount and key sign the same bytes.
      expect(Buffer.from(refilled, 'base64').toString('utf8') === tokenValues[2]).toBe(true);
      expect(await secretNames()).toEqual(expect.arrayContaining(['revoked-token']));

      const again = await runTokenCli(['token', 'legacy', '--undo', backupDir ?? '', '--yes', ...admin()]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^restore Deployment\/api in legacy: unchanged$/m);
      expect(again.stdout).toMatch(/^recreate Secret\/spare-token in legacy: unchanged \(it exists again\)$/m);
      expect(again.stdout).toMatch(/^Nothing to restore: every object is as it was before the change\.$/m);
    });

    const migrate = async () => {
      const migrated = await runTokenCli([
        'token',
        'legacy',
        '-n',
        namespace,
        '--migrate',
        '--yes',
        '--unused-for',
        '0',
        '--backup-dir',
        backupRoot,
        ...admin(),
      ]);
      expect(migrated.code, migrated.stderr).toBe(0);
      return /^Backup: (.+)$/m.exec(migrated.stdout)?.[1] ?? '';
    };
    const deployment = async () =>
      JSON.parse(await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'get', 'deployment', 'api', '-o', 'json'])) as {
        spec: { replicas: number; template: { spec: { containers: { env?: unknown[] }[] } } };
      };

    it('--undo puts back the fields the migration changed and keeps later changes to other fields of the same object', async () => {
      const before = await deployment();
      const backupDir = await migrate();
      await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'scale', 'deployment', 'api', '--replicas', '1']);
      await kubectlOn(cp.kubeconfigPath, ['-n', namespace, 'set', 'env', 'deployment/api', 'LATER=change']);
      const undo = await runTokenCli(['token', 'legacy', '--undo', backupDir, '--yes', ...admin()]);
      expect(undo.code, undo.stderr).toBe(0);
      expect(undo.stdout).toMatch(/^restore Deployment\/api in legacy: done/m);
      const expected = structuredClone(before.spec);
      expected.replicas = 1;
      expected.template.spec.containers[0]?.env?.push({ name: 'LATER', value: 'change' });
      expect((await deployment()).spec).toEqual(expected);
    });

    it('--undo restores nothing over a later change of a field the migration changed: a conflict, exit 3', async () => {
      const backupDir = await migrate();
      await kubectlOn(cp.kubeconfigPath, [
        '-n',
        namespace,
        'patch',
        'deployment',
        'api',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/template/spec/volumes/0/projected/sources/0/serviceAccountToken/expirationSeconds","value":7200}]',
      ]);
      const undo = await runTokenCli(['token', 'legacy', '--undo', backupDir, '--yes', ...admin()]);
      expect(undo.code).toBe(3);
      expect(undo.stdout).toMatch(
        /^restore Deployment\/api in legacy: conflict \(changed since kubectl sa changed it \(\/spec\/template\/spec\/volumes\/0\/projected is no longer as it left it\); not restoring over later changes\)$/m,
      );
      expect(undo.stdout).toMatch(/^Nothing was restored: resolve the conflicts above first\.$/m);
      expect((await volumesOf('deployment', 'api'))[0]).toHaveProperty('projected');
    });
  });
});
