import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// The CLI end to end: flags, stdin, output formats and the documented exit codes (0, 1, 2).
const root = path.resolve(import.meta.dirname, '../..');
const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-scan-'));

async function run(args: string[], input?: string) {
  const result = await runCli(args, { cwd: dir, ...(input === undefined ? {} : { input }) });
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
}

const insecure = `apiVersion: v1
kind: ServiceAccount
metadata: { name: ops, namespace: a }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: ops, namespace: a }]
`;
const hardened = `apiVersion: v1
kind: ServiceAccount
metadata: { name: default, namespace: a }
automountServiceAccountToken: false
`;

describe('kubectl sa scan', () => {
  it('exits 1 with a critical finding at the default --fail-on high, with file:line', async () => {
    await writeFile(path.join(dir, 'insecure.yaml'), insecure);
    const result = await run(['scan', '-f', 'insecure.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/critical\s+RBAC001\s+ServiceAccount\/a\/ops\s+insecure\.yaml:1/);
    expect(result.stdout).toMatch(/score \d+\/100/);
  });

  it('exits 0 for a clean input, and with --fail-on none', async () => {
    await writeFile(path.join(dir, 'hardened.yaml'), hardened);
    expect((await run(['scan', 'hardened.yaml'])).status).toBe(0);
    expect((await run(['scan', 'insecure.yaml', '--fail-on', 'none'])).status).toBe(0);
  });

  it('reads stdin with -', async () => {
    // `-` as an argument and `-f -` both read stdin (helm template … | kubectl sa scan -f -).
    expect((await run(['scan', '-f', '-', '-o', 'json'], insecure)).stdout).toBe((await run(['scan', '-', '-o', 'json'], insecure)).stdout);
    const result = await run(['scan', '-', '-o', 'json'], insecure);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { kind: string; findings: { ruleId: string; source: { file: string } }[] };
    expect(report.kind).toBe('ScanReport');
    expect(report.findings[0]).toMatchObject({ ruleId: 'RBAC001', source: { file: '<stdin>' } });
  });

  it('exits 2 for a broken pack, naming file:line, pointer and reason', async () => {
    await writeFile(
      path.join(dir, 'bad-pack.yaml'),
      'apiVersion: kubectl-sa.dev/v1\nkind: PolicyPack\nmetadata: { name: bad, version: 1.0.0 }\nrules:\n  - id: BAD001\n    title: t\n    severity: nope\n',
    );
    const result = await run(['scan', 'hardened.yaml', '--policy', 'bad-pack.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: bad-pack\.yaml:7: \/rules\/0\/severity: does not match the PolicyPack format/);
  });

  it('exits 2 for invalid YAML input', async () => {
    await writeFile(path.join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    expect((await run(['scan', 'broken.yaml'])).status).toBe(2);
  });

  it('renders sarif and junit', async () => {
    expect(JSON.parse((await run(['scan', 'insecure.yaml', '-o', 'sarif'])).stdout)).toMatchObject({ version: '2.1.0' });
    expect((await run(['scan', 'insecure.yaml', '-o', 'junit'])).stdout).toMatch(/^<\?xml/);
  });

  it('sarif from stdin: no result without a file (GitHub rejects them), and a warning saying so', async () => {
    const result = await run(['scan', '-', '-o', 'sarif', '--fail-on', 'none'], insecure);
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { runs: { results: unknown[] }[] }).runs[0]?.results).toEqual([]);
    expect(result.stderr).toMatch(/warning: \d+ finding\(s\) are left out of the SARIF output/);
  });

  it('reports expired exemptions on stderr', async () => {
    await writeFile(
      path.join(dir, 'exemptions.yaml'),
      'apiVersion: kubectl-sa.dev/v1\nkind: Exemptions\nexemptions:\n  - rules: [RBAC001]\n    object: { name: ops }\n    reason: break-glass\n    expires: "2020-01-01"\n',
    );
    const result = await run(['scan', 'insecure.yaml', '--exemptions', 'exemptions.yaml']);
    expect(result.stderr).toMatch(/warning: exemptions\.yaml:4: exemption for RBAC001 expired on 2020-01-01/);
    expect(result.status).toBe(1);
  });
});

describe('kubectl sa policy', () => {
  it('test runs the built-in fixture cases', async () => {
    const result = await run(['policy', 'test', path.join(root, 'policies')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
  });

  it('list, show and validate', async () => {
    expect((await run(['policy', 'list'])).stdout).toMatch(/SA001\s+medium\s+ServiceAccountProfile/);
    expect((await run(['policy', 'show', 'SA007'])).stdout).toContain('maximum: 3600');
    expect((await run(['policy', 'validate', path.join(root, 'policies')])).status).toBe(0);
    expect((await run(['policy', 'validate', 'bad-pack.yaml'])).status).toBe(2);
  });
});
