import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { ConfigError, NoClusterConfigError } from '../../errors/kubectl-sa-error.js';

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
    throw new NoClusterConfigError('no cluster configuration: no kubeconfig file found and not running inside a cluster', {
      hint: 'pass --kubeconfig PATH, set KUBECONFIG, or read manifests with -f PATH',
    });
  }

  const contextHint = { hint: 'pick one with --context NAME (kubectl config get-contexts lists them)' };
  if (flags.context !== undefined) {
    if (!config.getContextObject(flags.context))
      throw new ConfigError(`context "${flags.context}" does not exist in the kubeconfig`, contextHint);
    config.setCurrentContext(flags.context);
  }
  const contextName = config.getCurrentContext();
  const context = contextName ? config.getContextObject(contextName) : null;
  if (!context) {
    throw new ConfigError(
      contextName ? `current context "${contextName}" does not exist in the kubeconfig` : 'the kubeconfig has no current context',
      contextHint,
    );
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    // client-node drops a cluster entry without a server, as kubectl refuses one ("no server found for cluster").
    throw new ConfigError(
      `context "${contextName}" names cluster "${context.cluster}", which the kubeconfig does not define with a server`,
    );
  }
  requireReadableFiles(cluster, config.getCurrentUser());
  return { config, contextName, server: cluster.server, namespace: context.namespace || 'default' };
}

/**
 * kubectl checks the files a context's cluster and user name before it connects ("unable to read client-cert
 * … due to …"): a missing certificate is the kubeconfig's fault, not an unreachable cluster.
 */
function requireReadableFiles(cluster: Cluster, user: User | null): void {
  const named: [string, string | undefined, string][] = [
    ['certificate-authority', cluster.caFile, `cluster "${cluster.name}"`],
    ['client-certificate', user?.certFile, `user "${user?.name}"`],
    ['client-key', user?.keyFile, `user "${user?.name}"`],
  ];
  for (const [field, file, owner] of named) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      throw new ConfigError(`cannot read ${field} ${file} of ${owner} in the kubeconfig: ${fileProblem(error)}`);
    }
  }
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}

function kubeconfigFiles(flags: KubeConfigFlags, env: NodeJS.ProcessEnv): string[] {
  if (flags.kubeconfig !== undefined) {
    if (!existsSync(flags.kubeconfig)) throw new ConfigError(`${flags.kubeconfig}: kubeconfig file does not exist`);
    return [flags.kubeconfig];
  }
  if (env.KUBECONFIG) {
    // kubectl skips entries that do not exist; order matters, so duplicates keep their first place.
    const named = env.KUBECONFIG.split(path.delimiter).filter((file) => file !== '');
    const existing = [...new Set(named.filter((file) => existsSync(file)))];
    if (existing.length === 0 && named.length > 0) {
      throw new ConfigError(`KUBECONFIG names no file that exists: ${named.join(path.delimiter)}`, {
        hint: 'fix KUBECONFIG, pass --kubeconfig PATH, or read manifests with -f PATH',
      });
    }
    return existing;
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
    requireKubeconfigShape(file);
    try {
      single.loadFromFile(path.resolve(file), { onInvalidEntry: 'filter' });
    } catch (error) {
      throw new ConfigError(`${file}: invalid kubeconfig: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    for (const cluster of single.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of single.users)
      if (!users.has(user.name)) users.set(user.name, withResolvedExecCommand(user, path.dirname(path.resolve(file))));
    for (const context of single.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (!currentContext && single.currentContext) currentContext = single.currentContext;
  }
  return { clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext };
}

/**
 * A kubeconfig is a YAML mapping (or empty). client-node reads any other YAML (a scalar, a list, a manifest
 * passed by mistake) as a configuration without contexts, which would surface later as a misleading "no
 * current context".
 */
function requireKubeconfigShape(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the kubeconfig: ${fileProblem(error)}`);
  }
  let value: unknown;
  try {
    value = load(text);
  } catch (error) {
    throw new ConfigError(`${file}: invalid kubeconfig: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: not a kubeconfig (a YAML mapping with clusters, users and contexts)`);
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== undefined && kind !== 'Config') throw new ConfigError(`${file}: not a kubeconfig (its kind is ${String(kind)}, not Config)`);
}
