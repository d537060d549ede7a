/**
 * "Who can VERB RESOURCE?": one pass over the bindings that can apply to the request's namespace, with
 * each role's verdict computed once, so the cost is O(bindings + roles × rules) however many subjects
 * there are.
 */
import { grantOf, systemMasters } from './authorize.js';
import { compareSubjects, subjectIndexKey, type RbacModel, type RoleRecord } from './rbac-model.js';
import { ruleAllows } from './rule-matching.js';
import type { Grant, RequestAttributes, SubjectRef, WhoCanResult, WhoCanSubject } from './types.js';
import { unreadRbac, type RoleBindingReach } from './unread-rbac.js';

export interface WhoCanOptions {
  /** Count RoleBindings of every namespace (each grant says where): "who can do this anywhere?". */
  readonly anyNamespace?: boolean;
  /**
   * The resource is cluster-scoped (nodes, namespaces, clusterroles…): a RoleBinding never grants it, in any
   * namespace, so -A adds nothing (RBAC's rule resolver asks RoleBindings only for namespaced requests).
   */
  readonly clusterScoped?: boolean;
}

export function whoCan(model: RbacModel, request: RequestAttributes, options: WhoCanOptions = {}): WhoCanResult {
  const namespace = 'nonResourceURL' in request ? '' : (request.namespace ?? '');
  const allowingRules = new Map<RoleRecord, Grant['rule'][]>();
  const bySubject = new Map<string, { subject: SubjectRef; grants: Grant[] }>();

  for (const binding of model.bindings) {
    const role = binding.role;
    if (!role) continue;
    const inScope =
      binding.namespace === undefined ||
      (options.clusterScoped !== true && (options.anyNamespace === true || (namespace !== '' && binding.namespace === namespace)));
    if (!inScope || ('nonResourceURL' in request && binding.namespace !== undefined)) continue;
    let rules = allowingRules.get(role);
    if (!rules) {
      rules = role.rules.filter((rule) => ruleAllows(rule, request));
      allowingRules.set(role, rules);
    }
    if (rules.length === 0) continue;
    for (const subject of binding.subjects) {
      const key = subjectIndexKey(subject) + (subject.kind === 'ServiceAccount' ? '' : `\u0000${subject.kind}`);
      let found = bySubject.get(key);
      if (!found) {
        found = { subject, grants: [] };
        bySubject.set(key, found);
      }
      for (const rule of rules) found.grants.push(grantOf(binding, rule, subject));
    }
  }

  const subjects: WhoCanSubject[] = [...bySubject.values()].sort((a, b) => compareSubjects(a.subject, b.subject));
  // The same scope as the loop above: what was not read there could allow more subjects.
  const reach: RoleBindingReach =
    'nonResourceURL' in request || options.clusterScoped === true
      ? 'none'
      : options.anyNamespace === true
        ? 'every-namespace'
        : namespace === ''
          ? 'none'
          : { namespace };
  const unread = unreadRbac(model, reach);
  return { request, subjects, bypass: [{ kind: 'Group', name: systemMasters }], complete: unread.length === 0, unread };
}
