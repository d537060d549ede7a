import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { apply, freshNamespace, liveCluster } from './kube.js';

interface ScanJson {
  findings: { ruleId: string; object: { kind: string; namespace?: string | null; name: string }; message: string }[];
}

async function scanJson(args: readonly string[]): Promise<ScanJson & { stderr: string }> {
  const result = await runCli(['scan', ...args, '-o', 'json', '--fail-on', 'none']);
  expect(result.code, result.stderr).toBe(0);
  return { ...(JSON.parse(result.stdout) as ScanJson), stderr: result.stderr };
}

const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];

describe('SA007 on pods read from a real API server', () => {
  let namespace: string;

  beforeAll(async () => {
    namespace = await freshNamespace('sa007');
    // The ServiceAccount admission plugin gives `bare` a kube-api-access-xxxxx volume (token lifetime 3607);
    // `long` also declares its own projected token, for a day.
    await apply(
      `
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec: {containers: [{name: c, image: registry.example.com/app:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: long}
spec:
  containers: [{name: c, image: registry.example.com/app:1, volumeMounts: [{name: vault, mountPath: /vault}]}]
  volumes: [{name: vault, projected: {sources: [{serviceAccountToken: {path: token, audience: vault, expirationSeconds: 86400}}]}}]
`,
      namespace,
    );
  });

  it("reports the user's own projected token, never the one Kubernetes injects", async () => {
    const scan = await scanJson([...admin(), '-n', namespace]);
    const sa007 = scan.findings.filter((finding) => finding.ruleId === 'SA007').map((finding) => finding.object.name);
    expect(sa007).toEqual(['long']);
    const long = scan.findings.find((finding) => finding.ruleId === 'SA007');
    expect(long?.message).toContain('vault');
    expect(long?.message).not.toContain('kube-api-access');
  });
});
