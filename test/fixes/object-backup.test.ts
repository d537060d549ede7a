import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultBackupRoot, ObjectBackup, readBackup } from '../../src/fixes/object-backup.js';

describe('ObjectBackup', () => {
  it('lives under $XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultBackupRoot({ XDG_STATE_HOME: '/state', HOME: '/home/u' })).toBe('/state/kubectl-sa/backups');
    expect(defaultBackupRoot({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/state/kubectl-sa/backups');
    expect(defaultBackupRoot({ HOME: '/home/u' })).toBe('/home/u/.local/state/kubectl-sa/backups');
  });

  it('writes each object before the change, records what was done, and reads it back; private files, no Secret values', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kubectl-sa-backup-'));
    const backup = await ObjectBackup.create(root, {
      label: 'test',
      reason: 'a test',
      server: 'https://127.0.0.1:6443',
      now: new Date('2026-03-01T12:00:00.123Z'),
    });
    expect(path.basename(backup.dir)).toBe('20260301T120000Z-test');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'prod', uid: 'd1', resourceVersion: '4', managedFields: [{}] },
      spec: { replicas: 2 },
      status: { ready: 2 },
    };
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
    };
    const first = await backup.save(deployment, 'patched');
    await backup.save(secret, 'deleted');
    await backup.applied(first, { metadata: { resourceVersion: '5', generation: 3 } });
    const { manifest, objects } = await readBackup(backup.dir);
    expect(manifest).toMatchObject({ kind: 'Backup', reason: 'a test', server: 'https://127.0.0.1:6443' });
    expect(
      manifest.entries.map((entry) => [
        entry.action,
        entry.kind,
        entry.name,
        entry.applied,
        entry.resourceVersionAfter,
        entry.generationAfter,
      ]),
    ).toEqual([
      ['patched', 'Deployment', 'api', true, '5', 3],
      ['deleted', 'Secret', 'tok', false, null, null],
    ]);
    expect(objects[0]?.object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'prod', uid: 'd1', resourceVersion: '4' },
      spec: { replicas: 2 },
    });
    expect(objects[1]?.object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'tok', namespace: 'prod', annotations: { keep: 'me' } },
    });
    const files = await Promise.all(manifest.entries.map((entry) => readFile(path.join(backup.dir, entry.file), 'utf8')));
    expect(files.join('')).not.toMatch(/hunter2|aHVudGVyMg/);
    expect((await stat(backup.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(backup.dir, 'backup.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a folder that is not a backup', async () => {
    await expect(readBackup(tmpdir())).rejects.toThrow(/not a kubectl-sa backup \(no backup.json\)/);
  });
});
