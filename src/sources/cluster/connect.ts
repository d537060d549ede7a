import { UsageError } from '../../errors/kubectl-sa-error.js';
import { parseDuration } from './duration.js';
import { ApiClient, defaultAnswerTimeoutMs, type RequestProgress } from './api-client.js';
import { loadKubeConfig, type LoadedKubeConfig } from './kubeconfig.js';

/** The kubectl flags that decide which cluster we talk to and as whom. */
export interface ClusterFlagValues {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  readonly 'all-namespaces'?: boolean | undefined;
  readonly as?: string | undefined;
  readonly 'as-group'?: string[] | undefined;
  readonly 'request-timeout'?: string | undefined;
}

export interface ClusterConnection {
  readonly client: ApiClient;
  readonly kubeConfig: LoadedKubeConfig;
  /** The namespace to read: -n, else the context's; undefined with -A (every namespace). */
  readonly namespace: string | undefined;
  /** The namespace commands use when one is needed and -A was given or none chosen: as kubectl does. */
  readonly defaultNamespace: string;
}

/**
 * `--request-timeout` bounds the whole command's wait for the cluster (kubectl bounds each request; a
 * command of ours sends dozens, so a per-request limit would multiply). Without it, a request that gets no
 * answer for 60 s gives up, as a user of kubectl expects; `--request-timeout 0` waits forever.
 */
export async function connectCluster(
  flags: ClusterFlagValues,
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly progress?: RequestProgress | undefined } = {},
): Promise<ClusterConnection> {
  const timeoutMs = parseDuration(flags['request-timeout'] ?? '0');
  if (Number.isNaN(timeoutMs)) {
    throw new UsageError(
      `invalid --request-timeout "${flags['request-timeout']}": use a number of seconds or a duration such as 30s, 1m, 2h`,
    );
  }
  if (flags['as-group'] && flags['as-group'].length > 0 && !flags.as) {
    // The API server refuses group impersonation without a user; kubectl says the same before asking.
    throw new UsageError('--as-group needs --as: impersonating groups requires a user to impersonate');
  }
  const kubeConfig = await loadKubeConfig(flags, env);
  const client = new ApiClient(kubeConfig.config, {
    impersonate: { user: flags.as, groups: flags['as-group'] },
    ...(flags['request-timeout'] === undefined ? { answerTimeoutMs: defaultAnswerTimeoutMs } : { totalTimeoutMs: timeoutMs }),
    progress: options.progress,
  });
  const chosen = flags.namespace ?? kubeConfig.namespace;
  return { client, kubeConfig, namespace: flags['all-namespaces'] ? undefined : chosen, defaultNamespace: chosen };
}
