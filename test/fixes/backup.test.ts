import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupWriter, defaultBackupRoot, objectBackup, readBackup } from '../../src/fixes/backup.js';
import type { KubeObject } from '../../src/inventory/kube-object.js';

const where = { server: 'https://127.0.0.1:6443', context: 'kind-dev' };

describe('backups (fix and token legacy --migrate alike)', () => {
  it('live under $XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultBackupRoot({ XDG_STATE_HOME: '/state', HOME: '/home/u' })).toBe('/state/kubectl-sa/backups');
    expect(defaultBackupRoot({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/state/kubectl-sa/backups');
    expect(defaultBackupRoot({ HOME: '/home/u' })).toBe('/home/u/.local/state/kubectl-sa/backups');
  });

  it('record of a patch: only the fields it made (planned before, served after); a deleted object whole, a Secret as metadata; private files', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-backup-'));
    const backup = await BackupWriter.create(root, 'kubectl sa token legacy --migrate --yes', new Date('2026-03-01T12:00:00.123Z'));
    expect(path.basename(backup.dir)).toMatch(/^20260301T120000Z-[0-9a-f]{6}$/);
    // A token and a password pasted into env values beside the change: neither is the change's business.
    const pasted = `${['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJ4In0', 'c2lnbmF0dXJl'].join('.')}`;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'prod', uid: 'd1', resourceVersion: '4', generation: 2, managedFields: [{}] },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'TOKEN', value: pasted },
                  { name: 'DB_PASSWORD', value: 'hunter2-correct-horse' },
                ],
              },
            ],
            volumes: [{ name: 'sa-token', secret: { secretName: 'web-token' } }],
          },
        },
      },
      status: { readyReplicas: 2 },
    } as unknown as KubeObject;
    const planned = structuredClone(deployment) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    planned.spec.template.spec.automountServiceAccountToken = false;
    planned.spec.template.spec.volumes = [{ name: 'sa-token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'tok',
        namespace: 'prod',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"token":"hunter2"}}', keep: 'me' },
      },
      data: { token: 'aHVudGVyMg==' },
      stringData: { token: 'hunter2' },
    } as unknown as KubeObject;
    const deploymentRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'api' };
    const secretRef = { apiVersion: 'v1', kind: 'Secret', namespace: 'prod', name: 'tok' };
    const change = { action: 'patch' as const, object: deploymentRef, before: deployment, after: planned as unknown as KubeObject };
    await backup.addObject(objectBackup(change, where));
    await backup.addObject(objectBackup({ action: 'delete', object: secretRef, before: secret }, where));
    expect((await readBackup(backup.dir)).manifest.objects[0]?.resourceVersionAfter).toBeUndefined();
    // The server's answer: what the plan did, plus a default the API server filled in.
    const served = structuredClone(planned) as unknown as {
      metadata: Record<string, unknown>;
      spec: { template: { spec: { volumes: { projected: Record<string, unknown> }[] } } };
    };
    served.metadata = { ...deployment.metadata, resourceVersion: '5', generation: 3 };
    served.spec.template.spec.volumes[0]!.projected.defaultMode = 420;
    await backup.addObject(objectBackup(change, where, served as unknown as KubeObject));

    const { manifest } = await readBackup(backup.dir);
    expect(manifest).toMatchObject({
      apiVersion: 'kubectl-sa.dev/v2',
      kind: 'Backup',
      command: 'kubectl sa token legacy --migrate --yes',
      files: [],
    });
    expect(
      manifest.objects.map((object) => [object.action, object.object.kind, object.resourceVersionAfter, object.generationAfter]),
    ).toEqual([
      ['patch', 'Deployment', '5', 3],
      ['delete', 'Secret', undefined, undefined],
    ]);
    expect(manifest.objects[0]).toMatchObject({ server: where.server, context: 'kind-dev', uidAfter: 'd1' });
    expect(manifest.objects[0]?.before).toBeUndefined();
    expect(manifest.objects[0]?.fields).toEqual([
      { path: '/spec/template/spec/automountServiceAccountToken', after: false },
      {
        path: '/spec/template/spec/volumes/0/projected',
        after: { sources: [{ serviceAccountToken: { path: 'token' } }], defaultMode: 420 },
      },
      { path: '/spec/template/spec/volumes/0/secret', before: { secretName: 'web-token' } },
    ]);
    expect(manifest.objects[1]?.before).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'tok', namespace: 'prod', annotations: { keep: 'me' } },
    });
    const text = await readFile(path.join(backup.dir, 'backup.json'), 'utf8');
    expect(text).not.toMatch(/hunter2|aHVudGVyMg|eyJ|replicas/);
    expect((await stat(backup.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(backup.dir, 'backup.json'))).mode & 0o777).toBe(0o600);

    // A change the backup could not take back without keeping a token is refused before anything is written.
    const rewritten = structuredClone(deployment) as unknown as {
      spec: { template: { spec: { containers: { env: { value: string }[] }[] } } };
    };
    rewritten.spec.template.spec.containers[0]!.env[0]!.value = 'from-a-secret-now';
    expect(() => objectBackup({ ...change, after: rewritten as unknown as KubeObject }, where)).toThrow(
      'Deployment prod/api: the change rewrites /spec/template/spec/containers/0/env/0/value, which holds a token its backup would have to keep; nothing was changed',
    );
  });

  it('read backups of the version before (whole objects); refuse a later version in one line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-backup-versions-'));
    const manifest = { apiVersion: 'kubectl-sa.dev/v1', kind: 'Backup', created: '', command: 'kubectl sa fix', files: [], objects: [] };
    await writeFile(path.join(dir, 'backup.json'), JSON.stringify(manifest));
    expect((await readBackup(dir)).manifest.apiVersion).toBe('kubectl-sa.dev/v1');
    await writeFile(path.join(dir, 'backup.json'), JSON.stringify({ ...manifest, apiVersion: 'kubectl-sa.dev/v3' }));
    await expect(readBackup(dir)).rejects.toThrow(
      `${path.join(dir, 'backup.json')}: a kubectl-sa.dev/v3 backup, made by a later kubectl-sa: undo it with that version`,
    );
  });

  it('refuse a folder that is not a backup, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-not-a-backup-'));
    await expect(readBackup(dir)).rejects.toThrow(`${dir}: not a kubectl-sa backup (ENOENT)`);
  });
});
