/**
 * What an RBAC answer depends on that was not read. RBAC only ever adds grants, so objects not read can only
 * allow more: a "yes" found in what was read stands, while a "no" (or a list of who may, or of what one may)
 * is only as complete as the lists that could have changed it. Which lists those are follows the authorizer:
 * ClusterRoleBindings always, the RoleBindings of the request's namespace for a namespaced request (of every
 * namespace for "anywhere"), and the roles that the bindings in reach refer to — ClusterRoles (aggregated
 * ones included: their rules come from other ClusterRoles) and the Roles of the binding's own namespace.
 */
import { authorize, bindingsNaming, type Identity } from './authorize.js';
import { compareText, type BindingRecord, type RbacModel } from './rbac-model.js';
import type { AccessDecision, AccessRequest, RbacKind, RequestAttributes, UnreadRbac } from './types.js';

/**
 * Where RoleBindings can grant a request: nowhere (a cluster-scoped resource, a non-resource URL, can-i -A),
 * in one namespace, or in any (who-can -A, a ServiceAccount's permissions everywhere).
 */
export type RoleBindingReach = 'none' | 'every-namespace' | { readonly namespace: string };

/** can-i's three answers: a yes found in what was read stands; a no stands only if nothing that could allow was unread. */
export interface AccessAnswer extends AccessDecision {
  readonly answer: 'yes' | 'no' | 'unknown';
  /** What could allow it and was not read; empty for yes (nothing unread can take a grant away) and for no. */
  readonly unread: readonly UnreadRbac[];
}

export function answerAccess(model: RbacModel, request: AccessRequest): AccessAnswer {
  const decision = authorize(model, request);
  if (decision.allowed) return { ...decision, answer: 'yes', unread: [] };
  const unread = unreadRbac(model, reachOf(request), request);
  return unread.length === 0
    ? { ...decision, answer: 'no', unread }
    : {
        ...decision,
        answer: 'unknown',
        reason: `${decision.reason} in what was read; RBAC objects that could allow it were not read`,
        unread,
      };
}

/** Where RoleBindings can grant a request: only in its namespace, and never a URL or an all-namespaces request. */
export function reachOf(request: RequestAttributes): RoleBindingReach {
  return 'nonResourceURL' in request || !request.namespace ? 'none' : { namespace: request.namespace };
}

const kindOrder: Record<RbacKind, number> = { ClusterRoleBinding: 0, ClusterRole: 1, RoleBinding: 2, Role: 3 };

/**
 * The RBAC kinds not read completely that could grant a request within `reach` — to `identity` when given
 * (its user name and groups: a ServiceAccount's groups are bound through the same lists), else to anyone.
 * A kind that could not matter is left out: RoleBindings of another namespace for a request in this one, a
 * Role kind no binding in reach names. Empty for manifest files (the whole input) and complete reads.
 */
export function unreadRbac(model: RbacModel, reach: RoleBindingReach, identity?: Identity): UnreadRbac[] {
  const found = new Map<string, UnreadRbac>();
  const add = (kind: RbacKind, namespace?: string) => {
    const reason = model.rbacGap(kind, namespace);
    if (reason !== undefined)
      found.set(`${kind}/${namespace ?? ''}`, namespace === undefined ? { kind, reason } : { kind, namespace, reason });
  };
  // undefined: every namespace; null: RoleBindings cannot grant this.
  const roleBindingNamespace = reach === 'none' ? null : reach === 'every-namespace' ? undefined : reach.namespace;
  // A binding list not read may hold any grant, through any role its kind can name.
  if (model.rbacGap('ClusterRoleBinding') !== undefined) {
    add('ClusterRoleBinding');
    add('ClusterRole');
  }
  if (roleBindingNamespace !== null && model.rbacGap('RoleBinding', roleBindingNamespace) !== undefined) {
    add('RoleBinding', roleBindingNamespace);
    add('Role', roleBindingNamespace);
    add('ClusterRole');
  }
  // A binding that was read, whose role was not.
  const inReach = (binding: BindingRecord) =>
    binding.namespace === undefined ||
    (roleBindingNamespace !== null && (roleBindingNamespace === undefined || binding.namespace === roleBindingNamespace));
  for (const binding of identity ? bindingsNaming(model, identity) : model.bindings) {
    if (!binding.roleUnread || !inReach(binding)) continue;
    if (binding.roleRef.kind === 'Role') add('Role', binding.namespace);
    else add('ClusterRole');
  }
  return [...found.values()].sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || compareText(a.namespace ?? '', b.namespace ?? ''));
}

const plurals: Record<RbacKind, string> = {
  ClusterRoleBinding: 'ClusterRoleBindings',
  ClusterRole: 'ClusterRoles',
  RoleBinding: 'RoleBindings',
  Role: 'Roles',
};
const reasons: Record<UnreadRbac['reason'], string> = {
  forbidden: 'forbidden',
  'not-served': 'not served by this cluster',
  'not-read': 'not read',
};

/** `ClusterRoleBindings (forbidden)`, `RoleBindings in namespace shop (forbidden)`, `Roles in every namespace (not read)`. */
export function describeUnread(entry: UnreadRbac): string {
  const where =
    entry.kind === 'RoleBinding' || entry.kind === 'Role'
      ? entry.namespace === undefined
        ? ' in every namespace'
        : ` in namespace ${entry.namespace}`
      : '';
  return `${plurals[entry.kind]}${where} (${reasons[entry.reason]})`;
}

/** The bindings themselves, or the roles bindings refer to: how an unread kind can grant, for a sentence. */
export function unreadGrantsThrough(entry: UnreadRbac): string {
  return entry.kind === 'ClusterRoleBinding' || entry.kind === 'RoleBinding' ? 'one of them' : 'a binding to one of them';
}
