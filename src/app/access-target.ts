import { UsageError } from '../errors/kubectl-sa-error.js';
import {
  nonDiscoverableResources,
  resolveResourceType,
  suggestResourceTypes,
  unresolvedResourceType,
  type ApiResource,
} from '../rbac/resource-table.js';
import type { RequestAttributes } from '../rbac/types.js';
import type { Warning } from './outcome.js';

export interface AccessTargetOptions {
  readonly subresource?: string | undefined;
  /** `-n`, or the context's namespace (kubectl always has one; offline it is `default`). */
  readonly namespace?: string | undefined;
  readonly allNamespaces?: boolean | undefined;
  /**
   * What a TYPE nothing defines does. `warn` (can-i): kubectl auth can-i's warning, then the name is checked
   * as typed. `error` (who-can): a bare unknown TYPE fails, since an empty list for a typo would read as
   * "nobody can"; a TYPE spelled RESOURCE.GROUP is still checked as typed, with the warning, for resources
   * no discovery at hand lists (a CRD not in the input).
   */
  readonly unknownType?: 'warn' | 'error' | undefined;
  /** kubectl auth can-i's "resource 'nodes' is not namespace scoped" warning (not -A). */
  readonly scopeWarning?: boolean | undefined;
}

export interface AccessTarget {
  readonly attributes: RequestAttributes;
  /** The resource TYPE resolved to; undefined for URLs and for types nothing defines. */
  readonly resource: ApiResource | undefined;
  /** kubectl's warnings (unknown type, not namespace scoped), for stderr as `Warning: …`. */
  readonly warnings: readonly string[];
  /** Did-you-mean names for an unknown TYPE, for stderr as `hint: …`. */
  readonly hints: readonly string[];
}

/**
 * Turns `VERB TYPE[.GROUP][/NAME]` or `VERB /URL` into request attributes the way `kubectl auth can-i`
 * does: the namespace is dropped for cluster-scoped resources and URLs, `-A` means all namespaces (only
 * cluster-wide grants count), and an unknown TYPE is checked as typed, with kubectl's warning.
 */
export function parseAccessTarget(
  verb: string,
  target: string,
  options: AccessTargetOptions,
  resources: readonly ApiResource[],
): AccessTarget {
  if (verb === '') throw new UsageError('a verb is required, for example: get, list, create, delete, impersonate');
  if (target.startsWith('/')) {
    if (options.subresource) throw new UsageError('--subresource can not be used with a non-resource URL');
    return { attributes: { verb, nonResourceURL: target }, resource: undefined, warnings: [], hints: [] };
  }
  const slash = target.indexOf('/');
  const type = slash === -1 ? target : target.slice(0, slash);
  const name = slash === -1 ? '' : target.slice(slash + 1);
  if (type === '')
    throw new UsageError(`invalid resource ${JSON.stringify(target)}: expected TYPE[.GROUP][/NAME] or a URL starting with /`);

  const warnings: string[] = [];
  const hints: string[] = [];
  const resource = resolveResourceType(type, resources);
  const { group, resource: plural } = resource ? { group: resource.group, resource: resource.plural } : unresolvedResourceType(type);
  if (!resource && !nonDiscoverableResources.some((known) => known.resource === plural && known.group === group)) {
    const suggestions = suggestResourceTypes(type, resources);
    const hint =
      suggestions.length > 0
        ? `did you mean ${suggestions.join(', ')}? (kubectl api-resources lists the names the server knows)`
        : undefined;
    if (options.unknownType === 'error' && group === '') {
      throw new UsageError(`the server doesn't have a resource type ${JSON.stringify(type)}`, {
        hint: hint ?? 'kubectl api-resources lists the names the server knows; spell a resource no discovery lists as RESOURCE.GROUP',
      });
    }
    warnings.push(
      group === ''
        ? `the server doesn't have a resource type '${plural}'`
        : `the server doesn't have a resource type '${plural}' in group '${group}'`,
    );
    if (hint) hints.push(hint);
  }
  let namespace = options.allNamespaces ? '' : (options.namespace ?? 'default');
  if (resource && !resource.namespaced) {
    if (options.scopeWarning && !options.allNamespaces) {
      warnings.push(
        group === '' ? `resource '${plural}' is not namespace scoped` : `resource '${plural}' is not namespace scoped in group '${group}'`,
      );
    }
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
    hints,
  };
}

/** kubectl's own warnings for the target (`Warning: …`), each unknown TYPE with its did-you-mean. */
export function targetWarnings(target: AccessTarget): Warning[] {
  // Only an unknown TYPE has hints, and it is then the only warning: the hints belong to the last one.
  return target.warnings.map((message, index) => ({
    message,
    kubectl: true,
    ...(index === target.warnings.length - 1 && target.hints.length > 0 ? { hint: target.hints.join('; ') } : {}),
  }));
}
