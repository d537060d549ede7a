import { UsageError } from '../errors/kubectl-sa-error.js';
import { resolveResourceType, unresolvedResourceType, type ApiResource } from '../rbac/resource-table.js';
import type { RequestAttributes } from '../rbac/types.js';

export interface AccessTargetOptions {
  readonly subresource?: string | undefined;
  /** `-n`; undefined means the context's namespace, which offline is `default`. */
  readonly namespace?: string | undefined;
  readonly allNamespaces?: boolean | undefined;
}

export interface AccessTarget {
  readonly attributes: RequestAttributes;
  /** The resource TYPE resolved to; undefined for URLs and for types nothing defines. */
  readonly resource: ApiResource | undefined;
  /** kubectl's warnings (unknown type, namespace ignored), for stderr. */
  readonly warnings: readonly string[];
}

/**
 * Turns `VERB TYPE[.GROUP][/NAME]` or `VERB /URL` into request attributes the way `kubectl auth can-i`
 * does: the namespace is dropped for cluster-scoped resources and URLs, `-A` means all namespaces (only
 * cluster-wide grants count), and an unknown TYPE is checked as typed, with a warning.
 */
export function parseAccessTarget(verb: string, target: string, options: AccessTargetOptions, resources: readonly ApiResource[]): AccessTarget {
  if (verb === '') throw new UsageError('a verb is required, for example: get, list, create, delete, impersonate');
  if (target.startsWith('/')) {
    if (options.subresource) throw new UsageError('--subresource can not be used with a non-resource URL');
    return { attributes: { verb, nonResourceURL: target }, resource: undefined, warnings: [] };
  }
  const slash = target.indexOf('/');
  const type = slash === -1 ? target : target.slice(0, slash);
  const name = slash === -1 ? '' : target.slice(slash + 1);
  if (type === '') throw new UsageError(`invalid resource ${JSON.stringify(target)}: expected TYPE[.GROUP][/NAME] or a URL starting with /`);

  const warnings: string[] = [];
  const resource = resolveResourceType(type, resources);
  const { group, resource: plural } = resource ? { group: resource.group, resource: resource.plural } : unresolvedResourceType(type);
  if (!resource) warnings.push(`the server doesn't have a resource type '${type}'`);
  let namespace = options.allNamespaces ? '' : (options.namespace ?? 'default');
  if (resource && !resource.namespaced) {
    if (options.namespace !== undefined && !options.allNamespaces) warnings.push(`resource '${resource.plural}' is not namespace scoped`);
    namespace = '';
  }
  return {
    attributes: {
      verb,
      apiGroup: group,
      resource: plural,
      ...(options.subresource ? { subresource: options.subresource } : {}),
      ...(name ? { name } : {}),
      ...(namespace ? { namespace } : {}),
    },
    resource,
    warnings,
  };
}
