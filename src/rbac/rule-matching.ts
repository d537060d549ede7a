/**
 * PolicyRule matching exactly as Kubernetes' RBAC authorizer does it (k8s.io/kubernetes
 * pkg/apis/rbac/v1/evaluation_helpers.go and plugin/pkg/auth/authorizer/rbac/rbac.go `RuleAllows`).
 * Each function mirrors its Go namesake; deviations here are security bugs, so keep them literal.
 */
import type { PolicyRule } from '../inventory/kube-object.js';
import type { AccessRequest, RequestAttributes } from './types.js';

const all = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const ruleVerb of rule.verbs ?? []) {
    if (ruleVerb === all || ruleVerb === verb) return true;
  }
  return false;
}

export function apiGroupMatches(rule: PolicyRule, apiGroup: string): boolean {
  for (const ruleGroup of rule.apiGroups ?? []) {
    if (ruleGroup === all || ruleGroup === apiGroup) return true;
  }
  return false;
}

/**
 * `combinedResource` is `resource` or `resource/subresource`. `*` matches everything and `*∕sub` matches
 * that subresource of any resource, but `pods/*` is not a wildcard: it matches only the literal `pods/*`.
 */
export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === all || ruleResource === combinedResource) return true;
    if (subresource === '') continue;
    if (ruleResource.length === subresource.length + 2 && ruleResource.startsWith('*/') && ruleResource.endsWith(subresource)) {
      return true;
    }
  }
  return false;
}

/** No resourceNames means any name; otherwise the request's name must be listed (so an unnamed list never matches). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(name);
}

/** `*` matches any URL; a rule URL ending in `*` is a prefix (all trailing stars trimmed, as Go's TrimRight). */
export function nonResourceURLMatches(rule: PolicyRule, url: string): boolean {
  for (const ruleURL of rule.nonResourceURLs ?? []) {
    if (ruleURL === all || ruleURL === url) return true;
    if (ruleURL.endsWith(all) && url.startsWith(ruleURL.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function isResourceRequest<T extends AccessRequest | RequestAttributes>(
  request: T,
): request is Exclude<T, { nonResourceURL: string }> {
  return !('nonResourceURL' in request);
}

/** `RuleAllows`: whether one rule allows one request (subject and namespace are the caller's concern). */
export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if ('nonResourceURL' in request) return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.nonResourceURL);
  const subresource = request.subresource ?? '';
  const combined = subresource === '' ? request.resource : `${request.resource}/${subresource}`;
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, combined, subresource) &&
    resourceNameMatches(rule, request.name ?? '')
  );
}
