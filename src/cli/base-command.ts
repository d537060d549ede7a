import { Command } from '@oclif/core';
import { buildInventory, type Inventory } from '../inventory/inventory.js';
import { readManifests } from '../sources/manifest-files.js';
import { connectCluster, type ClusterConnection, type ClusterFlagValues } from '../sources/cluster/connect.js';
import { readCluster, type ListedResource } from '../sources/cluster/read-cluster.js';
import { writeNotes } from './notes.js';

/** What every resource-reading command gets from its flags, whatever else it adds. */
export interface InputFlagValues extends ClusterFlagValues {
  readonly filename?: string[] | undefined;
}

/**
 * The one place that turns input flags into an Inventory. Commands stay thin: parse flags, call
 * loadInventory, hand the inventory to an engine, render.
 */
export abstract class KubectlSaCommand extends Command {
  /** Set when the inventory came from a live cluster, for commands that ask it more (SubjectAccessReview). */
  protected clusterConnection: ClusterConnection | undefined;

  /**
   * `resources` narrows what a live cluster read lists: an RBAC question needs no Secrets or Pods, and
   * should neither pay for listing them nor warn that it may not.
   */
  protected async loadInventory(
    flags: InputFlagValues,
    positionalPaths: readonly string[] = [],
    options: { readonly resources?: readonly ListedResource[] } = {},
  ): Promise<Inventory> {
    const paths = [...(flags.filename ?? []), ...positionalPaths];
    const inventory = paths.length > 0 ? await this.readFiles(paths, flags) : await this.readLiveCluster(flags, options.resources);
    writeNotes(inventory.notes, process.stderr);
    return inventory;
  }

  private async readFiles(paths: readonly string[], flags: InputFlagValues): Promise<Inventory> {
    const documents = await readManifests(paths);
    return buildInventory(documents, { defaultNamespace: flags.namespace ?? 'default', origin: 'files' });
  }

  /** Without -f, kubectl's habit: read the cluster of the current context, in its namespace unless -A. */
  private async readLiveCluster(flags: InputFlagValues, resources: readonly ListedResource[] | undefined): Promise<Inventory> {
    const connection = await this.connect(flags);
    const read = await readCluster(connection.client, { namespace: connection.namespace, ...(resources ? { resources } : {}) });
    return buildInventory(read.documents, { defaultNamespace: connection.defaultNamespace, origin: 'cluster', notes: read.notes });
  }

  /** Connects to the cluster of the kubeconfig, for commands that ask it rather than read it. */
  protected async connect(flags: InputFlagValues): Promise<ClusterConnection> {
    this.clusterConnection = await connectCluster(flags);
    return this.clusterConnection;
  }

  /** The namespace a request means without -n: the context's on a live cluster, else `default`, as kubectl. */
  protected contextNamespace(flags: InputFlagValues): string {
    return flags.namespace ?? this.clusterConnection?.defaultNamespace ?? 'default';
  }

  /** Writes a rendered result to stdout exactly as given (renderers end their text with a newline). */
  protected emit(text: string): void {
    process.stdout.write(text);
  }
}
