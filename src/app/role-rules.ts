/**
 * Rules typed like kubectl create role's (`--verb`, `--resource`, `--resource-name`, and
 * `--non-resource-url`) as permissions: TYPEs resolved as kubectl resolves them, verbs checked against
 * kubectl's lists, scopes decided (namespaced resources in the Role's namespace, cluster-scoped ones and
 * URLs cluster-wide).
 */
import { UsageError } from '../errors/kubectl-sa-error.js';
import { resolveResourceType, suggestResourceTypes, type ApiResource } from '../rbac/resource-table.js';
import type { PermissionEntry } from '../role-generation/compact-rules.js';

export interface RuleSpec {
  readonly verbs: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** kubectl create role's accepted verbs. */
const resourceVerbs = new Set([
  '*',
  'get',
  'delete',
  'list',
  'create',
  'update',
  'patch',
  'watch',
  'proxy',
  'deletecollection',
  'use',
  'bind',
  'escalate',
  'impersonate',
  'approve',
  'sign',
]);
const nonResourceVerbs = new Set(['*', 'get', 'post', 'put', 'delete', 'patch', 'head', 'options']);

export interface ResolvedRules {
  readonly entries: readonly PermissionEntry[];
  /** kubectl-style warnings for stderr (a type no discovery lists, a cluster-scoped resource). */
  readonly warnings: readonly string[];
}

/**
 * The permissions the rules grant: namespaced resources in `namespace`, cluster-scoped ones and URLs
 * cluster-wide. TYPE resolves as kubectl resolves it (pods, deploy → deployments.apps, a CRD of the input).
 */
export function permissionsOfSpecs(specs: readonly RuleSpec[], namespace: string, resources: readonly ApiResource[]): ResolvedRules {
  const entries: PermissionEntry[] = [];
  const warnings: string[] = [];
  specs.forEach((spec, index) => {
    const which = specs.length === 1 ? 'the rule' : `rule ${index + 1}`;
    if (spec.verbs.length === 0) throw new UsageError(`${which} has no --verb`, { hint: 'for example: --verb get,list --resource pods' });
    if (spec.resources.length === 0 && spec.nonResourceURLs.length === 0) {
      throw new UsageError(`${which} (--verb ${spec.verbs.join(',')}) has no --resource or --non-resource-url`, {
        hint: 'write each rule as --verb VERBS --resource TYPES; a --verb after a --resource starts a new rule',
      });
    }
    if (spec.resources.length > 0 && spec.nonResourceURLs.length > 0) {
      throw new UsageError(`${which} mixes --resource and --non-resource-url; give URLs their own --verb`);
    }
    if (spec.nonResourceURLs.length > 0) {
      if (spec.resourceNames.length > 0) throw new UsageError(`${which}: --resource-name does not apply to --non-resource-url`);
      for (const verb of spec.verbs) {
        if (!nonResourceVerbs.has(verb))
          throw new UsageError(`invalid verb ${JSON.stringify(verb)} for non-resource URLs`, {
            hint: `valid: ${[...nonResourceVerbs].join(', ')}`,
          });
      }
      for (const url of spec.nonResourceURLs) {
        if (!url.startsWith('/') && url !== '*')
          throw new UsageError(`invalid --non-resource-url ${JSON.stringify(url)}: it must start with /`);
        for (const verb of spec.verbs)
          entries.push({ permission: { scope: '', verb, apiGroup: '', resource: '', name: '', nonResourceURL: url } });
      }
      return;
    }
    for (const verb of spec.verbs) {
      if (!resourceVerbs.has(verb))
        throw new UsageError(`invalid verb ${JSON.stringify(verb)}`, {
          hint: `valid verbs for resources: ${[...resourceVerbs].join(', ')}`,
        });
    }
    if (spec.resourceNames.length > 0 && spec.verbs.includes('create')) {
      throw new UsageError(
        `${which}: --resource-name cannot limit create (RBAC sees no name when an object is created, so the rule would never allow it)`,
        {
          hint: 'give create its own rule: --verb create --resource TYPE',
        },
      );
    }
    for (const typed of spec.resources) {
      const target = resolveTarget(typed, resources, warnings);
      const scope = target.namespaced ? namespace : '';
      if (!target.namespaced && namespace !== '')
        warnings.push(`${target.display} is not namespaced: it is granted cluster-wide, by the ClusterRole`);
      for (const verb of spec.verbs) {
        for (const name of spec.resourceNames.length > 0 ? spec.resourceNames : ['']) {
          entries.push({ permission: { scope, verb, apiGroup: target.group, resource: target.resource, name, nonResourceURL: '' } });
        }
      }
    }
  });
  return { entries, warnings: [...new Set(warnings)] };
}

/** `pods`, `deploy`, `deployments.apps`, `pods/log`, `foos.example.com/status`, `*`, `*.apps`. */
function resolveTarget(
  typed: string,
  resources: readonly ApiResource[],
  warnings: string[],
): { group: string; resource: string; namespaced: boolean; display: string } {
  const slash = typed.indexOf('/');
  const type = slash === -1 ? typed : typed.slice(0, slash);
  const subresource = slash === -1 ? '' : typed.slice(slash + 1);
  if (type === '' || (slash !== -1 && subresource === ''))
    throw new UsageError(`invalid --resource ${JSON.stringify(typed)}: expected TYPE[.GROUP][/SUBRESOURCE]`);
  const withSub = (plural: string) => (subresource === '' ? plural : `${plural}/${subresource}`);
  if (type === '*' || type.startsWith('*.')) {
    return { group: type === '*' ? '' : type.slice(2), resource: withSub('*'), namespaced: true, display: typed };
  }
  const resolved = resolveResourceType(type, resources);
  if (resolved) {
    if (subresource !== '' && resolved.subresources.length > 0 && !resolved.subresources.includes(subresource) && subresource !== '*') {
      warnings.push(
        `${resolved.plural} has no subresource '${subresource}' in the discovery data (it has ${resolved.subresources.join(', ')})`,
      );
    }
    const display = `${resolved.plural}${resolved.group === '' ? '' : `.${resolved.group}`}`;
    return { group: resolved.group, resource: withSub(resolved.plural), namespaced: resolved.namespaced, display };
  }
  const dot = type.indexOf('.');
  if (dot <= 0) {
    const suggestions = suggestResourceTypes(type, resources);
    throw new UsageError(`the server doesn't have a resource type ${JSON.stringify(type)}`, {
      hint:
        suggestions.length > 0
          ? `did you mean ${suggestions.join(', ')}?`
          : 'kubectl api-resources lists the names the server knows; spell a custom resource as RESOURCE.GROUP',
    });
  }
  const group = type.slice(dot + 1);
  const plural = type.slice(0, dot);
  warnings.push(`the server doesn't have a resource type '${plural}' in group '${group}': the rule names it as typed (namespaced)`);
  return { group, resource: withSub(plural), namespaced: true, display: type };
}
