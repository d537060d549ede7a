import { UsageError } from '../../errors/kubectl-sa-error.js';
import type { ApiClient } from './api-client.js';
import { inventoryResources } from './read-cluster.js';

/** Names one object on the API server. */
export interface ObjectRefOnServer {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface WriteOptions {
  /** `dryRun=All`: the API server validates and admits the change and stores nothing. */
  readonly dryRun: boolean;
}

/** Every write names us, so `kubectl get -o yaml --show-managed-fields` says who changed what. */
export const fieldManager = 'kubectl-sa';

/** The REST path of an object of a kind kubectl sa reads (the inventory's kinds). */
export function objectPath(ref: ObjectRefOnServer, withName = true): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  const resource = inventoryResources.find((candidate) => candidate.kind === ref.kind && candidate.group === group);
  if (!resource) throw new UsageError(`kubectl sa does not write ${ref.kind} objects (${ref.apiVersion})`);
  const base = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  return `${base}${namespace}/${resource.plural}${withName ? `/${encodeURIComponent(ref.name)}` : ''}`;
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return { fieldManager, dryRun: options.dryRun ? 'All' : undefined };
}

export function getObject<T>(client: ApiClient, ref: ObjectRefOnServer): Promise<T> {
  return client.getJson<T>(objectPath(ref));
}

/** An RFC 6902 JSON Patch; its `test` operations make it fail rather than change an object that moved on. */
export function jsonPatchObject<T>(
  client: ApiClient,
  ref: ObjectRefOnServer,
  operations: readonly unknown[],
  options: WriteOptions,
): Promise<T> {
  return client.patchJson<T>(objectPath(ref), operations, 'application/json-patch+json', writeQuery(options));
}

/** Deletes only the object that was planned on: same UID, same resourceVersion (DeleteOptions preconditions). */
export function deleteObject<T>(
  client: ApiClient,
  ref: ObjectRefOnServer,
  preconditions: { uid: string | null; resourceVersion: string | null },
  options: WriteOptions,
): Promise<T> {
  const body = {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    preconditions: {
      ...(preconditions.uid ? { uid: preconditions.uid } : {}),
      ...(preconditions.resourceVersion ? { resourceVersion: preconditions.resourceVersion } : {}),
    },
    ...(options.dryRun ? { dryRun: ['All'] } : {}),
  };
  return client.deleteJson<T>(objectPath(ref), body, options.dryRun ? { dryRun: 'All' } : {});
}

export function createObject<T>(
  client: ApiClient,
  object: ObjectRefOnServer & { readonly body: unknown },
  options: WriteOptions,
): Promise<T> {
  return client.postJson<T>(objectPath(object, false), object.body, writeQuery(options));
}

/** PUT: replaces the object; the body's resourceVersion is the precondition. */
export function replaceObject<T>(
  client: ApiClient,
  object: ObjectRefOnServer & { readonly body: unknown },
  options: WriteOptions,
): Promise<T> {
  return client.putJson<T>(objectPath(object), object.body, writeQuery(options));
}
