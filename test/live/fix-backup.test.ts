import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/inventory/kube-object.js';
import { runCliInProcess } from '../helpers/cli.js';
import { apply, freshNamespace, kubectl, liveCluster } from './kube.js';

/**
 * A live fix's backup keeps the fields the fix changed and nothing beside them: not the token or the
 * password someone pasted into the same pod template's env, nor kubectl apply's copy of them in the
 * last-applied annotation. Undo puts back those fields alone.
 */
const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];
const state = () => ({ XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'kubectl-sa-state-')) });
const json = async (args: string[]) => JSON.parse(await kubectl([...args, '-o', 'json'])) as KubeObject & { spec: Record<string, unknown> };
const base64url = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/** Values made up per run, so a match in a file can only come from this test's objects. */
function planted() {
  const jti = randomBytes(8).toString('hex');
  return {
    token: [
      base64url('{"alg":"RS256","kid":"planted"}'),
      base64url(`{"sub":"system:serviceaccount:x:y","jti":"${jti}"}`),
      base64url(randomBytes(32)),
    ].join('.'),
    password: `pw-${randomBytes(12).toString('hex')}`,
  };
}

const vaultClient = (namespace: string, values: ReturnType<typeof planted>) => `
apiVersion: v1
kind: Secret
metadata: {name: api-creds, namespace: ${namespace}}
stringData: {key: ${values.password}-in-secret}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vault-client, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: vault-client}}
  template:
    metadata: {labels: {app: vault-client}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1
          env:
            - {name: SESSION_TOKEN, value: "${values.token}"}
            - {name: DB_PASSWORD, value: "${values.password}"}
            - name: API_KEY
              valueFrom: {secretKeyRef: {name: api-creds, key: key}}
          volumeMounts: [{name: creds, mountPath: /creds, readOnly: true}]
        - name: side
          image: registry.example.com/side:1
          env: [{name: SIDE_PASSWORD, value: "${values.password}-side"}]
      volumes: [{name: creds, secret: {secretName: api-creds}}]
`;

/** Every file of a backup folder, as text. */
function backupTexts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
}

async function fixed(namespace: string, env: NodeJS.ProcessEnv): Promise<string> {
  const applied = await runCliInProcess(
    ['fix', 'automount', 'deploy/vault-client', '-n', namespace, '--dry-run=none', '--yes', ...admin()],
    {
      env,
    },
  );
  expect(applied.code, applied.stderr).toBe(0);
  const backup = /backup: (\S+)/.exec(applied.stderr)?.[1] ?? '';
  expect(backup).not.toBe('');
  return backup;
}

describe('a live fix backs up only the fields it changes', () => {
  it('no env value in the backup (nor the last-applied copy of them); undo puts back those fields and keeps a later change elsewhere', async () => {
    const namespace = await freshNamespace('fixbackup');
    const values = planted();
    await apply(vaultClient(namespace, values));
    const env = state();
    const before = await json(['get', 'deployment', 'vault-client', '-n', namespace]);

    // The dry run and its diff are as they were: the token REDACTED in the context lines, nothing changed.
    const dry = await runCliInProcess(['fix', 'automount', 'deploy/vault-client', '-n', namespace, ...admin()], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^\+ +automountServiceAccountToken: false$/m);
    expect(dry.stdout).not.toContain(values.token);
    expect((await json(['get', 'deployment', 'vault-client', '-n', namespace])).metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );

    const backup = await fixed(namespace, env);
    const fixedSpec = (await json(['get', 'deployment', 'vault-client', '-n', namespace])).spec as {
      template: { spec: Record<string, unknown> };
    };
    expect(fixedSpec.template.spec.automountServiceAccountToken).toBe(false);
    const texts = backupTexts(backup);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text.includes(values.token), 'the pasted token is in the backup').toBe(false);
      expect(text.includes(values.password), 'a pasted password is in the backup').toBe(false);
      expect(text).not.toMatch(/DB_PASSWORD|last-applied|registry\.example\.com/);
    }
    const manifest = JSON.parse(readFileSync(path.join(backup, 'backup.json'), 'utf8')) as { objects: Record<string, unknown>[] };
    // The fix's one operation (docs/fixes.md: workload-no-automount adds the field to the pod spec), recorded at its pointer.
    expect(manifest.objects).toEqual([
      expect.objectContaining({
        action: 'patch',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'vault-client' },
        fields: [{ path: '/spec/template/spec/automountServiceAccountToken', after: false }],
        uidAfter: before.metadata?.uid,
      }),
    ]);

    // Someone changes other fields of the same object after the fix: undo takes back the fix's field only.
    await kubectl(['-n', namespace, 'set', 'image', 'deployment/vault-client', 'side=registry.example.com/side:2']);
    await kubectl(['-n', namespace, 'scale', 'deployment/vault-client', '--replicas=3']);
    const preview = await runCliInProcess(['fix', '--undo', backup, ...admin()], { env });
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/^- +automountServiceAccountToken: false$/m);
    expect(preview.stdout).not.toContain(values.token);
    const undone = await runCliInProcess(['fix', '--undo', backup, '--dry-run=none', '--yes', ...admin()], { env });
    expect(undone.code, undone.stderr).toBe(0);
    const expected = structuredClone(before.spec) as { replicas: number; template: { spec: { containers: { image: string }[] } } };
    expected.replicas = 3;
    expected.template.spec.containers[1]!.image = 'registry.example.com/side:2';
    expect((await json(['get', 'deployment', 'vault-client', '-n', namespace])).spec).toEqual(expected);

    const twice = await runCliInProcess(['fix', '--undo', backup, '--dry-run=none', '--yes', ...admin()], { env });
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stderr).toContain('already as before the fix');
  });

  it('undo refuses, changing nothing, when the field the fix changed was changed since', async () => {
    const namespace = await freshNamespace('fixbackupconflict');
    await apply(vaultClient(namespace, planted()));
    const env = state();
    const backup = await fixed(namespace, env);
    await kubectl([
      '-n',
      namespace,
      'patch',
      'deployment',
      'vault-client',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/template/spec/automountServiceAccountToken","value":true}]',
    ]);
    const later = await json(['get', 'deployment', 'vault-client', '-n', namespace]);
    const undo = await runCliInProcess(['fix', '--undo', backup, '--dry-run=none', '--yes', ...admin()], { env });
    expect(undo.code).toBe(2);
    expect(undo.stderr).toMatch(
      new RegExp(
        `^error: cannot undo: Deployment ${namespace}/vault-client changed since kubectl sa changed it \\(/spec/template/spec/automountServiceAccountToken is no longer as it left it\\); not restoring over later changes$`,
        'm',
      ),
    );
    expect((await json(['get', 'deployment', 'vault-client', '-n', namespace])).metadata?.resourceVersion).toBe(
      later.metadata?.resourceVersion,
    );
  });

  it('a backup of the version before (the object whole) is still undone, as before: only if nothing changed since', async () => {
    const namespace = await freshNamespace('fixbackupv1');
    await apply(vaultClient(namespace, planted()));
    const env = state();
    const before = await json(['get', 'deployment', 'vault-client', '-n', namespace]);
    const backup = await fixed(namespace, env);
    const after = await json(['get', 'deployment', 'vault-client', '-n', namespace]);
    const file = path.join(backup, 'backup.json');
    const current = JSON.parse(readFileSync(file, 'utf8')) as { objects: Record<string, unknown>[] };
    // What kubectl-sa.dev/v1 wrote: the object before the change, server-owned fields left out.
    const {
      resourceVersion: _rv,
      uid: _uid,
      generation: _generation,
      creationTimestamp: _created,
      managedFields: _managed,
      ...metadata
    } = before.metadata as Record<string, unknown>;
    const { status: _status, ...object } = before as unknown as Record<string, unknown>;
    const { fields: _fields, ...record } = current.objects[0] ?? {};
    writeFileSync(
      file,
      JSON.stringify({ ...current, apiVersion: 'kubectl-sa.dev/v1', objects: [{ ...record, before: { ...object, metadata } }] }),
    );
    const undone = await runCliInProcess(['fix', '--undo', backup, '--dry-run=none', '--yes', ...admin()], { env });
    expect(undone.code, undone.stderr).toBe(0);
    expect((await json(['get', 'deployment', 'vault-client', '-n', namespace])).spec).toEqual(before.spec);
    expect(after.spec).not.toEqual(before.spec);
  });
});
