import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshNamespace, kubectl, liveCluster } from './kube.js';

describe('RBAC commands on a live cluster', () => {
  let namespace: string;
  const admin = () => ['--kubeconfig', liveCluster().kubeconfigPath];

  beforeAll(async () => {
    namespace = await freshNamespace('rbac-cmd');
    await kubectl(['-n', namespace, 'create', 'serviceaccount', 'deployer']);
    await kubectl(['-n', namespace, 'create', 'serviceaccount', 'viewer']);
    await kubectl(['-n', namespace, 'create', 'role', 'deployer', '--verb=create,update', '--resource=deployments.apps']);
    await kubectl(['-n', namespace, 'create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '--resource-name=app-config']);
    await kubectl(['-n', namespace, 'create', 'rolebinding', 'deployer', '--role=deployer', `--serviceaccount=${namespace}:deployer`]);
    await kubectl(['-n', namespace, 'create', 'rolebinding', 'secret-reader', '--role=secret-reader', `--serviceaccount=${namespace}:deployer`]);
    await kubectl(['-n', namespace, 'create', 'rolebinding', 'viewer', '--clusterrole=view', `--serviceaccount=${namespace}:viewer`]);
    // The API server's RBAC informers are eventually consistent.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });

  it.each([
    ['create', 'deployments', 'deployer', 'yes', 0],
    ['create', 'deploy.apps', 'deployer', 'yes', 0],
    ['get', 'secrets/app-config', 'deployer', 'yes', 0],
    ['get', 'secrets/other', 'deployer', 'no', 1],
    ['list', 'secrets', 'deployer', 'no', 1],
    // view is aggregated by the live controller manager; the engine reads the cluster's own copy.
    ['list', 'pods', 'viewer', 'yes', 0],
    ['list', 'secrets', 'viewer', 'no', 1],
  ] as const)('can-i %s %s as %s: %s, by the engine and by a SubjectAccessReview alike', async (verb, target, account, answer, code) => {
    for (const server of [[], ['--server']]) {
      const result = await runCli(['can-i', verb, target, '--sa', `${namespace}:${account}`, '-n', namespace, ...admin(), ...server]);
      expect(`${result.stdout}${result.code}`, `${server.join('')} ${result.stderr}`).toBe(`${answer}\n${code}`);
    }
  });

  it('who-can names the ServiceAccount and its binding', async () => {
    const result = await runCli(['who-can', 'create', 'deployments', '-n', namespace, '-o', 'json', ...admin()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`"name": "deployer"`);
    expect(result.stdout).toContain(`"namespace": "${namespace}"`);
  });

  it('permissions lists the rules through their bindings', async () => {
    const result = await runCli(['permissions', `${namespace}:deployer`, ...admin()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('deployments');
    expect(result.stdout).toContain('app-config');
  });

  it('--server refuses -f', async () => {
    const result = await runCli(['can-i', 'get', 'pods', '--sa', 'a:b', '--server', '-f', 'examples']);
    expect(result.code).toBe(2);
  });
});
