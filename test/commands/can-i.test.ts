import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const kubePrometheus = '/work/shared/corpus/kube-prometheus';
const sa = ['--sa', 'monitoring:prometheus-k8s', '-f', kubePrometheus];

describe('kubectl sa can-i', () => {
  it('prints yes and exits 0 when allowed', async () => {
    const result = await runCli(['can-i', 'get', '/metrics', ...sa]);
    expect(result).toMatchObject({ stdout: 'yes\n', code: 0 });
  });
  it('prints no and exits 1 when denied', async () => {
    const result = await runCli(['can-i', 'list', 'secrets', '-n', 'kube-system', ...sa]);
    expect(result).toMatchObject({ stdout: 'no\n', code: 1 });
  });
  it('takes the namespace from -n, else default, and -A counts only cluster-wide grants', async () => {
    expect((await runCli(['can-i', 'list', 'pods', '-n', 'monitoring', ...sa])).code).toBe(0);
    expect((await runCli(['can-i', 'list', 'pods', ...sa])).code).toBe(0);
    expect((await runCli(['can-i', 'list', 'pods', '-n', 'argocd', ...sa])).code).toBe(1);
    expect((await runCli(['can-i', 'list', 'pods', '-A', ...sa])).code).toBe(1);
  });
  it('accepts the SA username, --subresource and ignores -n for cluster-scoped resources with a warning', async () => {
    const result = await runCli(['can-i', 'get', 'no', '--subresource', 'metrics', '-n', 'foo', '--sa', 'system:serviceaccount:monitoring:prometheus-k8s', '-f', kubePrometheus]);
    expect(result.stdout).toBe('yes\n');
    expect(result.stderr).toContain("Warning: resource 'nodes' is not namespace scoped");
  });
  it('resolves short names and groups like kubectl (deploy → deployments.apps)', async () => {
    const result = await runCli(['can-i', 'get', 'deploy', ...sa, '-o', 'json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ kind: 'AccessCheck', allowed: false, request: { apiGroup: 'apps', resource: 'deployments', namespace: 'default' } });
  });
  it('default RBAC counts unless --no-default-rbac', async () => {
    const args = ['can-i', 'create', 'selfsubjectaccessreviews', ...sa];
    expect((await runCli(args)).code).toBe(0);
    expect((await runCli([...args, '--no-default-rbac'])).code).toBe(1);
  });
  it('--list prints the rules held in the namespace', async () => {
    const result = await runCli(['can-i', '--list', '-n', 'monitoring', ...sa]);
    expect(result.stdout).toMatch(/^RESOURCES\s+NON-RESOURCE URLS\s+RESOURCE NAMES\s+VERBS/);
    expect(result.stdout).toMatch(/\npods\s+\[\]\s+\[\]\s+\[get list watch\]/);
    expect(result.stdout).toContain('[/metrics /metrics/slis]');
  });
  it('a malformed --sa is a usage error (exit 2) that says how to fix it', async () => {
    const result = await runCli(['can-i', 'get', 'pods', '--sa', 'prometheus-k8s', '-f', kubePrometheus]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected NAMESPACE:NAME');
    expect(result.stderr).toContain('hint: for example --sa kube-system:coredns');
  });
});
