import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCliInProcess, type CliResult } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';
import { testSigner, boundClaims } from '../helpers/test-tokens.js';

/**
 * Issue 12 point 6 on files: a manifest file may hold Secrets beside the workload a fix changes (the
 * Kubernetes dashboard's own manifest does). No Secret value reaches the plan's diff, a script, the backup
 * or undo's output, and undo puts back only what the fix changed, keeping the Secrets as they are now.
 */

let work: string;
let state: string;
const env = () => ({ XDG_STATE_HOME: state });

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-fix-secrets-'));
  state = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-state-'));
});

/** A value no program could guess: random bytes, as a Secret's `data` holds them (base64). */
const secretValue = () => randomBytes(24).toString('base64');

/** Every file under a folder, read as text. */
function textsUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => readFileSync(file, 'utf8'));
}

function expectNone(values: readonly string[], texts: readonly string[], where: string): void {
  for (const value of values) for (const text of texts) expect(text.includes(value), `${where} holds a Secret value`).toBe(false);
}

const outputs = (result: CliResult) => [result.stdout, result.stderr];

describe('fix -f on a manifest file that holds Secret values', () => {
  it('the dashboard manifest: no value in the diff, the script or the backup; undo restores the fix, keeps the Secrets as they are now', async () => {
    const file = path.join(work, 'recommended.yaml');
    const [csrf, keyHolder, rotated] = [secretValue(), secretValue(), secretValue()];
    // A password pasted into the env of the Deployment the fix changes: no redaction can tell it is one.
    const pasted = `pw-${randomBytes(12).toString('hex')}`;
    const original = readFileSync(corpusPath('dashboard', 'recommended.yaml'), 'utf8')
      .replace('  csrf: ""\n', `  csrf: ${csrf}\n`)
      .replace(
        '          image: kubernetesui/metrics-scraper:v1.0.8\n',
        (kept) => `${kept}          env:\n            - name: DB_PASSWORD\n              value: ${pasted}\n`,
      )
      .replace(
        '  name: kubernetes-dashboard-key-holder\n  namespace: kubernetes-dashboard\ntype: Opaque\n',
        (kept) => `${kept}data:\n  priv: ${keyHolder}\n`,
      );
    expect(original).toContain(csrf);
    expect(original).toContain(keyHolder);
    writeFileSync(file, original);
    const fix = ['fix', 'dedicated-sa', 'deploy/dashboard-metrics-scraper', '-n', 'kubernetes-dashboard', '-f', file];

    const plan = await runCliInProcess(fix, { env: env() });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('+      serviceAccountName: dashboard-metrics-scraper');
    const script = await runCliInProcess([...fix, '--emit-script'], { env: env() });
    expect(script.code).toBe(0);
    const written = await runCliInProcess([...fix, '--write', '--yes'], { env: env() });
    expect(written.code).toBe(0);
    const backup = /backup: (\S+)/.exec(written.stderr)?.[1] ?? '';
    expect(backup).not.toBe('');
    const fixed = readFileSync(file, 'utf8');
    expect(fixed).toContain(csrf);
    expectNone([csrf, keyHolder], [...outputs(plan), ...outputs(script), ...outputs(written), ...textsUnder(backup)], 'the fix');
    // The backup keeps the lines the fix replaced, not a copy of the file: not the password beside the change either.
    expect(original).toContain(pasted);
    expect(readdirSync(backup)).toEqual(['backup.json']);
    expect(readFileSync(path.join(backup, 'backup.json'), 'utf8')).not.toContain(pasted);

    // The Secret's value is rotated after the fix: undo puts the fix's lines back and keeps the new value.
    writeFileSync(file, fixed.replace(csrf, rotated));
    const preview = await runCliInProcess(['fix', '--undo', backup], { env: env() });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('-      serviceAccountName: dashboard-metrics-scraper');
    const undone = await runCliInProcess(['fix', '--undo', backup, '--write', '--yes', '-o', 'json'], { env: env() });
    expect(undone.code).toBe(0);
    expectNone([csrf, keyHolder, rotated], [...outputs(preview), ...outputs(undone)], 'undo');
    expect(readFileSync(file, 'utf8')).toBe(original.replace(csrf, rotated));
    const twice = await runCliInProcess(['fix', '--undo', backup, '-o', 'json'], { env: env() });
    expect(JSON.parse(twice.stdout)).toMatchObject({ summary: { restore: 0, alreadyRestored: 1 } });
  });

  it('a kubectl get -o yaml List: a token Secret right after the edited Deployment is REDACTED in the diff; a patch script would carry it and is refused', async () => {
    // The dashboard's metrics scraper and its ServiceAccount, as `kubectl get deploy,sa,secret -o yaml` lists
    // them (keys sorted), with the ServiceAccount's legacy token Secret after them.
    const documents = loadAll(readFileSync(corpusPath('dashboard', 'recommended.yaml'), 'utf8')) as Record<string, unknown>[];
    const pick = (kind: string, name: string) =>
      documents.find((document) => document?.kind === kind && (document.metadata as { name?: string }).name === name);
    const token = await (await testSigner()).sign(boundClaims(new Date()));
    const tokenSecret = {
      apiVersion: 'v1',
      data: {
        'ca.crt': secretValue(),
        namespace: Buffer.from('kubernetes-dashboard').toString('base64'),
        token: Buffer.from(token).toString('base64'),
      },
      kind: 'Secret',
      metadata: {
        annotations: { 'kubernetes.io/service-account.name': 'kubernetes-dashboard' },
        name: 'kubernetes-dashboard-token',
        namespace: 'kubernetes-dashboard',
      },
      type: 'kubernetes.io/service-account-token',
    };
    // Someone also pasted the token into the Deployment's environment: it is no more shown than the Secret's.
    const deployment = structuredClone(pick('Deployment', 'dashboard-metrics-scraper')) as {
      spec: { template: { spec: { containers: { env?: unknown[] }[] } } };
    };
    const [container] = deployment.spec.template.spec.containers;
    if (container) container.env = [{ name: 'DASHBOARD_TOKEN', value: token }];
    const list = {
      apiVersion: 'v1',
      items: [pick('ServiceAccount', 'kubernetes-dashboard'), deployment, tokenSecret],
      kind: 'List',
    };
    const file = path.join(work, 'dashboard-list.yaml');
    writeFileSync(file, dump(list, { sortKeys: true, lineWidth: -1 }));
    const values = [...Object.values(tokenSecret.data), token];
    const fix = ['fix', 'automount', 'deploy/dashboard-metrics-scraper', '-n', 'kubernetes-dashboard', '-f', file];

    const plan = await runCliInProcess(fix, { env: env() });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('\n       ca.crt: REDACTED\n');
    const script = await runCliInProcess([...fix, '--emit-script'], { env: env() });
    expect(script.code).toBe(2);
    expect(script.stderr).toContain(`${file}: a patch script would carry Secret values`);
    const written = await runCliInProcess([...fix, '--write', '--yes'], { env: env() });
    expect(written.code).toBe(0);
    const backup = /backup: (\S+)/.exec(written.stderr)?.[1] ?? '';
    expectNone(values, [...outputs(plan), ...outputs(script), ...outputs(written), ...textsUnder(backup)], 'the fix');
    const undone = await runCliInProcess(['fix', '--undo', backup, '--write', '--yes'], { env: env() });
    expect(undone.code).toBe(0);
    expectNone(values, outputs(undone), 'undo');
    expect(readFileSync(file, 'utf8')).toBe(dump(list, { sortKeys: true, lineWidth: -1 }));
  });
});
