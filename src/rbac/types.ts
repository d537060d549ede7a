/**
 * The RBAC engine's answers, as data. The policy engine's ServiceAccountProfile, the `permissions`,
 * `can-i`, `who-can` and `matrix` commands, and the TUI all read these types; nothing else of the
 * engine's internals leaks out.
 */
import type { PolicyRule } from '../inventory/kube-object.js';

export type SubjectKind = 'ServiceAccount' | 'User' | 'Group';

export interface SubjectRef {
  readonly kind: SubjectKind;
  readonly name: string;
  /** Only for ServiceAccounts. */
  readonly namespace?: string;
}

export interface RoleRefView {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** Only for Roles. */
  readonly namespace?: string;
}

export interface BindingRefView {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** Only for RoleBindings. */
  readonly namespace?: string;
}

/** One rule a subject holds, and the chain that grants it. */
export interface Grant {
  readonly rule: PolicyRule;
  readonly role: RoleRefView;
  readonly binding: BindingRefView;
  /** Where the rule applies: a namespace for RoleBindings, absent for ClusterRoleBindings (cluster-wide). */
  readonly namespace?: string;
  /** The subject of the binding that matched: the ServiceAccount itself or one of its groups. */
  readonly via: SubjectRef;
  /**
   * True when binding and role both are Kubernetes' own: the binding is one of the default (bootstrap)
   * bindings (from the shipped default RBAC, or an input binding identical to one) and its role was not
   * replaced by the input. A user's binding to a built-in role (cluster-admin, view) is not.
   */
  readonly defaultRbac: boolean;
  /** True when the role is one of Kubernetes' built-in roles (cluster-admin, view, system:…), whoever binds it. */
  readonly builtInRole: boolean;
}

/**
 * A risk fact's id, as its pack declares it (`facts[].id`): the built-in ones are `cluster-admin`,
 * `secrets-read`, `workload-create`… (policies/rbac.yaml); custom packs may declare more.
 */
export type RiskFactId = string;

export interface RiskFact {
  readonly id: RiskFactId;
  /** Absent when the fact holds cluster-wide. */
  readonly namespace?: string;
  /** A short human sentence: what exactly is allowed (verbs, resources). */
  readonly detail: string;
  readonly grants: readonly Grant[];
  /** The names every grant is limited to (`resourceNames`), sorted; empty when some grant allows any name. */
  readonly resourceNames: readonly string[];
}

/** "Can become kube-system:foo": one SA can gain another subject's rights, possibly over several hops. */
export interface EscalationPath {
  readonly target: SubjectRef;
  /**
   * Each hop: the fact used, where it applies (absent: cluster-wide) and the subject reached. Pods and tokens
   * need the ServiceAccount object: `createsServiceAccount` when it does not exist and the hop's subject may
   * create it first; `existenceUnknown` when its namespace's ServiceAccounts were not read, so the hop holds
   * only if it exists.
   */
  readonly hops: readonly {
    readonly via: RiskFactId;
    readonly namespace?: string;
    readonly to: SubjectRef;
    readonly createsServiceAccount?: true;
    readonly existenceUnknown?: true;
  }[];
  /** Facts the final target holds that the source does not (for "…which is cluster-admin"). */
  readonly targetFacts: readonly RiskFactId[];
  /** False when a hop has `existenceUnknown`: a possibility to check, not a claim. */
  readonly certain: boolean;
}

export interface ServiceAccountRbac {
  readonly subject: SubjectRef;
  /** Bindings whose subjects name this SA directly or through one of its groups. */
  readonly bindings: readonly BindingRefView[];
  readonly grants: readonly Grant[];
  readonly facts: readonly RiskFact[];
  readonly escalations: readonly EscalationPath[];
  /** True when the SA holds nothing beyond what every authenticated identity holds (default RBAC). */
  readonly baselineOnly: boolean;
}

/**
 * The attributes of one request, as SubjectAccessReview's `spec` names them, so that a differential test
 * can send the same value to a real API server and to `authorize`.
 */
export interface ResourceRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  /** `` for the core group. */
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Absent or `` for requests without a name (list, watch, create, deletecollection). */
  readonly name?: string;
  /** Absent or `` for cluster-scoped resources and all-namespaces requests: then only ClusterRoleBindings count. */
  readonly namespace?: string;
}

export interface NonResourceRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly nonResourceURL: string;
}

export type AccessRequest = ResourceRequest | NonResourceRequest;

/** What is asked, without who asks: the input of `who-can` and of rule matching. */
export type ResourceAttributes = Omit<ResourceRequest, 'user' | 'groups'>;
export type NonResourceAttributes = Omit<NonResourceRequest, 'user' | 'groups'>;
export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

/** The answer to one AccessRequest: every grant that allows it, in the authorizer's visiting order. */
export interface AccessDecision {
  readonly allowed: boolean;
  /** SubjectAccessReview-style reason: which binding and role allowed it, or why nothing did. */
  readonly reason: string;
  readonly grants: readonly Grant[];
}

/** One subject that `who-can` found, with every binding that lets it. */
export interface WhoCanSubject {
  readonly subject: SubjectRef;
  readonly grants: readonly Grant[];
}

export interface WhoCanResult {
  readonly request: RequestAttributes;
  /** ServiceAccounts first, then Users, then Groups; each kind sorted by namespace and name. */
  readonly subjects: readonly WhoCanSubject[];
  /** Subjects allowed without RBAC (the `system:masters` group): always, whatever the bindings say. */
  readonly bypass: readonly SubjectRef[];
  /** False when RBAC objects that could allow the request were not read: more subjects may be allowed. */
  readonly complete: boolean;
  /** What was not read that could allow it (empty when complete). */
  readonly unread: readonly UnreadRbac[];
}

export type RbacKind = 'ClusterRoleBinding' | 'ClusterRole' | 'RoleBinding' | 'Role';

/**
 * An RBAC kind an answer depends on that was not read completely, and why. RBAC only ever adds grants, so
 * what is missing can only allow more: a "no" drawn without it is unknown.
 */
export interface UnreadRbac {
  readonly kind: RbacKind;
  /** For RoleBinding and Role: the one namespace not read; absent: every namespace (or a cluster-scoped kind). */
  readonly namespace?: string;
  /** `forbidden` (403), `not-served` (404), `not-read` (nothing asked for it). */
  readonly reason: 'forbidden' | 'not-served' | 'not-read';
}
