import type { InventoryEntry } from '../../inventory/inventory.js';
import type { ObjectMeta, PolicyRule, RoleBinding } from '../../inventory/kube-object.js';
import { isRecord } from '../../inventory/kube-object.js';
import type { ScanContext } from './scan-context.js';

export interface BindingSubjectView {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | null;
  readonly apiGroup: string | null;
  /** For ServiceAccount subjects: whether it exists (null: cannot tell from the input) and if it is a default SA. */
  readonly serviceAccount: { readonly exists: boolean | null; readonly implicit: boolean; readonly isDefault: boolean } | null;
}

/**
 * The `Binding` derived document (schema: policies/targets/binding.schema.json): a RoleBinding or
 * ClusterRoleBinding with its subjects resolved against the inventory and what its role grants.
 */
export interface BindingDocument {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'Binding';
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string | null; readonly name: string };
  readonly metadata: ObjectMeta;
  readonly bindingKind: string;
  /** One of Kubernetes' own default (bootstrap) bindings, unchanged (see kubernetes-defaults.ts). */
  readonly kubernetesDefault: boolean;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly role: {
    /** True when the rules are known (role in the input, or from the RBAC engine's default roles). */
    readonly known: boolean;
    readonly ruleCount: number;
    /** Resources the role grants that are cluster-scoped (`*` counts); empty when none. */
    readonly clusterScopedResources: readonly string[];
    /** Resources whose scope nothing tells (a custom resource whose CRD is not in the input, nor in discovery). */
    readonly unknownScopeResources: readonly string[];
    readonly grantsNonResourceURLs: boolean;
    /**
     * True when every granted resource is known to be namespaced, so a RoleBinding could grant the same; null
     * when the rules are unknown or some resource's scope is (never assumed namespaced).
     */
    readonly onlyNamespacedResources: boolean | null;
  };
  readonly subjects: readonly BindingSubjectView[];
  readonly onlyServiceAccountSubjects: boolean;
  /** Distinct namespaces of the ServiceAccount subjects (their pods can only run there). */
  readonly serviceAccountNamespaces: readonly string[];
  /**
   * The offending subjects, named, so that messages quote exactly what is wrong rather than every
   * subject: `namespace/name` of ServiceAccount subjects that are a namespace's `default` …
   */
  readonly defaultServiceAccounts: readonly string[];
  /** … `namespace/name` of ServiceAccount subjects known not to exist (exists is false) … */
  readonly missingServiceAccounts: readonly string[];
  /** … and Group subjects that hold every ServiceAccount, every authenticated user or anonymous users. */
  readonly broadGroups: readonly string[];
  /** The groups of ServiceAccounts among them: `system:serviceaccounts` and `system:serviceaccounts:<namespace>`. */
  readonly serviceAccountGroups: readonly string[];
  /** Subjects that are anyone at all: `User system:anonymous`, `Group system:unauthenticated`, `Group system:authenticated`. */
  readonly everyoneSubjects: readonly string[];
  /** Users and groups named one by one (`User alice`, `Group ops`): neither ServiceAccounts nor the broad groups. */
  readonly namedUsersAndGroups: readonly string[];
  /** Where the binding grants, in words: "in every namespace, including kube-system" or "in namespace a". */
  readonly scope: string;
}

/**
 * Groups whose members nobody chose one by one: every ServiceAccount (of the cluster or of a namespace),
 * every authenticated identity, every anonymous request.
 */
export const broadGroupPattern = /^system:(serviceaccounts(:.+)?|authenticated|unauthenticated)$/;
const serviceAccountGroupPattern = /^system:serviceaccounts(:.+)?$/;

/** Anyone at all: anonymous requests, or every identity that signed in (ServiceAccounts included). */
function isEveryone(subject: BindingSubjectView): boolean {
  return (
    (subject.kind === 'User' && subject.name === 'system:anonymous') ||
    (subject.kind === 'Group' && (subject.name === 'system:unauthenticated' || subject.name === 'system:authenticated'))
  );
}

export function buildBindingDocument(entry: InventoryEntry<RoleBinding>, context: ScanContext): BindingDocument {
  const binding = entry.object;
  const bindingNamespace = entry.ref.kind === 'RoleBinding' ? entry.ref.namespace : undefined;
  const subjects: BindingSubjectView[] = (Array.isArray(binding.subjects) ? binding.subjects : []).filter(isRecord).map((subject) => {
    const kind = String(subject.kind ?? '');
    const name = String(subject.name ?? '');
    const namespace =
      typeof subject.namespace === 'string' ? subject.namespace : kind === 'ServiceAccount' ? (bindingNamespace ?? null) : null;
    const serviceAccount =
      kind === 'ServiceAccount' && namespace !== null
        ? {
            exists: context.serviceAccountExists(namespace, name),
            implicit: name === 'default' && context.findServiceAccount(namespace, name) === undefined,
            isDefault: name === 'default',
          }
        : null;
    return { kind, name, namespace, apiGroup: typeof subject.apiGroup === 'string' ? subject.apiGroup : null, serviceAccount };
  });
  const roleRef = { kind: String(binding.roleRef?.kind ?? ''), name: String(binding.roleRef?.name ?? '') };
  const rules = context.roleRules(binding.roleRef ?? {}, bindingNamespace);
  const saNamespaces = [
    ...new Set(subjects.filter((subject) => subject.kind === 'ServiceAccount').map((subject) => subject.namespace ?? '')),
  ].sort();
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'Binding',
    object: { apiVersion: entry.ref.apiVersion, kind: entry.ref.kind, namespace: entry.ref.namespace ?? null, name: entry.ref.name },
    metadata: binding.metadata,
    bindingKind: entry.ref.kind,
    kubernetesDefault: context.isKubernetesDefaultBinding(entry),
    roleRef,
    role: roleView(rules, context),
    subjects,
    onlyServiceAccountSubjects: subjects.length > 0 && subjects.every((subject) => subject.kind === 'ServiceAccount'),
    serviceAccountNamespaces: saNamespaces,
    defaultServiceAccounts: serviceAccountNames(subjects.filter((subject) => subject.serviceAccount?.isDefault === true)),
    missingServiceAccounts: serviceAccountNames(subjects.filter((subject) => subject.serviceAccount?.exists === false)),
    broadGroups: [
      ...new Set(
        subjects.filter((subject) => subject.kind === 'Group' && broadGroupPattern.test(subject.name)).map((subject) => subject.name),
      ),
    ],
    serviceAccountGroups: [
      ...new Set(
        subjects
          .filter((subject) => subject.kind === 'Group' && serviceAccountGroupPattern.test(subject.name))
          .map((subject) => subject.name),
      ),
    ],
    everyoneSubjects: [...new Set(subjects.filter(isEveryone).map((subject) => `${subject.kind} ${subject.name}`))],
    namedUsersAndGroups: [
      ...new Set(
        subjects
          .filter(
            (subject) =>
              (subject.kind === 'User' || subject.kind === 'Group') && !isEveryone(subject) && !broadGroupPattern.test(subject.name),
          )
          .map((subject) => `${subject.kind} ${subject.name}`),
      ),
    ],
    scope: bindingNamespace === undefined ? 'in every namespace, including kube-system' : `in namespace ${bindingNamespace}`,
  };
}

function serviceAccountNames(subjects: readonly BindingSubjectView[]): string[] {
  return [...new Set(subjects.map((subject) => `${subject.namespace ?? ''}/${subject.name}`))];
}

function roleView(rules: readonly PolicyRule[] | undefined, context: ScanContext): BindingDocument['role'] {
  if (!rules)
    return {
      known: false,
      ruleCount: 0,
      clusterScopedResources: [],
      unknownScopeResources: [],
      grantsNonResourceURLs: false,
      onlyNamespacedResources: null,
    };
  const scopeOf = context.options.rbac?.resourceScope;
  const clusterScoped = new Set<string>();
  const unknown = new Set<string>();
  let nonResource = false;
  for (const rule of rules) {
    if (Array.isArray(rule.nonResourceURLs) && rule.nonResourceURLs.length > 0) nonResource = true;
    const groups = Array.isArray(rule.apiGroups) ? rule.apiGroups.map(String) : [];
    for (const resource of Array.isArray(rule.resources) ? rule.resources.map(String) : []) {
      const base = resource.split('/')[0] ?? '';
      if (base === '*') {
        clusterScoped.add(resource);
        continue;
      }
      for (const group of groups) {
        const label = group === '' || group === '*' ? resource : `${resource}.${group}`;
        const namespaced = scopeOf?.(group, base);
        if (namespaced === false) clusterScoped.add(label);
        else if (namespaced === undefined) unknown.add(label);
      }
    }
  }
  return {
    known: true,
    ruleCount: rules.length,
    clusterScopedResources: [...clusterScoped].sort(),
    unknownScopeResources: [...unknown].sort(),
    grantsNonResourceURLs: nonResource,
    onlyNamespacedResources: clusterScoped.size > 0 || nonResource ? false : unknown.size > 0 ? null : true,
  };
}
