import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { ClusterError, UsageError } from '../../errors/kubectl-sa-error.js';

export interface KubeConfigFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export interface LoadedKubeConfig {
  readonly config: KubeConfig;
  readonly contextName: string;
  readonly server: string;
  /** The context's namespace, else `default`: what kubectl uses when -n is not given. */
  readonly namespace: string;
}

const inClusterTokenFile = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads client configuration with kubectl's rules (clientcmd's loading rules):
 * `--kubeconfig` alone when given; else every file in KUBECONFIG, merged so that the FIRST file to define
 * a cluster, user or context name wins (client-node's own merge throws on duplicates instead); else
 * ~/.kube/config; else, inside a pod, the in-cluster ServiceAccount token and CA.
 */
export async function loadKubeConfig(flags: KubeConfigFlags, env: NodeJS.ProcessEnv = process.env): Promise<LoadedKubeConfig> {
  // client-node is large (its generated API alone takes about a second to load): only commands that
  // talk to a cluster pay for it, so a scan of files starts fast. Its config module alone is what we use
  // (kubeconfig parsing and every auth method); the package root would bundle the whole generated API.
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const config = new KubeConfig();
  const files = kubeconfigFiles(flags, env);
  if (files.length > 0) {
    config.loadFromOptions(mergeKubeconfigFiles(files, KubeConfig));
  } else if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(inClusterTokenFile)) {
    config.loadFromCluster();
  } else {
    throw new ClusterError('no cluster configuration: no kubeconfig file found and not running inside a cluster', {
      hint: 'pass --kubeconfig PATH, set KUBECONFIG, or read manifests with -f PATH',
    });
  }

  if (flags.context !== undefined) {
    if (!config.getContextObject(flags.context)) throw new UsageError(`context "${flags.context}" does not exist in the kubeconfig`);
    config.setCurrentContext(flags.context);
  }
  const contextName = config.getCurrentContext();
  const context = config.getContextObject(contextName);
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new ClusterError(
      contextName ? `context "${contextName}" names no cluster that the kubeconfig defines` : 'the kubeconfig has no current context',
      { hint: 'pick one with --context NAME' },
    );
  }
  return { config, contextName, server: cluster.server, namespace: context?.namespace || 'default' };
}

function kubeconfigFiles(flags: KubeConfigFlags, env: NodeJS.ProcessEnv): string[] {
  if (flags.kubeconfig !== undefined) {
    if (!existsSync(flags.kubeconfig)) throw new UsageError(`${flags.kubeconfig}: kubeconfig file does not exist`);
    return [flags.kubeconfig];
  }
  if (env.KUBECONFIG) {
    // kubectl skips entries that do not exist; order matters, so duplicates keep their first place.
    return [...new Set(env.KUBECONFIG.split(path.delimiter).filter((file) => file !== '' && existsSync(file)))];
  }
  const home = env.HOME ?? homedir();
  const fallback = path.join(home, '.kube', 'config');
  return existsSync(fallback) ? [fallback] : [];
}

/**
 * clientcmd resolves an exec plugin's command against the kubeconfig's folder when it is a relative path
 * with a separator (`./bin/get-token`); client-node leaves it to the working directory. Bare names
 * (`aws`, `gke-gcloud-auth-plugin`) are looked up on PATH in both.
 */
function withResolvedExecCommand(user: User, folder: string): User {
  const exec = user.exec as { command?: unknown } | undefined;
  if (!exec || typeof exec.command !== 'string' || !exec.command.includes('/') || path.isAbsolute(exec.command)) return user;
  return { ...user, exec: { ...exec, command: path.resolve(folder, exec.command) } };
}

/**
 * Merges kubeconfig files the way kubectl does. Each file is parsed by client-node (which knows every
 * auth field and resolves relative paths against the file that holds them, as clientcmd does); then the
 * first file to define a name wins, and the first file that sets current-context decides it.
 */
function mergeKubeconfigFiles(files: readonly string[], KubeConfigClass: new () => KubeConfig): object {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const single = new KubeConfigClass();
    try {
      single.loadFromFile(path.resolve(file), { onInvalidEntry: 'filter' });
    } catch (error) {
      throw new UsageError(`${file}: invalid kubeconfig: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    for (const cluster of single.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of single.users)
      if (!users.has(user.name)) users.set(user.name, withResolvedExecCommand(user, path.dirname(path.resolve(file))));
    for (const context of single.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (!currentContext && single.currentContext) currentContext = single.currentContext;
  }
  return { clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext };
}
