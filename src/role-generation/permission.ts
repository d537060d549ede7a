/**
 * The unit role generation works in: one thing RBAC can allow — a verb on one resource of one group (or
 * one URL), optionally one object name, in one scope. Rules are sets of these; compaction turns sets back
 * into as few rules as possible, and coverage questions ("does this rule already allow that?") are asked
 * with the authorizer's own matching (rule-matching.ts), so wildcards mean exactly what RBAC means.
 */
import type { PolicyRule } from '../inventory/kube-object.js';
import { ruleAllows } from '../rbac/rule-matching.js';
import type { RequestAttributes } from '../rbac/types.js';

export interface Permission {
  /** A namespace, or `` for cluster-wide (a ClusterRole bound by a ClusterRoleBinding). */
  readonly scope: string;
  readonly verb: string;
  readonly apiGroup: string;
  /** `resource` or `resource/subresource`, as RBAC rules write it. */
  readonly resource: string;
  /** `` for any object. */
  readonly name: string;
  /** Set for non-resource URLs (then resource and apiGroup are ``); always cluster-wide. */
  readonly nonResourceURL: string;
}

/** Why a permission is in the output: the requests it stands for. */
export interface Provenance {
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Readable requests with their counts, most frequent first ("get pods/cart-1 in shop ×12"). */
  readonly examples: readonly { readonly text: string; readonly count: number }[];
}

export function permissionKey(permission: Permission): string {
  return `${permission.scope}\u0000${permission.verb}\u0000${permission.apiGroup}\u0000${permission.resource}\u0000${permission.name}\u0000${permission.nonResourceURL}`;
}

/** The request attributes a permission stands for, for ruleAllows and authorize. */
export function attributesOf(permission: Permission): RequestAttributes {
  if (permission.nonResourceURL !== '') return { verb: permission.verb, nonResourceURL: permission.nonResourceURL };
  const slash = permission.resource.indexOf('/');
  const resource = slash === -1 ? permission.resource : permission.resource.slice(0, slash);
  const subresource = slash === -1 ? '' : permission.resource.slice(slash + 1);
  return {
    verb: permission.verb,
    apiGroup: permission.apiGroup,
    resource,
    ...(subresource === '' ? {} : { subresource }),
    ...(permission.name === '' ? {} : { name: permission.name }),
    ...(permission.scope === '' ? {} : { namespace: permission.scope }),
  };
}

/**
 * Whether a rule allows everything a permission stands for. For concrete permissions this is the
 * authorizer's own question; a `*` in the permission is only allowed by a `*` in the rule (ruleAllows
 * compares the literal `*` like any other value), so a wildcard is never mistaken for one resource.
 */
export function ruleCovers(rule: PolicyRule, permission: Permission): boolean {
  return ruleAllows(rule, attributesOf(permission));
}

/** The one-permission rule: what a permission would be written as on its own. */
export function ruleOfPermission(permission: Permission): PolicyRule {
  if (permission.nonResourceURL !== '') return { verbs: [permission.verb], nonResourceURLs: [permission.nonResourceURL] };
  return {
    apiGroups: [permission.apiGroup],
    resources: [permission.resource],
    verbs: [permission.verb],
    ...(permission.name === '' ? {} : { resourceNames: [permission.name] }),
  };
}

/** Every permission a rule grants in a scope: verbs × groups × resources × names (or URLs). */
export function permissionsOfRule(rule: PolicyRule, scope: string): Permission[] {
  const found: Permission[] = [];
  const verbs = rule.verbs ?? [];
  if ((rule.nonResourceURLs ?? []).length > 0) {
    for (const url of rule.nonResourceURLs ?? [])
      for (const verb of verbs) found.push({ scope: '', verb, apiGroup: '', resource: '', name: '', nonResourceURL: url });
  }
  const names = (rule.resourceNames ?? []).length > 0 ? (rule.resourceNames ?? []) : [''];
  for (const apiGroup of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of verbs) for (const name of names) found.push({ scope, verb, apiGroup, resource, name, nonResourceURL: '' });
    }
  }
  return found;
}

/** `get pods/cart-1`, `list deployments.apps`, `get /healthz`, `create pods/exec`. */
export function describePermission(permission: Permission, options: { readonly withScope?: boolean } = {}): string {
  if (permission.nonResourceURL !== '') return `${permission.verb} ${permission.nonResourceURL}`;
  const slash = permission.resource.indexOf('/');
  const base = slash === -1 ? permission.resource : permission.resource.slice(0, slash);
  const sub = slash === -1 ? '' : permission.resource.slice(slash);
  const typed = `${base}${permission.apiGroup === '' ? '' : `.${permission.apiGroup}`}${sub}`;
  const text = `${permission.verb} ${typed}${permission.name === '' ? '' : ` named ${permission.name}`}`;
  if (!options.withScope) return text;
  return `${text} ${permission.scope === '' ? 'cluster-wide' : `in ${permission.scope}`}`;
}

const verbOrder = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** kubectl's habitual verb order (reads, then writes), then any other verb alphabetically; `*` first. */
export function compareVerbs(a: string, b: string): number {
  const rank = (verb: string) => (verb === '*' ? -1 : verbOrder.includes(verb) ? verbOrder.indexOf(verb) : verbOrder.length);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A list for people: the first `limit` items, then "… and N more". */
export function cutList(items: readonly string[], limit: number): string[] {
  return items.length <= limit ? [...items] : [...items.slice(0, limit), `… and ${items.length - limit} more`];
}
