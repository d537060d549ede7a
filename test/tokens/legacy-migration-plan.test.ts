import { describe, expect, it } from 'vitest';
import { planLegacyTokenMigration, type MigrationPlan } from '../../src/tokens/legacy-migration-plan.js';
import { legacyTokenUsage } from '../../src/tokens/legacy-token-usage.js';
import { inventoryFromYaml } from '../helpers/inventory.js';

const now = new Date('2026-03-01T12:00:00Z');

const secret = (name: string, serviceAccount: string, labels = '{}') => `
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: { name: ${name}, namespace: prod, uid: uid-${name}, resourceVersion: "7", annotations: { kubernetes.io/service-account.name: ${serviceAccount} }, labels: ${labels} }`;

const deployment = (name: string, podSpec: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: prod, uid: uid-${name}, resourceVersion: "42" }
spec:
  template:
    spec: ${podSpec}`;

function plan(yaml: string, unusedForDays = 30, complete = true): MigrationPlan {
  const inventory = inventoryFromYaml(yaml);
  const items = legacyTokenUsage(inventory, inventory.secrets, { workloadsComplete: complete, serviceAccountsRead: true });
  return planLegacyTokenMigration(inventory, items, { unusedForDays, now });
}

const serviceAccounts = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: prod, uid: sa-web }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: ci, namespace: prod, uid: sa-ci }`;

describe('planLegacyTokenMigration', () => {
  it('rewrites a Secret volume into the projected token, CA and namespace, guarded by test operations', () => {
    const result = plan(
      [
        serviceAccounts,
        secret('web-token', 'web'),
        deployment(
          'api',
          `{ serviceAccountName: web, automountServiceAccountToken: false, containers: [{ name: app }], volumes: [{ name: cache, emptyDir: {} }, { name: sa, secret: { secretName: web-token, defaultMode: 420 } }] }`,
        ),
      ].join('\n---'),
    );
    expect(result.patches).toHaveLength(1);
    const patch = result.patches[0]!;
    expect(patch.target).toMatchObject({ kind: 'Deployment', name: 'api', namespace: 'prod', resourceVersion: '42' });
    expect(patch.operations).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '42' },
      { op: 'test', path: '/spec/template/spec/volumes/1', value: { name: 'sa', secret: { secretName: 'web-token', defaultMode: 420 } } },
      {
        op: 'replace',
        path: '/spec/template/spec/volumes/1',
        value: {
          name: 'sa',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      },
    ]);
    expect(patch.rollout).toBe('a rollout replaces its pods');
    expect(result.manual).toEqual([]);
    expect(result.kept).toEqual([
      {
        secret: expect.objectContaining({ name: 'web-token' }),
        reason: 'read by Deployment/api, migrated by this plan: run again once their pods are replaced',
      },
    ]);
    expect(result.deletions).toEqual([]);
  });

  it('keeps the paths of items, and only the keys they select', () => {
    const result = plan(
      [
        serviceAccounts,
        secret('web-token', 'web'),
        deployment(
          'api',
          `{ serviceAccountName: web, volumes: [{ name: sa, secret: { secretName: web-token, items: [{ key: token, path: auth/jwt, mode: 256 }] } }] }`,
        ),
      ].join('\n---'),
    );
    expect(result.patches[0]?.changes[0]?.after).toEqual({
      name: 'sa',
      projected: { sources: [{ serviceAccountToken: { path: 'auth/jwt', expirationSeconds: 3600 } }] },
    });
  });

  it('replaces a secret source inside a projected volume and keeps the other sources', () => {
    const result = plan(
      [
        serviceAccounts,
        secret('web-token', 'web'),
        deployment(
          'api',
          `{ serviceAccountName: web, volumes: [{ name: all, projected: { sources: [{ configMap: { name: app } }, { secret: { name: web-token, items: [{ key: ca.crt, path: ca.pem }] } }] } }] }`,
        ),
      ].join('\n---'),
    );
    expect(result.patches[0]?.changes[0]?.after).toEqual({
      name: 'all',
      projected: {
        sources: [{ configMap: { name: 'app' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.pem' }] } }],
      },
    });
  });

  it('leaves to the user what it cannot do safely, and keeps the Secret those still read', () => {
    const result = plan(
      [
        serviceAccounts,
        secret('web-token', 'web'),
        secret('ci-token', 'ci'),
        deployment(
          'env-reader',
          `{ serviceAccountName: web, containers: [{ name: app, env: [{ name: TOKEN, valueFrom: { secretKeyRef: { name: web-token, key: token } } }] }] }`,
        ),
        deployment('other-identity', `{ serviceAccountName: web, volumes: [{ name: sa, secret: { secretName: ci-token } }] }`),
        deployment(
          'odd-keys',
          `{ serviceAccountName: web, volumes: [{ name: sa, secret: { secretName: web-token, items: [{ key: extra, path: x }] } }] }`,
        ),
        `
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: prod }
spec: { serviceAccountName: web, volumes: [{ name: sa, secret: { secretName: web-token } }] }
---
apiVersion: batch/v1
kind: Job
metadata: { name: once, namespace: prod, uid: uid-once }
spec: { template: { spec: { serviceAccountName: web, volumes: [{ name: sa, secret: { secretName: web-token } }] } } }`,
      ].join('\n---'),
    );
    expect(result.patches).toEqual([]);
    const reasons = result.manual.map((step) => `${step.object.kind}/${step.object.name}: ${step.reason.split(':')[0]}`);
    expect(reasons).toEqual([
      'Deployment/other-identity: its pods run as ServiceAccount web but mount the token of ci',
      'Deployment/env-reader: container app reads the token through env TOKEN',
      'Deployment/odd-keys: volume sa maps keys of the Secret other than token, ca.crt and namespace',
      'Job/once: a Job’s pod template cannot be changed',
      'Pod/debug: a bare Pod’s volumes cannot be changed',
    ]);
    expect(result.deletions).toEqual([]);
    expect(result.kept.map((kept) => kept.reason)).toEqual([
      'read by Deployment/other-identity',
      'read by Deployment/env-reader, Deployment/odd-keys, Job/once, Pod/debug',
    ]);
  });

  it('rewrites a CronJob through its job template', () => {
    const result = plan(
      [
        serviceAccounts,
        secret('web-token', 'web'),
        `
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: prod, uid: uid-backup, resourceVersion: "9" }
spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: web, volumes: [{ name: sa, secret: { secretName: web-token } }] } } } } }`,
      ].join('\n---'),
    );
    expect(result.patches[0]?.operations.map((operation) => `${operation.op} ${operation.path}`)).toEqual([
      'test /metadata/resourceVersion',
      'test /spec/jobTemplate/spec/template/spec/volumes/0',
      'replace /spec/jobTemplate/spec/template/spec/volumes/0',
    ]);
  });

  it('deletes a Secret nothing reads only when its token is dead or idle long enough', () => {
    const yaml = [
      serviceAccounts,
      secret('never-used', 'web'),
      secret('used-3-days-ago', 'ci', '{ kubernetes.io/legacy-token-last-used: "2026-02-26" }'),
      secret('used-40-days-ago', 'ci', '{ kubernetes.io/legacy-token-last-used: "2026-01-20" }'),
      secret(
        'invalidated',
        'ci',
        '{ kubernetes.io/legacy-token-last-used: "2026-02-28", kubernetes.io/legacy-token-invalid-since: "2026-02-28" }',
      ),
      secret('orphaned', 'gone', '{ kubernetes.io/legacy-token-last-used: "2026-02-28" }'),
    ].join('\n---');
    const result = plan(yaml);
    expect(result.deletions.map((deletion) => `${deletion.secret.name}: ${deletion.reason}`)).toEqual([
      'invalidated: nothing reads it and the API server invalidated its token on 2026-02-28',
      'never-used: nothing reads it, and the API server never recorded a use (tracked since Kubernetes 1.26)',
      'orphaned: nothing reads it and its ServiceAccount gone no longer exists',
      'used-40-days-ago: nothing reads it; last used 2026-01-20, 40 days ago',
    ]);
    expect(result.deletions[0]?.secret).toMatchObject({ uid: 'uid-invalidated', resourceVersion: '7' });
    expect(result.kept.map((kept) => kept.secret.name)).toEqual(['used-3-days-ago']);
    expect(result.kept[0]?.reason).toMatch(/^no pod reads it, but a client used it on 2026-02-26 \(3 days ago\)/);
    expect(plan(yaml, 0).deletions).toHaveLength(5);
    expect(plan(yaml, 30, false).deletions).toEqual([]);
  });
});
