import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCliInProcess } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';

let work: string;
let state: string;
const env = () => ({ XDG_STATE_HOME: state });

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-fix-'));
  state = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-state-'));
  cpSync(path.join(repoRoot, 'examples', 'insecure'), path.join(work, 'insecure'), { recursive: true });
});

const shop = () => path.join(work, 'insecure', 'shop-namespace.yaml');
const changed = (diff: string) => diff.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line));

describe('kubectl sa fix on files', () => {
  it('prints the plan and the diff and changes nothing by default', async () => {
    const before = readFileSync(shop(), 'utf8');
    const result = await runCliInProcess(['fix', '-f', path.join(work, 'insecure'), '--rule', 'SA001', '--rule', 'SA002'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Would change 5 object(s) in 1 file(s):');
    expect(result.stdout).toContain(`--- a/${shop().replace(/^\//, '')}`);
    expect(changed(result.stdout)).toEqual([
      '+automountServiceAccountToken: false',
      '+      serviceAccountName: storefront',
      // The default ServiceAccount holds permissions (a group binding in reporting.yaml): the pods keep their token.
      '+      automountServiceAccountToken: true',
      '+---',
      '+apiVersion: v1',
      '+kind: ServiceAccount',
      '+metadata:',
      '+  name: storefront',
      '+  namespace: shop',
      '+automountServiceAccountToken: false',
      '-      serviceAccountName: default',
      '+      serviceAccountName: cart',
      '+      automountServiceAccountToken: true',
      '+---',
      '+apiVersion: v1',
      '+kind: ServiceAccount',
      '+metadata:',
      '+  name: cart',
      '+  namespace: shop',
      '+automountServiceAccountToken: false',
    ]);
    // The hint is the command to type next: the same one, acting instead of its dry run.
    expect(result.stderr).toContain(
      `hint: nothing was changed; apply with: kubectl sa fix -f ${path.join(work, 'insecure')} --rule SA001 --rule SA002 --write\n`,
    );
    const explicit = await runCliInProcess(['fix', '--dry-run', 'client', '-f', shop(), '--rule', 'SA001'], { env: env() });
    expect(explicit.stderr).toContain(`hint: nothing was changed; apply with: kubectl sa fix -f ${shop()} --rule SA001 --write\n`);
    expect(readFileSync(shop(), 'utf8')).toBe(before);
  });

  it('--write needs --yes without a terminal, writes atomically with a backup, and a second run is already compliant', async () => {
    const before = readFileSync(shop(), 'utf8');
    const args = ['fix', '-f', path.join(work, 'insecure'), '--rule', 'SA001', '--write'];
    const refused = await runCliInProcess(args, { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes');
    expect(readFileSync(shop(), 'utf8')).toBe(before);

    const written = await runCliInProcess([...args, '--yes'], { env: env() });
    expect(written.code).toBe(0);
    // A runbook's log says what was done, once.
    expect(written.stdout).toMatch(/^Changed 3 object\(s\) in 1 file\(s\):\n/);
    expect(written.stdout).not.toContain('Would change');
    const after = readFileSync(shop(), 'utf8');
    expect(after).toBe(
      before
        .replace('  namespace: shop\n---\n', '  namespace: shop\nautomountServiceAccountToken: false\n---\n')
        // Both deployments run as default, which holds permissions: they are opted in explicitly.
        .replace('            - containerPort: 8080\n', '            - containerPort: 8080\n      automountServiceAccountToken: true\n')
        .replace(
          '                  key: secret-access-key\n',
          '                  key: secret-access-key\n      automountServiceAccountToken: true\n',
        ),
    );
    expect(readdirSync(path.join(work, 'insecure')).filter((name) => name.includes('.tmp'))).toEqual([]);
    const backup = /backup: (\S+)/.exec(written.stderr)?.[1] ?? '';
    expect(backup.startsWith(path.join(state, 'kubectl-sa', 'backups'))).toBe(true);

    const again = await runCliInProcess([...args, '--yes'], { env: env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change: already compliant');
    expect(readFileSync(shop(), 'utf8')).toBe(after);

    const preview = await runCliInProcess(['fix', '--undo', backup], { env: env() });
    expect(changed(preview.stdout)).toEqual([
      '-automountServiceAccountToken: false',
      '-      automountServiceAccountToken: true',
      '-      automountServiceAccountToken: true',
    ]);
    expect(readFileSync(shop(), 'utf8')).toBe(after);
    const planned = await runCliInProcess(['fix', '--undo', backup, '-o', 'json'], { env: env() });
    expect(JSON.parse(planned.stdout)).toMatchObject({
      kind: 'FixUndo',
      origin: 'files',
      dryRun: 'client',
      summary: { restore: 1, alreadyRestored: 0 },
      items: [{ file: shop(), action: 'restore', state: 'restore', outcome: 'planned', diff: preview.stdout }],
    });
    const undone = await runCliInProcess(['fix', '--undo', backup, '--write', '--yes', '-o', 'yaml'], { env: env() });
    expect(undone.code).toBe(0);
    expect(undone.stdout).toMatch(/^kind: FixUndo$/m);
    expect(undone.stdout).toMatch(/^ {4}outcome: restored$/m);
    expect(readFileSync(shop(), 'utf8')).toBe(before);
    const twice = await runCliInProcess(['fix', '--undo', backup, '-o', 'json'], { env: env() });
    expect(JSON.parse(twice.stdout)).toMatchObject({
      summary: { restore: 0, alreadyRestored: 1 },
      items: [{ state: 'already-restored', diff: '' }],
    });
  });

  it('undo refuses to restore over later edits', async () => {
    const written = await runCliInProcess(['fix', '-f', shop(), '--rule', 'SA001', '--write', '--yes'], { env: env() });
    const backup = /backup: (\S+)/.exec(written.stderr)?.[1] ?? '';
    writeFileSync(shop(), `${readFileSync(shop(), 'utf8')}# edited later\n`);
    const undo = await runCliInProcess(['fix', '--undo', backup, '--write', '--yes'], { env: env() });
    expect(undo.code).toBe(2);
    expect(undo.stderr).toContain('changed since the fix');
    expect(readFileSync(shop(), 'utf8')).toMatch(/# edited later\n$/);
  });

  it('fixes a real corpus manifest with a one-line diff', async () => {
    const file = path.join(work, 'external-dns-deployment.yaml');
    cpSync(corpusPath('external-dns', 'external-dns-deployment.yaml'), file);
    const original = readFileSync(file, 'utf8');
    const result = await runCliInProcess(['fix', '-f', file, '--write', '--yes'], { env: env() });
    expect(result.code).toBe(0);
    expect(changed(execDiff(original, readFileSync(file, 'utf8')))).toEqual(['+      automountServiceAccountToken: false']);
  });

  it('refuses objects rendered by Helm, with a hint to fix the chart', async () => {
    const file = path.join(work, 'rendered.yaml');
    writeFileSync(
      file,
      '---\n# Source: shop/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: shop\n',
    );
    const result = await runCliInProcess(['fix', '-f', file, '--write', '--yes'], { env: env() });
    expect(result.stdout).toContain('was rendered by Helm from shop/templates/serviceaccount.yaml: fix the chart');
    expect(readFileSync(file, 'utf8')).toContain('name: default\n  namespace: shop\n');
    expect(readFileSync(file, 'utf8')).not.toContain('automount');
  });

  it('an object that cannot be edited (an anchored node) is left with its reason; the rest of its file is fixed', async () => {
    const file = path.join(work, 'anchored.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata: {name: default, namespace: team}',
        '---',
        'x-pod: &pod',
        '  containers: [{name: a, image: registry.example.com/a:1}]',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: anchored, namespace: team}',
        'spec:',
        '  template:',
        '    spec: *pod',
        '',
      ].join('\n'),
    );
    const result = await runCliInProcess(['fix', '-f', file, '--rule', 'SA001', '--rule', 'SA003', '--write', '--yes'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Deployment team/anchored  (');
    expect(result.stdout).toContain('/spec/template/spec/automountServiceAccountToken is an alias of an anchored node');
    expect(readFileSync(file, 'utf8')).toContain('metadata: {name: default, namespace: team}\nautomountServiceAccountToken: false\n---\n');
    expect(readFileSync(file, 'utf8')).toContain('    spec: *pod\n');
  });

  it('a workload is not moved to a new ServiceAccount when a binding it needs cannot follow it (rendered by Helm)', async () => {
    const app = path.join(work, 'app.yaml');
    const rbac = path.join(work, 'rbac.yaml');
    writeFileSync(
      app,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: registry.example.com/cart:1}]\n',
    );
    writeFileSync(
      rbac,
      '---\n# Source: shop/templates/rbac.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: default-view, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: default, namespace: shop}]\n',
    );
    const before = readFileSync(app, 'utf8');
    const result = await runCliInProcess(['fix', 'dedicated-sa', 'deploy/cart', '-n', 'shop', '-f', app, '-f', rbac, '--write', '--yes'], {
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('RoleBinding shop/default-view was rendered by Helm');
    expect(result.stdout).toContain(
      `Deployment shop/cart  (${app}:1): left as it is: without RoleBinding shop/default-view changed too it would lose access it has`,
    );
    expect(readFileSync(app, 'utf8')).toBe(before);
  });

  it('lists an object other commands fix once, with every rule that found it', async () => {
    const result = await runCliInProcess(
      ['fix', '-f', path.join(work, 'insecure'), '--rule', 'SA004', '--rule', 'SA006', '--now', '2026-12-01T00:00:00Z', '-o', 'json'],
      { env: env() },
    );
    const plan = JSON.parse(result.stdout) as { skipped: { object: { name: string }; fixes: { ruleId: string }[]; reason: string }[] };
    expect(plan.skipped.map((skip) => [skip.object.name, skip.fixes.map((fix) => fix.ruleId), skip.reason])).toEqual([
      ['ci-deployer-token', ['SA004', 'SA006'], 'fixed by another command: kubectl sa token legacy --migrate -n shop'],
    ]);
  });

  it('a JSON manifest stays JSON; a new ServiceAccount, which it cannot hold, is refused and the other fixes are made', async () => {
    const file = path.join(work, 'web.json');
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'team' },
          spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] } } },
        },
        null,
        2,
      )}\n`,
    );
    const result = await runCliInProcess(['fix', '-f', file, '--rule', 'SA002', '--rule', 'SA003', '--write', '--yes'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Deployment team/web  (${file}:1): not done: ServiceAccount team/web, which this fix creates, cannot be written`,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ spec: { template: { spec: { automountServiceAccountToken: false } } } });
    expect(JSON.parse(readFileSync(file, 'utf8')).spec.template.spec).not.toHaveProperty('serviceAccountName');
  });

  it('an unknown --rule is a usage error (exit 2), not "nothing to change"', async () => {
    const result = await runCliInProcess(['fix', '-f', shop(), '--rule', 'SA001', '--rule', 'SA0001'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: --rule: no rule with id SA0001\nhint: list rules with: kubectl sa policy list\n');
  });

  it('-o json is the documented FixPlan', async () => {
    const result = await runCliInProcess(['fix', '-f', shop(), '--rule', 'SA001', '-o', 'json'], { env: env() });
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'FixPlan',
      origin: 'files',
      dryRun: 'client',
      summary: { changes: 1, files: 1 },
      changes: [
        {
          action: 'patch',
          object: { kind: 'ServiceAccount', namespace: 'shop', name: 'default' },
          pointer: '/automountServiceAccountToken',
          fixes: [{ ruleId: 'SA001', fixId: 'default-sa-no-automount' }],
          patch: [
            { op: 'test', path: '/kind', value: 'ServiceAccount' },
            { op: 'add', path: '/automountServiceAccountToken', value: false },
          ],
          outcome: 'planned',
        },
      ],
    });
  });

  it('--emit-script prints a patch script that makes the same change', async () => {
    const before = readFileSync(shop(), 'utf8');
    const planned = await runCliInProcess(
      ['fix', '-f', shop(), '--rule', 'SA001', '--rule', 'SA002', '--write', '--yes', '--backup-dir', path.join(state, 'b')],
      {
        env: env(),
      },
    );
    const fixed = readFileSync(shop(), 'utf8');
    expect(planned.code).toBe(0);
    writeFileSync(shop(), before);
    const script = await runCliInProcess(['fix', '-f', shop(), '--rule', 'SA001', '--rule', 'SA002', '--emit-script'], { env: env() });
    expect(script.stdout).toMatch(/^#!\/bin\/sh\n/);
    expect(readFileSync(shop(), 'utf8')).toBe(before);
    execFileSync('sh', ['-c', script.stdout], { cwd: work });
    expect(readFileSync(shop(), 'utf8')).toBe(fixed);
  });
});

function execDiff(before: string, after: string): string {
  const a = path.join(work, 'a.txt');
  const b = path.join(work, 'b.txt');
  writeFileSync(a, before);
  writeFileSync(b, after);
  try {
    return execFileSync('diff', ['-u', a, b], { encoding: 'utf8' });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

describe('confirmation at a terminal', () => {
  it('asks before writing: "y" writes, anything else changes nothing (exit 1)', async () => {
    const before = readFileSync(shop(), 'utf8');
    const declined = await runCliInProcess(['fix', '-f', shop(), '--rule', 'SA001', '--write'], {
      env: env(),
      terminal: true,
      input: 'n\n',
    });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('Apply these 1 change(s)? [y/N]');
    expect(declined.stderr).toContain('not confirmed: nothing was changed');
    expect(readFileSync(shop(), 'utf8')).toBe(before);
    const accepted = await runCliInProcess(['fix', '-f', shop(), '--rule', 'SA001', '--write'], {
      env: env(),
      terminal: true,
      input: 'y\n',
    });
    expect(accepted.code).toBe(0);
    expect(readFileSync(shop(), 'utf8')).toContain('automountServiceAccountToken: false');
  });
});
