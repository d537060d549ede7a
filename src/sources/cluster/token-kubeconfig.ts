import { readFile } from 'node:fs/promises';
import { InputError } from '../../errors/kubectl-sa-error.js';
import type { LoadedKubeConfig } from './kubeconfig.js';

export interface ServiceAccountKubeconfigOptions {
  readonly namespace: string;
  readonly name: string;
  readonly token: string;
}

/**
 * A kubeconfig that authenticates as the ServiceAccount to the current context's cluster: the same
 * server, CA (embedded, so the file works anywhere), TLS server name and proxy, the token as the user,
 * and the ServiceAccount's namespace as the context's. Only the CA file is read here.
 */
export async function serviceAccountKubeconfig(loaded: LoadedKubeConfig, options: ServiceAccountKubeconfigOptions): Promise<object> {
  const cluster = loaded.config.getCurrentCluster();
  if (!cluster) throw new InputError('the kubeconfig has no current cluster to point the new kubeconfig at');
  let caData = cluster.caData;
  if (!caData && cluster.caFile) {
    try {
      caData = (await readFile(cluster.caFile)).toString('base64');
    } catch {
      throw new InputError(`${cluster.caFile}: cannot read the certificate authority of cluster "${cluster.name}" to embed it`);
    }
  }
  const user = `system:serviceaccount:${options.namespace}:${options.name}`;
  const context = `${options.namespace}:${options.name}@${cluster.name}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: cluster.server,
          ...(caData ? { 'certificate-authority-data': caData } : {}),
          ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
          ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
          ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
        },
      },
    ],
    users: [{ name: user, user: { token: options.token } }],
    contexts: [{ name: context, context: { cluster: cluster.name, user, namespace: options.namespace } }],
    'current-context': context,
  };
}
