import type { Readable } from 'node:stream';
import { InputError } from '../errors/kubectl-sa-error.js';
import { Coverage } from '../inventory/coverage.js';
import { buildInventory, type Inventory, type InventoryNote } from '../inventory/inventory.js';
import type { ClusterConnection, ClusterFlagValues } from '../sources/cluster/connect.js';
import type { ListedResource } from '../sources/cluster/read-cluster.js';
import type { RequestProgress } from '../sources/cluster/api-client.js';
import { readManifests } from '../sources/manifest-files.js';

/** Where a use case reads its objects from: manifest paths, else the live cluster the kubectl flags name. */
export interface InputOptions {
  /** `-f` and positional paths (`-` is stdin); none means the live cluster. */
  readonly paths: readonly string[];
  /** kubectl's flags: which cluster and namespace; `-n` is also the namespace of manifest objects that name none. */
  readonly cluster: ClusterFlagValues;
  /** What `-` reads; the process' stdin unless a view injects one. */
  readonly stdin?: Readable | undefined;
  /** Where KUBECONFIG, HOME and the in-cluster variables come from; the process' environment unless injected. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Manifests that hold no Kubernetes object are an error (kubectl's "no objects passed") unless this is set. */
  readonly allowEmpty?: boolean | undefined;
  /** Told about each request to the cluster (a terminal's progress line); nothing when absent. */
  readonly progress?: RequestProgress | undefined;
  /** Told each manifest text read (manifest-files' ReadOptions.onText). */
  readonly onText?: ((file: string, text: string) => void) | undefined;
  /**
   * A namespace (-n) the cluster does not have is an error rather than kubectl's "No resources found": set by
   * use cases that change what they read, where a mistyped namespace must not pass as "nothing to do".
   */
  readonly requireNamespace?: boolean | undefined;
}

export interface LoadedInput {
  readonly inventory: Inventory;
  /** Set when the inventory came from a live cluster, for use cases that ask it more (SubjectAccessReview, patches). */
  readonly connection: ClusterConnection | undefined;
}

/**
 * The one place that turns input options into an Inventory. `resources` narrows what a live read lists: an
 * RBAC question needs no Secrets or Pods, and should neither pay for listing them nor warn that it may not
 * (`'rbac'`: read-cluster's rbacResources). The cluster source, and the client and HTTP stack under it, load
 * only when a cluster is read: a scan of files never pays for them (test/cli/lazy-loading.test.ts).
 */
export async function readInput(
  input: InputOptions,
  options: { readonly resources?: 'rbac' | readonly ListedResource[] | undefined } = {},
): Promise<LoadedInput> {
  if (input.paths.length > 0) {
    const documents = await readManifests(input.paths, {
      ...(input.stdin ? { stdin: input.stdin } : {}),
      ...(input.env ? { env: input.env } : {}),
      ...(input.onText ? { onText: input.onText } : {}),
    });
    const inventory = buildInventory(documents, { defaultNamespace: input.cluster.namespace ?? 'default', origin: 'files' });
    if (inventory.entries.length === 0 && !input.allowEmpty) throw noObjectsPassed(input.paths, inventory.notes);
    return { inventory, connection: undefined };
  }
  // kubectl's habit without -f: the cluster of the current context, in its namespace unless -A.
  const { connectCluster } = await import('../sources/cluster/connect.js');
  const { readCluster, rbacResources } = await import('../sources/cluster/read-cluster.js');
  const connection = await connectCluster(input.cluster, input.env, { progress: input.progress });
  const resources = options.resources === 'rbac' ? rbacResources : options.resources;
  const read = await readCluster(connection.client, { namespace: connection.namespace, ...(resources ? { resources } : {}) }).catch(
    (error: unknown) => {
      // The read failed as a whole: what is still in flight has no reader, and must not keep the process up.
      connection.client.abandon(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  if (input.requireNamespace && read.missingNamespace !== undefined) {
    throw new InputError(`namespace "${read.missingNamespace}" does not exist on the cluster at ${connection.client.server}`, {
      hint: 'check -n and --context (kubectl get namespaces lists them)',
    });
  }
  const inventory = buildInventory(read.documents, {
    defaultNamespace: connection.defaultNamespace,
    origin: 'cluster',
    notes: read.notes,
    coverage: Coverage.ofReads(read.coverage),
    namespaceScope: connection.namespace,
  });
  return { inventory, connection };
}

/** The namespace a request means without -n: the context's on a live cluster, else `default`, as kubectl. */
export function requestNamespace(cluster: ClusterFlagValues, connection: ClusterConnection | undefined): string {
  return cluster.namespace ?? connection?.defaultNamespace ?? 'default';
}

/**
 * An empty render (`helm template` of a chart whose values switch everything off, a wrong folder) would
 * otherwise pass a CI gate with "no findings". kubectl refuses it too: "error: no objects passed to apply".
 */
function noObjectsPassed(paths: readonly string[], notes: readonly InventoryNote[]): InputError {
  const named = [...new Set(paths.map((given) => (given === '-' ? 'stdin' : given)))];
  const skipped = notes.filter((note) => note.source !== undefined);
  const first = skipped[0]?.source;
  const why =
    first === undefined
      ? ''
      : ` (${skipped.length} document(s) that are not Kubernetes objects skipped, the first at ${first.file}:${first.line})`;
  return new InputError(`no objects passed: ${named.join(', ')} ${named.length === 1 ? 'holds' : 'hold'} no Kubernetes objects${why}`, {
    hint: 'check what produced the input (an empty helm template or kustomize build, a wrong path), or pass --allow-empty if no objects is a valid answer',
  });
}
