/**
 * The indexed RBAC state the answers are computed from: roles with their effective (aggregated) rules,
 * bindings resolved to those roles, and an index from subject to bindings so that questions about one
 * identity never scan every binding. Built once per inventory; immutable after.
 */
import type { Gap } from '../inventory/coverage.js';
import type { Inventory } from '../inventory/inventory.js';
import { serviceAccountExistence, type Existence } from '../inventory/service-account-existence.js';
import type { ClusterRole, KubeObject, PolicyRule, Role, RoleBinding } from '../inventory/kube-object.js';
import { isRecord } from '../inventory/kube-object.js';
import { aggregateClusterRoles, type AggregatableClusterRole } from './aggregation.js';
import type { DefaultRbacData } from './default-rbac.js';
import { kubernetesDefaultBindings } from './kubernetes-defaults.js';
import { noRiskFacts, type RiskFactCatalogue } from './risk-facts.js';
import type { BindingRefView, RbacKind, RoleRefView, SubjectRef } from './types.js';

export interface RoleRecord {
  readonly view: RoleRefView;
  /** After aggregation, for aggregated ClusterRoles. */
  readonly rules: readonly PolicyRule[];
  /** One of Kubernetes' built-in roles by name (cluster-admin, view, system:…), as shown: "a built-in role". */
  readonly defaultRbac: boolean;
  /** Built in and as Kubernetes ships it (an input role of that name with other rules replaced it). */
  readonly unchangedDefault: boolean;
}

export interface BindingRecord {
  readonly view: BindingRefView;
  /** Position in `RbacModel.bindings`: answers list grants in the authorizer's visiting order. */
  readonly order: number;
  /** Set for RoleBindings: the only namespace they grant in. */
  readonly namespace?: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
  /** Undefined when the referenced role does not exist (or the reference kind is invalid): grants nothing. */
  readonly role: RoleRecord | undefined;
  /** The role is undefined because its kind was not read (a list we may not make): what it grants is unknown. */
  readonly roleUnread: boolean;
  /** Subjects that can ever match, with ServiceAccount namespaces filled in from the RoleBinding. */
  readonly subjects: readonly SubjectRef[];
  /** The binding itself comes from the default RBAC (its role may still be the input's). */
  readonly defaultRbac: boolean;
}

export interface RbacModelOptions {
  /** Kubernetes' bootstrap RBAC to add beneath the input; omit for `--no-default-rbac`. */
  readonly defaultRbac?: DefaultRbacData | undefined;
  /**
   * Kubernetes' default RBAC to recognise input objects by, without adding it (a live cluster has its own):
   * an input binding identical to a default one is Kubernetes' own; an input role named as a default one
   * is a built-in role. Defaults to `defaultRbac`.
   */
  readonly knownDefaults?: DefaultRbacData | undefined;
  /** The risk facts the packs declare (`compileRiskFacts`); none when omitted. */
  readonly riskFacts?: RiskFactCatalogue | undefined;
}

export interface RbacModel {
  readonly clusterRoles: ReadonlyMap<string, RoleRecord>;
  /** Keyed `namespace/name`. */
  readonly roles: ReadonlyMap<string, RoleRecord>;
  /** ClusterRoleBindings first, then RoleBindings, each in input order (defaults before input). */
  readonly bindings: readonly BindingRecord[];
  /** `u:<username>` (Users, and ServiceAccounts by their username) or `g:<group>` → bindings naming it. */
  readonly bindingsBySubject: ReadonlyMap<string, readonly BindingRecord[]>;
  /** Every ServiceAccount the input shows or implies, sorted by namespace and name. */
  readonly serviceAccounts: readonly SubjectRef[];
  /**
   * Whether a ServiceAccount exists (see inventory/service-account-existence.ts), for escalation: pods and
   * tokens reach only one that does, or that the subject may create. Null only where a cluster read did not
   * list the namespace's ServiceAccounts; files are the whole input, and a namespace none of whose
   * ServiceAccounts they show (kube-system beside a chart) is taken to hold the ones bindings name.
   */
  readonly serviceAccountExists: (namespace: string, name: string) => Existence;
  /** The Kubernetes version of the default RBAC included, if any. */
  readonly defaultRbacVersion: string | undefined;
  /**
   * Why an RBAC kind (in a namespace; undefined: every namespace, or the cluster-scoped kinds) was not read
   * completely, undefined when it was (manifest files: always). RBAC is additive, so what was not read can
   * only add grants: an answer that found none there is unknown, not no (rbac/unread-rbac.ts).
   */
  readonly rbacGap: (kind: RbacKind, namespace?: string) => Gap | undefined;
  /** Problems worth telling the user: bindings to missing roles, subjects that can never match. */
  readonly warnings: readonly ModelWarning[];
  /** The declared risk facts answers are computed with. */
  readonly riskFacts: RiskFactCatalogue;
}

/** A problem with the input's RBAC, and the namespace of the RoleBinding it is about (absent: cluster-wide). */
export interface ModelWarning {
  readonly message: string;
  readonly namespace?: string;
  /**
   * The warning is about roles that could not be read: the RBAC answers (can-i, who-can, permissions, matrix)
   * say instead what that means for their own answer, from `unreadRbac`.
   */
  readonly unreadRoles?: true;
}

export const serviceAccountUserPrefix = 'system:serviceaccount:';
const rbacGroup = 'rbac.authorization.k8s.io';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountUserPrefix}${namespace}:${name}`;
}

export function subjectIndexKey(subject: SubjectRef): string {
  if (subject.kind === 'Group') return `g:${subject.name}`;
  if (subject.kind === 'ServiceAccount') return `u:${serviceAccountUsername(subject.namespace ?? '', subject.name)}`;
  return `u:${subject.name}`;
}

interface Sourced<T extends KubeObject> {
  readonly object: T;
  readonly defaultRbac: boolean;
  /** For roles: as Kubernetes ships it (false for an input role whose rules differ). */
  readonly unchanged?: boolean;
}

export function buildRbacModel(inventory: Inventory, options: RbacModelOptions = {}): RbacModel {
  const defaults = options.defaultRbac;
  const fromDefaults = <T extends KubeObject>(items: readonly T[] | undefined): Sourced<T>[] =>
    (items ?? []).map((object) => ({ object, defaultRbac: true }));
  // Provenance is the object's own: a binding is Kubernetes' only if it is one of the default bindings,
  // unchanged (a label proves nothing: anyone can write kubernetes.io/bootstrapping on a binding to
  // cluster-admin); a role is built in when a default role has its name. A live cluster's bootstrap objects
  // are recognised the same way as the shipped copy offline.
  const known = options.knownDefaults ?? defaults;
  const isDefaultBinding = known ? kubernetesDefaultBindings(known) : () => false;
  // What each default role grants, to tell an input copy from a replacement: an aggregated ClusterRole by its
  // aggregationRule (its rules are filled in by the controller), any other by its rules.
  const roleContent = (role: KubeObject) =>
    JSON.stringify(isRecord(role.aggregationRule) ? role.aggregationRule : ((role as { rules?: unknown }).rules ?? []));
  const defaultRoles = new Map([
    ...(known?.clusterRoles ?? []).map((role) => [`/${role.metadata.name ?? ''}`, roleContent(role)] as const),
    ...(known?.roles ?? []).map((role) => [`${role.metadata.namespace ?? ''}/${role.metadata.name ?? ''}`, roleContent(role)] as const),
  ]);
  const roleFromInput = <T extends KubeObject>(entries: readonly { object: T }[], namespaced: boolean): Sourced<T>[] =>
    entries.map(({ object }) => {
      const shipped = defaultRoles.get(`${namespaced ? (object.metadata.namespace ?? '') : ''}/${object.metadata.name ?? ''}`);
      // Only where the shipped copy is in the model does the input's role replace it; a live cluster's (or a
      // listing's) own bootstrap roles may be another Kubernetes version's, and are its defaults all the same.
      const unchanged = shipped !== undefined && (defaults === undefined || shipped === roleContent(object));
      return { object, defaultRbac: shipped !== undefined, unchanged };
    });
  const bindingFromInput = (
    entries: readonly { object: RoleBinding }[],
    kind: 'RoleBinding' | 'ClusterRoleBinding',
  ): Sourced<RoleBinding>[] => entries.map(({ object }) => ({ object, defaultRbac: isDefaultBinding(kind, object) }));

  // Same identity: the input replaces the default object, as applying it to a cluster would.
  const clusterRoleObjects = lastByIdentity([...fromDefaults(defaults?.clusterRoles), ...roleFromInput(inventory.clusterRoles, false)]);
  const roleObjects = lastByIdentity([...fromDefaults(defaults?.roles), ...roleFromInput(inventory.roles, true)]);
  const clusterBindingObjects = lastByIdentity([
    ...fromDefaults(defaults?.clusterRoleBindings),
    ...bindingFromInput(inventory.clusterRoleBindings, 'ClusterRoleBinding'),
  ]);
  const bindingObjects = lastByIdentity([
    ...fromDefaults(defaults?.roleBindings),
    ...bindingFromInput(inventory.roleBindings, 'RoleBinding'),
  ]);

  const aggregatable: AggregatableClusterRole[] = clusterRoleObjects.map(({ object }) => ({
    name: object.metadata.name ?? '',
    labels: isRecord(object.metadata.labels) ? object.metadata.labels : {},
    rules: rulesOf(object),
    aggregationRule: isRecord(object.aggregationRule) ? object.aggregationRule : undefined,
  }));
  const effectiveRules = aggregateClusterRoles(aggregatable);

  const clusterRoles = new Map<string, RoleRecord>();
  for (const { object, defaultRbac, unchanged } of clusterRoleObjects) {
    const name = object.metadata.name ?? '';
    const unchangedDefault = defaultRbac && unchanged !== false;
    clusterRoles.set(name, { view: { kind: 'ClusterRole', name }, rules: effectiveRules.get(name) ?? [], defaultRbac, unchangedDefault });
  }
  const roles = new Map<string, RoleRecord>();
  for (const { object, defaultRbac, unchanged } of roleObjects) {
    const name = object.metadata.name ?? '';
    const namespace = object.metadata.namespace ?? '';
    const unchangedDefault = defaultRbac && unchanged !== false;
    roles.set(`${namespace}/${name}`, { view: { kind: 'Role', name, namespace }, rules: rulesOf(object), defaultRbac, unchangedDefault });
  }

  const warnings: ModelWarning[] = [];
  const warn = (message: string, namespace: string | undefined) =>
    warnings.push(namespace === undefined ? { message } : { message, namespace });
  // A role that was not read (a cluster list we may not make) is not missing: what its bindings grant is unknown.
  const coverage = inventory.coverage;
  const roleRead = (kind: string, namespace: string | undefined) =>
    kind === 'ClusterRole'
      ? coverage.covers(rbacGroup, 'ClusterRole')
      : kind !== 'Role' || namespace === undefined || coverage.covers(rbacGroup, 'Role', namespace);
  const unread = { bindings: 0, kinds: new Set<string>() };
  const bindings: BindingRecord[] = [];
  const resolve = (sourced: Sourced<RoleBinding>, kind: 'RoleBinding' | 'ClusterRoleBinding'): BindingRecord => {
    const { object, defaultRbac } = sourced;
    const name = object.metadata.name ?? '';
    const namespace = kind === 'RoleBinding' ? (object.metadata.namespace ?? '') : undefined;
    const view: BindingRefView = namespace === undefined ? { kind, name } : { kind, name, namespace };
    const roleRef = { kind: String(object.roleRef?.kind ?? ''), name: String(object.roleRef?.name ?? '') };
    // The authorizer looks a Role up in the binding's namespace; a ClusterRoleBinding has none, so a
    // ClusterRoleBinding to a Role never grants anything.
    const role =
      roleRef.kind === 'ClusterRole'
        ? clusterRoles.get(roleRef.name)
        : roleRef.kind === 'Role' && namespace
          ? roles.get(`${namespace}/${roleRef.name}`)
          : undefined;
    const label = namespace === undefined ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
    // A default binding too: Kubernetes' own bindings grant what their (unread) roles hold.
    const roleUnread = !role && !roleRead(roleRef.kind, namespace);
    if (roleUnread && !defaultRbac) {
      unread.bindings += 1;
      unread.kinds.add(`${roleRef.kind}s`);
    } else if (!role && !defaultRbac)
      warn(`${label} refers to ${roleRef.kind || 'a role'} ${roleRef.name}, which does not exist: it grants nothing`, namespace);
    const subjects: SubjectRef[] = [];
    for (const subject of Array.isArray(object.subjects) ? object.subjects : []) {
      const normalized = normalizeSubject(subject, namespace);
      if (normalized) subjects.push(normalized);
      else if (!defaultRbac && isRecord(subject) && subject.kind === 'ServiceAccount') {
        warn(`${label} names ServiceAccount ${String(subject.name)} without a namespace: it matches nobody`, namespace);
      }
    }
    return {
      view,
      order: bindings.length,
      ...(namespace === undefined ? {} : { namespace }),
      roleRef,
      role,
      roleUnread,
      subjects,
      defaultRbac,
    };
  };
  for (const sourced of clusterBindingObjects) bindings.push(resolve(sourced, 'ClusterRoleBinding'));
  for (const sourced of bindingObjects) bindings.push(resolve(sourced, 'RoleBinding'));
  if (unread.bindings > 0) {
    warnings.push({
      message: `what ${unread.bindings} binding(s) grant is unknown: the ${[...unread.kinds].sort().join(' and ')} they refer to could not be read`,
      unreadRoles: true,
    });
  }

  const bindingsBySubject = new Map<string, BindingRecord[]>();
  for (const binding of bindings) {
    const keys = new Set(binding.subjects.map(subjectIndexKey));
    for (const key of keys) {
      const list = bindingsBySubject.get(key);
      if (list) list.push(binding);
      else bindingsBySubject.set(key, [binding]);
    }
  }

  return {
    clusterRoles,
    roles,
    bindings,
    bindingsBySubject,
    serviceAccounts: knownServiceAccounts(inventory, bindings),
    serviceAccountExists: escalationExistence(inventory),
    defaultRbacVersion: defaults?.kubernetesVersion,
    rbacGap: (kind, namespace) => coverage.gap(rbacGroup, kind, namespace),
    warnings,
    riskFacts: options.riskFacts ?? noRiskFacts,
  };
}

function rulesOf(object: Role | ClusterRole): readonly PolicyRule[] {
  return Array.isArray(object.rules) ? object.rules.filter(isRecord) : [];
}

function lastByIdentity<T extends KubeObject>(items: readonly Sourced<T>[]): Sourced<T>[] {
  const byIdentity = new Map<string, Sourced<T>>();
  for (const item of items) {
    const key = `${item.object.metadata.namespace ?? ''}/${item.object.metadata.name ?? ''}`;
    byIdentity.delete(key);
    byIdentity.set(key, item);
  }
  return [...byIdentity.values()];
}

/**
 * `appliesToUser` in the RBAC rule resolver switches on the exact (case-sensitive) kind; a ServiceAccount
 * subject without a namespace takes the RoleBinding's, and in a ClusterRoleBinding matches nobody.
 */
function normalizeSubject(subject: unknown, bindingNamespace: string | undefined): SubjectRef | undefined {
  if (!isRecord(subject) || typeof subject.name !== 'string') return undefined;
  const name = subject.name;
  if (subject.kind === 'User' || subject.kind === 'Group') return { kind: subject.kind, name };
  if (subject.kind !== 'ServiceAccount') return undefined;
  const namespace = typeof subject.namespace === 'string' && subject.namespace !== '' ? subject.namespace : (bindingNamespace ?? '');
  return namespace === '' ? undefined : { kind: 'ServiceAccount', name, namespace };
}

/** ServiceAccounts of the input, those bindings name, those workloads run as, and each namespace's `default`. */
function knownServiceAccounts(inventory: Inventory, bindings: readonly BindingRecord[]): SubjectRef[] {
  const found = new Map<string, SubjectRef>();
  const add = (namespace: string, name: string) => found.set(`${namespace}/${name}`, { kind: 'ServiceAccount', name, namespace });
  for (const entry of inventory.serviceAccounts) add(entry.ref.namespace ?? 'default', entry.ref.name);
  for (const workload of inventory.workloads) add(workload.namespace, workload.serviceAccountName);
  for (const namespace of inventory.namespaceNames()) add(namespace, 'default');
  for (const binding of bindings) {
    if (binding.defaultRbac && binding.role === undefined) continue;
    for (const subject of binding.subjects) if (subject.kind === 'ServiceAccount') add(subject.namespace ?? '', subject.name);
  }
  return [...found.values()].sort(compareSubjects);
}

const kindOrder: Record<SubjectRef['kind'], number> = { ServiceAccount: 0, User: 1, Group: 2 };

/** ServiceAccounts first, then Users, then Groups; by namespace, then name. */
export function compareSubjects(a: SubjectRef, b: SubjectRef): number {
  return kindOrder[a.kind] - kindOrder[b.kind] || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function escalationExistence(inventory: Inventory): (namespace: string, name: string) => Existence {
  const existence = serviceAccountExistence(inventory);
  return inventory.coverage.wholeWorld ? (namespace, name) => existence(namespace, name) ?? true : existence;
}
