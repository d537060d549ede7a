import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';

const kubePrometheus = corpusPath('kube-prometheus');

describe('commands run in-process with injected streams', () => {
  it('scan writes its report to the injected stdout and returns the exit code without touching process.exitCode', async () => {
    const before = process.exitCode;
    const result = await runCliInProcess(['scan', '-f', 'examples/insecure', '-o', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ kind: 'ScanReport', summary: { failed: true } });
    expect(process.exitCode).toBe(before);
  });
  it('reads - from the injected stdin', async () => {
    const input = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: from-stdin\n  namespace: team\n';
    const result = await runCliInProcess(['inventory', '-f', '-', '-o', 'json'], { input });
    expect(JSON.parse(result.stdout).items).toEqual([
      { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'team', name: 'from-stdin', source: { file: '<stdin>', line: 1, column: 1 } },
    ]);
  });
  it('errors go to the injected stderr with their exit code', async () => {
    const result = await runCliInProcess(['can-i', 'get', 'pods', '--sa', 'nonsense', '-f', kubePrometheus]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('expected NAMESPACE:NAME');
  });
  it('kubectl-style warnings reach the injected stderr', async () => {
    const result = await runCliInProcess(['can-i', 'get', 'nodes', '-n', 'foo', '--sa', 'monitoring:prometheus-k8s', '-f', kubePrometheus]);
    expect(result.stderr).toContain("Warning: resource 'nodes' is not namespace scoped");
  });
  it('gives the same answer as the spawned binary', async () => {
    const args = ['who-can', 'list', 'secrets', '-n', 'monitoring', '-f', kubePrometheus];
    const [spawned, inProcess] = await Promise.all([runCli(args), runCliInProcess(args)]);
    expect(inProcess).toEqual(spawned);
  });
  it('two concurrent runs keep their streams apart', async () => {
    const [yes, no] = await Promise.all([
      runCliInProcess(['can-i', 'get', '/metrics', '--sa', 'monitoring:prometheus-k8s', '-f', kubePrometheus]),
      runCliInProcess(['can-i', 'list', 'secrets', '-n', 'kube-system', '--sa', 'monitoring:prometheus-k8s', '-f', kubePrometheus]),
    ]);
    expect(yes).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(no).toMatchObject({ code: 1, stdout: 'no\n' });
  });
});
