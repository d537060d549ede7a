import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Issue 9 item 3 on a real install: flux2 binds kustomize-controller to cluster-admin. Its ServiceAccount
// exempts itself from every rule by annotation, and an exemptions file exempts source-controller's RBAC002.
const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus/flux2');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-sa-self-exempt-'));
  await cp(corpus, path.join(dir, 'flux2'), { recursive: true });
  await writeFile(
    path.join(dir, 'flux2', 'kustomize-controller-account.yaml'),
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: kustomize-controller\n  annotations:\n' +
      '    kubectl-sa.dev/exempt: "*"\n    kubectl-sa.dev/exempt-reason: reviewed by the platform team\n',
  );
  await writeFile(
    path.join(dir, 'exemptions.yaml'),
    'apiVersion: kubectl-sa.dev/v1\nkind: Exemptions\nexemptions:\n' +
      '  - rules: [RBAC002]\n    object: { kind: ServiceAccount, namespace: flux-system, name: source-controller }\n' +
      '    reason: reads Git credentials\n    expires: "2099-01-01"\n',
  );
});

const scan = (...args: string[]) =>
  runCli(['scan', '-f', 'flux2', '-n', 'flux-system', '--exemptions', 'exemptions.yaml', '--fail-on', 'none', ...args], { cwd: dir });

interface Exemption {
  ruleId: string;
  object: { name: string };
  by: string;
  reason: string;
  expires: string | null;
  source: { file: string; line: number } | null;
}
interface Report {
  summary: { exempted: number; exemptedBy: { file: number; annotation: number }; refusedExemptions: number; ignoredExemptions: number };
  findings: { ruleId: string; object: { name: string } }[];
  exempted: Exemption[];
  refusedExemptions: Exemption[];
  ignoredExemptions: Exemption[];
}
const label = (item: { ruleId: string; object: { name: string } }) => `${item.ruleId} ${item.object.name}`;

describe('self-exemption', () => {
  it('a cluster-admin ServiceAccount cannot hide RBAC001 by annotating itself: the finding stands and stderr says why', async () => {
    const result = await scan('-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map(label)).toContain('RBAC001 kustomize-controller');
    expect(report.refusedExemptions.map(label)).toEqual(['RBAC001 kustomize-controller']);
    expect(report.refusedExemptions[0]).toMatchObject({
      by: 'annotation',
      reason: 'reviewed by the platform team',
      source: { file: 'flux2/kustomize-controller-account.yaml', line: 1 },
    });
    expect(report.summary.refusedExemptions).toBe(1);
    expect(result.stderr).toContain(
      'warning: flux2/kustomize-controller-account.yaml:1: ServiceAccount flux-system/kustomize-controller: its kubectl-sa.dev/exempt annotation cannot exempt critical RBAC001',
    );
  });

  it('JSON lists each exemption with who wrote it, where, why and until when', async () => {
    const report = JSON.parse((await scan('-o', 'json')).stdout) as Report;
    expect(report.findings.map(label)).not.toContain('RBAC002 source-controller');
    expect(report.exempted).toEqual([
      expect.objectContaining({
        ruleId: 'RBAC002',
        object: expect.objectContaining({ name: 'source-controller' }),
        by: 'file',
        reason: 'reads Git credentials',
        expires: '2099-01-01',
        source: { file: 'exemptions.yaml', line: 4 },
      }),
    ]);
    expect(report.summary).toMatchObject({ exempted: 1, exemptedBy: { file: 1, annotation: 0 } });
  });

  it('the table lists the exemptions and the refused self-exemption, and counts them', async () => {
    const { stdout } = await scan();
    expect(stdout).toContain(
      'RBAC002 ServiceAccount/flux-system/source-controller exempted by the exemptions file (exemptions.yaml:4) until 2099-01-01: reads Git credentials',
    );
    expect(stdout).toMatch(/Refused self-exemptions \(1\)/);
    expect(stdout).toMatch(/1 exempted \(1 by the exemptions file\) · 1 self-exemption\(s\) of critical findings refused/);
  });

  it('SARIF keeps the exempted finding as a suppressed result (external, with the file), and the refused one unsuppressed', async () => {
    const sarif = JSON.parse((await scan('-o', 'sarif')).stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { logicalLocations: { name: string }[] }[];
          suppressions?: { kind: string; status: string; justification: string; location?: unknown }[];
        }[];
      }[];
    };
    const results = sarif.runs[0]?.results ?? [];
    const of = (ruleId: string, name: string) =>
      results.filter((result) => result.ruleId === ruleId && result.locations[0]?.logicalLocations[0]?.name.endsWith(`/${name}`));
    const exempted = of('RBAC002', 'source-controller');
    expect(exempted).toHaveLength(1);
    expect(exempted[0]?.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: expect.stringContaining('reads Git credentials'),
        location: { physicalLocation: { artifactLocation: { uri: 'exemptions.yaml' }, region: { startLine: 4 } } },
      },
    ]);
    expect(of('RBAC001', 'kustomize-controller').map((result) => result.suppressions)).toEqual([undefined]);
  });

  it('JUnit marks the exempted finding skipped, with the reason, source and expiry', async () => {
    const { stdout } = await scan('-o', 'junit');
    expect(stdout).toContain(
      '<skipped message="RBAC002 ServiceAccount/flux-system/source-controller exempted by the exemptions file (exemptions.yaml:4) until 2099-01-01: reads Git credentials"/>',
    );
  });

  it('--no-exemptions reports every finding an exemption names and counts them; --no-annotation-exemptions keeps the file', async () => {
    const none = await scan('-o', 'json', '--no-exemptions');
    const all = JSON.parse(none.stdout) as Report;
    expect(all.findings.map(label)).toEqual(expect.arrayContaining(['RBAC002 source-controller', 'RBAC001 kustomize-controller']));
    expect(all.summary).toMatchObject({ exempted: 0, refusedExemptions: 0 });
    expect(all.ignoredExemptions.map(label).sort()).toEqual(['RBAC001 kustomize-controller', 'RBAC002 source-controller']);
    expect(none.stderr).toMatch(
      /2 finding\(s\) an exemption names are reported all the same \(1 by the exemptions file, 1 by annotation\)/,
    );

    const fileOnly = JSON.parse((await scan('-o', 'json', '--no-annotation-exemptions')).stdout) as Report;
    expect(fileOnly.exempted.map(label)).toEqual(['RBAC002 source-controller']);
    expect(fileOnly.ignoredExemptions.map(label)).toEqual(['RBAC001 kustomize-controller']);
    expect(fileOnly.refusedExemptions).toEqual([]);
  });
});
