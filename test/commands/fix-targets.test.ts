import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCliInProcess } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';

let work: string;
const env = () => ({ XDG_STATE_HOME: path.join(work, 'state') });
const plan = async (args: string[]) => {
  const result = await runCliInProcess([...args, '-o', 'json'], { env: env() });
  expect(result.stderr).not.toContain('error:');
  return JSON.parse(result.stdout) as {
    changes: {
      action: string;
      object: { kind: string; name: string };
      fixes: { title: string }[];
      patch: { op: string; path: string; value?: unknown }[];
    }[];
    skipped: { object: { kind: string; name: string }; reason: string }[];
    compliant: { object: { kind: string; name: string } }[];
  };
};
const summary = (
  changes: { action: string; object: { kind: string; name: string }; patch: { op: string; path: string; value?: unknown }[] }[],
) =>
  changes.map(
    (change) =>
      `${change.action} ${change.object.kind}/${change.object.name} ${change.patch
        .filter((op) => op.op !== 'test')
        .map((op) => `${op.path}=${JSON.stringify(op.value)}`)
        .join(' ')}`,
  );

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-fixt-'));
  cpSync(path.join(repoRoot, 'examples', 'insecure'), path.join(work, 'insecure'), { recursive: true });
});

describe('kubectl sa fix default-sa', () => {
  it('turns automount off on the declared default ServiceAccounts and keeps the token of workloads that use its permissions', async () => {
    const result = await plan(['fix', 'default-sa', '-f', path.join(work, 'insecure')]);
    expect(summary(result.changes)).toEqual([
      'patch ServiceAccount/default /automountServiceAccountToken=false',
      'patch Deployment/storefront /spec/template/spec/automountServiceAccountToken=true',
      'patch Deployment/cart /spec/template/spec/automountServiceAccountToken=true',
    ]);
    expect((await plan(['fix', 'default-sa', '-f', path.join(work, 'insecure'), '-n', 'elsewhere'])).changes).toEqual([]);
  });
  it('says when a default ServiceAccount is not declared in the manifests', async () => {
    const file = path.join(work, 'deploy.yaml');
    cpSync(corpusPath('external-dns', 'external-dns-deployment.yaml'), file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('serviceAccountName: external-dns', 'serviceAccountName: default'));
    const result = await plan(['fix', 'default-sa', '-f', file]);
    expect(result.changes).toEqual([]);
    expect(result.skipped.map((skip) => skip.reason)).toEqual([
      'ServiceAccount default/default is not in the input (the control plane creates it): declare it in your manifests to fix it there, or fix the live cluster',
    ]);
  });
});

describe('kubectl sa fix automount', () => {
  it('opts a workload out when its ServiceAccount has no use for a token', async () => {
    const result = await plan([
      'fix',
      'automount',
      'deploy/external-dns',
      '-f',
      corpusPath('external-dns', 'external-dns-deployment.yaml'),
    ]);
    expect(summary(result.changes)).toEqual(['patch Deployment/external-dns /spec/template/spec/automountServiceAccountToken=false']);
  });
  it('leaves a workload whose ServiceAccount holds permissions, and says why', async () => {
    const result = await plan(['fix', 'automount', 'cronjob/nightly-report', '-n', 'shop', '-f', path.join(work, 'insecure')]);
    expect(result.changes).toEqual([]);
    expect(result.skipped[0]?.reason).toBe(
      'ServiceAccount shop/reporting holds permissions and the pods get a token: already as it should be',
    );
  });
  it('opts pods in explicitly where the ServiceAccount opts out but holds permissions', async () => {
    const file = path.join(work, 'api-user.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata: {name: watcher, namespace: team}',
        'automountServiceAccountToken: false',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata: {name: watcher-view, namespace: team}',
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
        'subjects: [{kind: ServiceAccount, name: watcher, namespace: team}]',
        '---',
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: sweep, namespace: team}',
        'spec:',
        '  schedule: "@daily"',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          serviceAccountName: watcher',
        '          restartPolicy: Never',
        '          containers: [{name: sweep, image: registry.example.com/sweep:1}]',
        '',
      ].join('\n'),
    );
    const result = await plan(['fix', 'automount', 'cj/sweep', '-n', 'team', '-f', file]);
    expect(summary(result.changes)).toEqual(['patch CronJob/sweep /spec/jobTemplate/spec/template/spec/automountServiceAccountToken=true']);
  });
  it('opts a ServiceAccount out only when none of its pods can use a token', async () => {
    const held = await plan(['fix', 'automount', 'sa/reporting', '-n', 'shop', '-f', path.join(work, 'insecure')]);
    expect(held.changes).toEqual([]);
    expect(held.skipped[0]?.reason).toMatch(/^ServiceAccount shop\/reporting holds permissions: its pods may need the token/);
    const bare = path.join(work, 'bare.yaml');
    writeFileSync(bare, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: idle\n  namespace: team\n');
    expect(summary((await plan(['fix', 'automount', 'serviceaccount/idle', '-n', 'team', '-f', bare])).changes)).toEqual([
      'patch ServiceAccount/idle /automountServiceAccountToken=false',
    ]);
  });
  it('an unknown workload or kind is a one-line usage error (exit 2)', async () => {
    const missing = await runCliInProcess(['fix', 'automount', 'deploy/nope', '-n', 'shop', '-f', path.join(work, 'insecure')], {
      env: env(),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: Deployment shop\/nope is not in the input\n/);
    const kind = await runCliInProcess(['fix', 'automount', 'configmap/x', '-f', path.join(work, 'insecure')], { env: env() });
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('ConfigMap has no pod template');
    const shape = await runCliInProcess(['fix', 'automount', 'web', '-f', path.join(work, 'insecure')], { env: env() });
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('expected KIND/NAME');
  });
});

describe('kubectl sa fix dedicated-sa', () => {
  it('creates the ServiceAccount after the workload, points the workload at it, and keeps its token where the old one held permissions', async () => {
    const result = await plan(['fix', 'dedicated-sa', 'deploy/cart', '-n', 'shop', '-f', path.join(work, 'insecure')]);
    expect(summary(result.changes)).toEqual([
      'patch Deployment/cart /spec/template/spec/serviceAccountName="cart" /spec/template/spec/automountServiceAccountToken=true',
      'create ServiceAccount/cart ',
    ]);
  });
  it('refuses a name other workloads already run as', async () => {
    const result = await runCliInProcess(
      ['fix', 'dedicated-sa', 'deploy/cart', '-n', 'shop', '--name', 'default', '-f', path.join(work, 'insecure')],
      {
        env: env(),
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ServiceAccount shop/default is already used by Deployment storefront: it would not be dedicated');
  });
  it('writes the plan to the file, and a second run is already compliant', async () => {
    const args = ['fix', 'dedicated-sa', 'deploy/cart', '-n', 'shop', '-f', path.join(work, 'insecure'), '--write', '--yes'];
    expect((await runCliInProcess(args, { env: env() })).code).toBe(0);
    const written = readFileSync(path.join(work, 'insecure', 'shop-namespace.yaml'), 'utf8');
    expect(written).toContain('      serviceAccountName: cart\n');
    expect(written).toMatch(
      /---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n {2}name: cart\n {2}namespace: shop\nautomountServiceAccountToken: false\n$/,
    );
    const again = await runCliInProcess(args, { env: env() });
    expect(again.stdout).toContain('Nothing to change: already compliant');
    expect(readFileSync(path.join(work, 'insecure', 'shop-namespace.yaml'), 'utf8')).toBe(written);
  });
});
