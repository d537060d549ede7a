import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { LiveCluster } from './global-setup.js';

export function liveCluster(): LiveCluster {
  return inject('liveCluster');
}

/** Runs the real kubectl against the live cluster (admin unless another kubeconfig is given). */
export function kubectl(args: readonly string[], options: { input?: string; kubeconfig?: string } = {}): Promise<string> {
  const kubeconfig = options.kubeconfig ?? liveCluster().kubeconfigPath;
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** A namespace of the test's own, with its default ServiceAccount already made by the controller. */
export async function freshNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  for (let attempt = 0; attempt < 100; attempt++) {
    const accounts = await kubectl(['get', 'serviceaccounts', '-n', name, '-o', 'name']);
    if (accounts.includes('serviceaccount/default')) return name;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`namespace ${name}: the default ServiceAccount never appeared`);
}

export async function apply(manifest: string, namespace?: string): Promise<void> {
  await kubectl([...(namespace ? ['-n', namespace] : []), 'apply', '-f', '-'], { input: manifest });
}

/**
 * Waits until the API server's RBAC authorizer (fed by informers, so a moment behind the objects just
 * written) allows `user` the given action: `kubectl auth can-i` exits 0 for yes.
 */
export async function waitUntilAllowed(user: string, canIArgs: readonly string[], options: { kubeconfig?: string } = {}): Promise<void> {
  const kubeconfig = options.kubeconfig ?? liveCluster().kubeconfigPath;
  for (let attempt = 0; attempt < 100; attempt++) {
    const allowed = await new Promise<boolean>((resolve) => {
      execFile('kubectl', ['--kubeconfig', kubeconfig, 'auth', 'can-i', ...canIArgs, '--as', user], (error) => resolve(!error));
    });
    if (allowed) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${user} was never allowed: kubectl auth can-i ${canIArgs.join(' ')}`);
}

/** The token the token controller put into a legacy token Secret, decoded (waits for the controller). */
export async function tokenOf(namespace: string, secret: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const token = await kubectl(['get', 'secret', secret, '-n', namespace, '-o', 'jsonpath={.data.token}']);
    if (token) return Buffer.from(token, 'base64').toString('utf8');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the token controller never filled the legacy token Secret ${namespace}/${secret}`);
}

/**
 * A user (impersonated with `--as`) who holds exactly `rules` cluster-wide, through a ClusterRole and
 * ClusterRoleBinding of its name; waits until the authorizer knows it. The name gets a random suffix.
 */
export async function userWhoMay(prefix: string, rules: string): Promise<string> {
  const user = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${user}}
rules: ${rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${user}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${user}}
subjects: [{kind: User, name: ${user}, apiGroup: rbac.authorization.k8s.io}]
`);
  await waitUntilAllowed(user, ['list', 'clusterrolebindings']);
  return user;
}

/** A Deployment running as its namespace's default ServiceAccount, which a RoleBinding gives ClusterRole view. */
export const shop = (namespace: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      serviceAccountName: default
      containers: [{name: cart, image: registry.example.com/cart:1}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: default-reads-config, namespace: ${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: default, namespace: ${namespace}}]
`;
