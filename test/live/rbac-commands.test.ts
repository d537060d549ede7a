import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshNamespace, kubectl, liveCluster, waitUntilAllowed } from './kube.js';

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
    await kubectl([
      '-n',
      namespace,
      'create',
      'rolebinding',
      'secret-reader',
      '--role=secret-reader',
      `--serviceaccount=${namespace}:deployer`,
    ]);
    await kubectl(['-n', namespace, 'create', 'rolebinding', 'viewer', '--clusterrole=view', `--serviceaccount=${namespace}:viewer`]);
    await waitUntilAllowed(`system:serviceaccount:${namespace}:deployer`, ['get', 'secrets/app-config', '-n', namespace]);
    await waitUntilAllowed(`system:serviceaccount:${namespace}:viewer`, ['list', 'pods', '-n', namespace]);
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

  it('reads only what an RBAC answer needs: a user who may read RBAC and ServiceAccounts is refused nothing', async () => {
    const reader = `rbac-reader-${namespace}`;
    await kubectl([
      'create',
      'clusterrole',
      reader,
      '--verb=list',
      '--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,clusterroles.rbac.authorization.k8s.io,clusterrolebindings.rbac.authorization.k8s.io,serviceaccounts',
    ]);
    await kubectl(['create', 'clusterrolebinding', reader, `--clusterrole=${reader}`, `--user=${reader}`]);
    try {
      await waitUntilAllowed(reader, ['list', 'clusterrolebindings']);
      // Impersonating the reader: no Secrets, Pods or workloads are listed, so nothing is forbidden.
      const result = await runCli(['who-can', 'create', 'deployments', '-n', namespace, ...admin(), '--as', reader]);
      // (Other test files' RBAC objects may draw model warnings; what must not appear is a refused list.)
      expect(result.stderr).not.toMatch(/cannot list/);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('deployer');
    } finally {
      await kubectl(['delete', 'clusterrolebinding,clusterrole', reader]);
    }
  });

  it('--server refuses -f', async () => {
    const result = await runCli(['can-i', 'get', 'pods', '--sa', 'a:b', '--server', '-f', 'examples']);
    expect(result.code).toBe(2);
  });

  it('can-i --list prints the rules held in the namespace, as kubectl auth can-i --list does', async () => {
    const result = await runCli(['can-i', '--list', '--sa', `${namespace}:deployer`, '-n', namespace, ...admin()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    expect(result.stdout).toMatch(/\ndeployments\.apps\s+\[\]\s+\[\]\s+\[create update\]\n/);
    expect(result.stdout).toMatch(/\nsecrets\s+\[\]\s+\[app-config\]\s+\[get\]\n/);
    // The cluster's own bootstrap roles, read live (nothing shipped is added on a live cluster).
    expect(result.stdout).toMatch(/\nselfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]\n/);
    // The real kubectl, asked as the ServiceAccount, lists the same resource rules.
    const real = await kubectl(['auth', 'can-i', '--list', '-n', namespace, '--as', `system:serviceaccount:${namespace}:deployer`]);
    const resourceRows = (text: string) =>
      text
        .split('\n')
        .filter((line) => /^\S/.test(line) && !line.startsWith('Resources'))
        .map((line) => line.replace(/\s+/g, ' ').trim())
        .sort();
    expect(resourceRows(result.stdout)).toEqual(resourceRows(real));
  });

  it('who-can -A finds RoleBindings in every namespace, each with its scope', async () => {
    const other = await freshNamespace('rbac-cmd-b');
    await kubectl(['-n', other, 'create', 'serviceaccount', 'builder']);
    await kubectl(['-n', other, 'create', 'role', 'deployer', '--verb=create', '--resource=deployments.apps']);
    await kubectl(['-n', other, 'create', 'rolebinding', 'builder', '--role=deployer', `--serviceaccount=${other}:builder`]);
    const all = await runCli(['who-can', 'create', 'deployments', '-A', '-o', 'json', ...admin()]);
    expect(all.code, all.stderr).toBe(0);
    const subjects = (
      JSON.parse(all.stdout) as { subjects: { subject: { namespace?: string; name: string }; grants: { namespace?: string }[] }[] }
    ).subjects;
    const find = (ns: string, name: string) => subjects.find((entry) => entry.subject.namespace === ns && entry.subject.name === name);
    expect(find(namespace, 'deployer')?.grants[0]?.namespace).toBe(namespace);
    expect(find(other, 'builder')?.grants[0]?.namespace).toBe(other);
    // Without -A, only the namespace asked about counts.
    const one = await runCli(['who-can', 'create', 'deployments', '-n', namespace, ...admin()]);
    expect(one.stdout).toContain('deployer');
    expect(one.stdout).not.toContain('builder');
  });

  it('matrix reads the live cluster: the Role and the aggregated view ClusterRole alike', async () => {
    const deployer = await runCli(['matrix', `${namespace}:deployer`, '-n', namespace, '--verbs', 'get,create,update', ...admin()]);
    expect(deployer.code, deployer.stderr).toBe(0);
    expect(deployer.stdout).toMatch(/\ndeployments\.apps\s+✖\s+✔\s+✔\n/);
    const viewer = await runCli(['matrix', `${namespace}:viewer`, '-n', namespace, '--verbs', 'get,list,create', '-o', 'json', ...admin()]);
    const rows = (JSON.parse(viewer.stdout) as { rows: { resource: string; group: string; access: Record<string, string> }[] }).rows;
    expect(rows.find((row) => row.resource === 'pods' && row.group === '')?.access).toEqual({
      get: 'allowed',
      list: 'allowed',
      create: 'denied',
    });
    expect(rows.find((row) => row.resource === 'secrets')?.access).toEqual({ get: 'denied', list: 'denied', create: 'denied' });
  });

  it("matrix --subresources: verbs the live server's discovery does not list for a subresource are n/a", async () => {
    const viewer = await runCli([
      'matrix',
      `${namespace}:viewer`,
      '-n',
      namespace,
      '--subresources',
      '--verbs',
      'get,create',
      '-o',
      'json',
      ...admin(),
    ]);
    expect(viewer.code, viewer.stderr).toBe(0);
    const rows = (JSON.parse(viewer.stdout) as { rows: { resource: string; subresource?: string; access: Record<string, string> }[] }).rows;
    const access = (subresource: string) => rows.find((row) => row.resource === 'pods' && row.subresource === subresource)?.access;
    // view grants get on pods/log; pods/log has no create, pods/binding no get, pods/exec both (view grants neither).
    expect(access('log')).toEqual({ get: 'allowed', create: 'n/a' });
    expect(access('binding')).toEqual({ get: 'n/a', create: 'denied' });
    expect(access('exec')).toEqual({ get: 'denied', create: 'denied' });
  });
});
