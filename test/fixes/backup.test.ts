import { mkdtemp, readFile, stat } from 'node:fs/promises';
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

  it('record each object before its change and what the server returned after; read back; private files; never a Secret value', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-backup-'));
    const backup = await BackupWriter.create(root, 'kubectl sa token legacy --migrate --yes', new Date('2026-03-01T12:00:00.123Z'));
    expect(path.basename(backup.dir)).toMatch(/^20260301T120000Z-[0-9a-f]{6}$/);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'prod', uid: 'd1', resourceVersion: '4', generation: 2, managedFields: [{}] },
      spec: { replicas: 2 },
      status: { readyReplicas: 2 },
    } as KubeObject;
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
    await backup.addObject(objectBackup({ action: 'patch', object: deploymentRef, before: deployment }, where));
    await backup.addObject(objectBackup({ action: 'delete', object: secretRef, before: secret }, where));
    const after = { ...deployment, metadata: { ...deployment.metadata, resourceVersion: '5', generation: 3 } } as KubeObject;
    await backup.addObject(objectBackup({ action: 'patch', object: deploymentRef, before: deployment }, where, after));

    const { manifest } = await readBackup(backup.dir);
    expect(manifest).toMatchObject({ kind: 'Backup', command: 'kubectl sa token legacy --migrate --yes', files: [] });
    expect(
      manifest.objects.map((object) => [object.action, object.object.kind, object.resourceVersionAfter, object.generationAfter]),
    ).toEqual([
      ['patch', 'Deployment', '5', 3],
      ['delete', 'Secret', undefined, undefined],
    ]);
    expect(manifest.objects[0]).toMatchObject({ server: where.server, context: 'kind-dev', uidAfter: 'd1' });
    expect(manifest.objects[0]?.before).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'prod' },
      spec: { replicas: 2 },
    });
    expect(manifest.objects[1]?.before).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'tok', namespace: 'prod', annotations: { keep: 'me' } },
    });
    expect(await readFile(path.join(backup.dir, 'backup.json'), 'utf8')).not.toMatch(/hunter2|aHVudGVyMg/);
    expect((await stat(backup.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(backup.dir, 'backup.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuse a folder that is not a backup, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-not-a-backup-'));
    await expect(readBackup(dir)).rejects.toThrow(`${dir}: not a kubectl-sa backup (ENOENT)`);
  });
});
