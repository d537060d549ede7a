import { corpusPath } from '../helpers/corpus.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const kubePrometheus = corpusPath('kube-prometheus');

describe('kubectl sa permissions', () => {
  it('groups rules by binding and role with scope', async () => {
    const result = await runCli(['permissions', 'monitoring:prometheus-k8s', '-f', kubePrometheus]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        'ClusterRoleBinding/prometheus-k8s → ClusterRole/prometheus-k8s  (cluster-wide)',
        '  VERBS   RESOURCES / URLS',
        '  [get]   nodes/metrics',
        '  [get]   /metrics,/metrics/slis',
      ].join('\n'),
    );
    expect(result.stdout).toContain(
      'RoleBinding/kube-system/prometheus-k8s → Role/kube-system/prometheus-k8s  (in namespace kube-system)\n',
    );
    // Kubernetes' defaults, the same for every ServiceAccount, come after the input's own bindings.
    expect(result.stdout.indexOf('Kubernetes default')).toBeGreaterThan(result.stdout.indexOf('RoleBinding/monitoring/prometheus-k8s →'));
  });
  it('-o json has the documented shape', async () => {
    const result = await runCli(['permissions', '--sa', 'monitoring:prometheus-k8s', '-f', kubePrometheus, '-o', 'json']);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'apiVersion',
      'kind',
      'defaultRbac',
      'found',
      'subject',
      'bindings',
      'grants',
      'facts',
      'escalations',
      'baselineOnly',
      'complete',
      'unread',
    ]);
    expect(report).toMatchObject({
      kind: 'ServiceAccountPermissions',
      found: true,
      // Files are the whole input: nothing that could grant more was left unread.
      complete: true,
      unread: [],
      subject: { kind: 'ServiceAccount', namespace: 'monitoring', name: 'prometheus-k8s' },
    });
  });
  it('says which SA it can become, and what that one has', async () => {
    const result = await runCli(['permissions', 'argocd:argocd-server', '-f', corpusPath('argo-cd', 'install.yaml')]);
    expect(result.stdout).toMatch(/can become argocd:argocd-application-controller \(.*\), which holds cluster-admin/);
  });
});

describe('kubectl sa who-can', () => {
  it('lists ServiceAccounts first, with binding and role', async () => {
    const result = await runCli(['who-can', 'get', '/metrics', '-f', kubePrometheus]);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^KIND\s+NAMESPACE\s+NAME\s+BINDING\s+ROLE\s+SCOPE\s+DEFAULT$/);
    expect(result.stdout).toMatch(/ServiceAccount\s+monitoring\s+prometheus-k8s\s+ClusterRoleBinding\/prometheus-k8s/);
    expect(result.stdout).toContain('Group system:masters is also allowed');
    const kinds = lines
      .slice(1)
      .filter((line) => /^(ServiceAccount|User|Group)\s/.test(line))
      .map((line) => line.split(/\s+/)[0]);
    expect(kinds.indexOf('Group')).toBeGreaterThan(kinds.lastIndexOf('ServiceAccount'));
  });
  it('-o json has the documented shape', async () => {
    const result = await runCli(['who-can', 'list', 'pods', '-n', 'monitoring', '-f', kubePrometheus, '-o', 'json']);
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'WhoCan',
      request: { verb: 'list', resource: 'pods', namespace: 'monitoring' },
      bypass: [{ kind: 'Group', name: 'system:masters' }],
    });
  });
  it('an unknown TYPE is a usage error (exit 2) naming the closest resources, not an empty list', async () => {
    const result = await runCli(['who-can', 'get', 'crb', '-f', kubePrometheus]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: the server doesn't have a resource type "crb"`);
    expect(result.stderr).toContain('did you mean clusterrolebindings.rbac.authorization.k8s.io');
  });
  it('impersonate users needs no discovery entry', async () => {
    const result = await runCli(['who-can', 'impersonate', 'users', '-f', kubePrometheus]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('kubectl sa matrix', () => {
  it('prints a resource × verb table', async () => {
    const result = await runCli([
      'matrix',
      'monitoring:prometheus-k8s',
      '-n',
      'monitoring',
      '--verbs',
      'get,list,create',
      '-f',
      kubePrometheus,
    ]);
    expect(result.stdout).toMatch(/^NAME\s+GET\s+LIST\s+CREATE\n/);
    expect(result.stdout).toMatch(/\npods\s+✔\s+✔\s+✖\n/);
    // Not a terminal: no colour; a legend says what the marks mean and where it checked.
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stdout).toContain(
      '✔ allowed   ✖ denied   blank: the resource (or subresource) has no such verb. Checked namespace monitoring',
    );
  });
  it('--subresources adds the discovered subresources, such as pods/exec and nodes/proxy', async () => {
    const result = await runCli(['matrix', 'monitoring:prometheus-k8s', '--subresources', '--verbs', 'get,create', '-f', kubePrometheus]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\nnodes\/proxy\s+✖\s+✖\n/);
    expect(result.stdout).toMatch(/\npods\/exec\s+✖\s+✖\n/);
    expect(result.stdout).toContain('Checked cluster-wide (ClusterRoleBindings only)');
  });
  it('-o json carries the subresource of such rows', async () => {
    const result = await runCli([
      'matrix',
      'monitoring:prometheus-k8s',
      '--subresources',
      '--verbs',
      'get',
      '-f',
      kubePrometheus,
      '-o',
      'json',
    ]);
    const report = JSON.parse(result.stdout) as { rows: { resource: string; subresource?: string; access: Record<string, string> }[] };
    expect(report.rows.find((row) => row.resource === 'pods' && row.subresource === 'exec')?.access).toEqual({ get: 'denied' });
  });
  it('a verb a subresource does not support is n/a, not denied (discovery: pods/log get only, pods/binding create only)', async () => {
    const result = await runCli([
      'matrix',
      'monitoring:prometheus-k8s',
      '--subresources',
      '--verbs',
      'get,create,delete',
      '-f',
      kubePrometheus,
      '-o',
      'json',
    ]);
    const rows = (JSON.parse(result.stdout) as { rows: { resource: string; subresource?: string; access: Record<string, string> }[] }).rows;
    const access = (resource: string, subresource: string) =>
      rows.find((row) => row.resource === resource && row.subresource === subresource)?.access;
    expect(access('pods', 'log')).toEqual({ get: 'denied', create: 'n/a', delete: 'n/a' });
    expect(access('pods', 'binding')).toEqual({ get: 'n/a', create: 'denied', delete: 'n/a' });
    expect(access('serviceaccounts', 'token')).toEqual({ get: 'n/a', create: 'denied', delete: 'n/a' });
  });
});
