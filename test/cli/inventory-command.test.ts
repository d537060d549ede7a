import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { InventoryReport } from '../../src/report/inventory-report.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';

describe('kubectl sa inventory', () => {
  it('prints a table of the bundled examples with file:line', async () => {
    const result = await runCli(['inventory', '-f', 'examples/insecure/ci-deployer.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'KIND                 NAMESPACE   NAME                SOURCE',
        'ServiceAccount       shop        ci-deployer         examples/insecure/ci-deployer.yaml:3',
        'Secret               shop        ci-deployer-token   examples/insecure/ci-deployer.yaml:9',
        'ClusterRoleBinding               ci-deployer-admin   examples/insecure/ci-deployer.yaml:19',
        '',
      ].join('\n'),
    );
  });

  it('has a stable JSON shape', async () => {
    const result = await runCli(['inventory', '-f', 'examples', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as InventoryReport;
    expect(Object.keys(report)).toEqual(['apiVersion', 'kind', 'origin', 'summary', 'items', 'notes']);
    expect(report).toMatchObject({ apiVersion: 'kubectl-sa.dev/v1', kind: 'Inventory', origin: 'files' });
    expect(report.summary.objects).toBe(report.items.length);
    expect(report.items[0]).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: 'payments',
      name: 'ledger-sync',
      source: { file: path.join('examples', 'hardened', 'ledger-sync.yaml'), line: 3, column: 1 },
    });
  });

  it('prints the same report as YAML', async () => {
    const json = JSON.parse((await runCli(['inventory', '-f', 'examples', '-o', 'json'])).stdout) as unknown;
    const yaml = load((await runCli(['inventory', '-f', 'examples', '-o', 'yaml'])).stdout);
    expect(yaml).toEqual(json);
  });

  it('shows the helm template column for helm template output', async () => {
    const rendered = '---\n# Source: shop/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: shop\n';
    const result = await runCli(['inventory', '-'], { input: rendered });
    expect(result.stdout).toContain('TEMPLATE');
    expect(result.stdout).toContain('<stdin>:3   shop/templates/sa.yaml');
  });

  it('notes skipped documents on stderr and keeps stdout clean', async () => {
    const result = await runCli(['inventory', '-f', corpusPath('flux2'), '-o', 'json']);
    expect(result.code).toBe(0);
    // 7 kustomize patches skipped, and one hint: the SAs name no namespace, the bindings name flux-system.
    expect(JSON.parse(result.stdout)).toMatchObject({ summary: { notes: 8 } });
    expect(result.stderr).toMatch(/^note: ServiceAccount\(s\) .* scan with -n flux-system so each is judged as one identity\n/);
    expect(result.stderr).toMatch(
      /\nnote: skipped 7 document\(s\) that are not Kubernetes objects in 7 file\(s\); set KUBECTL_SA_VERBOSE=1 to list them\n$/,
    );
  });

  it('exits 2 with one line per problem for bad input, and names file:line:column', async () => {
    const result = await runCli(['inventory', '-f', 'no/such/file.yaml', '-'], { input: 'kind: A\n  broken: yes: no\n' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'error: no/such/file.yaml: no such file or directory',
      expect.stringMatching(/^error: <stdin>:2:\d+: invalid YAML: /),
    ]);
  });

  it('exits 2 without -f when there is no kubeconfig to read a cluster with', async () => {
    const result = await runCli(['inventory'], { env: { HOME: '/nonexistent-home', KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no cluster configuration: no kubeconfig file found and not running inside a cluster\nhint: /);
  });

  it('exits 2 for usage errors: unknown flags, bad output formats, an unknown context', async () => {
    for (const args of [
      ['inventory', '--bogus'],
      ['inventory', '-o', 'xml', '-f', 'examples'],
      ['inventory', '--kubeconfig', 'no/such/kubeconfig'],
    ]) {
      const result = await runCli(args, { cwd: repoRoot });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
    }
  });
});
