import { corpusPath } from '../helpers/corpus.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const kubePrometheus = corpusPath('kube-prometheus');
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
    const result = await runCli([
      'can-i',
      'get',
      'no',
      '--subresource',
      'metrics',
      '-n',
      'foo',
      '--sa',
      'system:serviceaccount:monitoring:prometheus-k8s',
      '-f',
      kubePrometheus,
    ]);
    expect(result.stdout).toBe('yes\n');
    expect(result.stderr).toContain("Warning: resource 'nodes' is not namespace scoped");
  });
  it('resolves short names and groups like kubectl (deploy → deployments.apps)', async () => {
    const result = await runCli(['can-i', 'get', 'deploy', ...sa, '-o', 'json']);
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'AccessCheck',
      allowed: false,
      request: { apiGroup: 'apps', resource: 'deployments', namespace: 'default' },
    });
  });
  it('default RBAC counts unless --no-default-rbac', async () => {
    const args = ['can-i', 'create', 'selfsubjectaccessreviews', ...sa];
    expect((await runCli(args)).code).toBe(0);
    expect((await runCli([...args, '--no-default-rbac'])).code).toBe(1);
  });
  it('--list prints the rules held in the namespace', async () => {
    const result = await runCli(['can-i', '--list', '-n', 'monitoring', ...sa]);
    expect(result.stdout).toMatch(/^Resources {3}\s*Non-Resource URLs {3}\s*Resource Names {3}Verbs\n/);
    expect(result.stdout).toMatch(/\npods\s+\[\]\s+\[\]\s+\[get list watch\]/);
    // As kubectl: one row per URL, rows by verbs first ([create] before [get]), `/api/*` before `/api`.
    expect(result.stdout).toMatch(/\n\s+\[\/metrics\]\s+\[\]\s+\[get\]/);
    const lines = result.stdout.split('\n');
    const index = (text: string) => lines.findIndex((line) => line.includes(text));
    expect(index('selfsubjectreviews.authentication.k8s.io')).toBeLessThan(index('[/api]'));
    expect(index('[/api/*]')).toBeLessThan(index('[/api]'));
    expect(result.stdout).toMatch(/\nnodes\/metrics\s+\[\]\s+\[\]\s+\[get\]/);
  });
  it('a malformed --sa is a usage error (exit 2) that says how to fix it', async () => {
    const result = await runCli(['can-i', 'get', 'pods', '--sa', 'prometheus-k8s', '-f', kubePrometheus]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected NAMESPACE:NAME');
    expect(result.stderr).toContain('hint: for example --sa kube-system:coredns');
  });
  it('--sa with --as or --as-group is a usage error: both name whose access to check', async () => {
    for (const extra of [
      ['--as', 'bob'],
      ['--as-group', 'dev-team'],
    ]) {
      const result = await runCli(['can-i', 'get', 'pods', ...sa, ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('error: --sa and --as/--as-group both name whose access to check: give one');
      expect(result.stdout).toBe('');
    }
  });
  it('--list takes no arguments and --no-headers drops the header, as kubectl', async () => {
    const bad = await runCli(['can-i', '--list', 'get', 'pods', ...sa]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('list option must be specified with no arguments');
    const bare = await runCli(['can-i', '--list', '--no-headers', '-n', 'monitoring', ...sa]);
    expect(bare.stdout).not.toContain('Resources');
    expect(bare.stdout).toMatch(/^\S/);
  });
  it("an unknown TYPE gets kubectl's warning, an answer, and the closest names", async () => {
    const result = await runCli(['can-i', 'list', 'crb', ...sa]);
    expect(result).toMatchObject({ stdout: 'no\n', code: 1 });
    expect(result.stderr).toContain("Warning: the server doesn't have a resource type 'crb'");
    expect(result.stderr).toContain('hint: did you mean clusterrolebindings.rbac.authorization.k8s.io');
  });
  it('warns for cluster-scoped resources without -n too (kubectl always has a namespace), not with -A', async () => {
    expect((await runCli(['can-i', 'list', 'nodes', ...sa])).stderr).toContain("Warning: resource 'nodes' is not namespace scoped");
    expect((await runCli(['can-i', 'list', 'nodes', '-A', ...sa])).stderr).not.toContain('Warning');
  });
  it('impersonate users: no warning, users is an RBAC resource discovery never lists', async () => {
    const result = await runCli(['can-i', 'impersonate', 'users', ...sa]);
    expect(result.stderr).not.toContain('Warning');
  });
});
