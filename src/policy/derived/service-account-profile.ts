import type { InventoryEntry } from '../../inventory/inventory.js';
import type { ObjectMeta, RoleBinding, ServiceAccount } from '../../inventory/kube-object.js';
import { describeEscalation, describeEscalationRoutes } from '../../rbac/escalation-text.js';
import type { RiskFactTraits } from '../../rbac/risk-facts.js';
import type { Grant, RiskFact, RiskFactId, ServiceAccountRbac } from '../../rbac/types.js';
import type { ProfileUsage } from '../../usage/profile-usage.js';
import type { AutomountDecidedBy } from '../effective-automount.js';
import { workloadIdentityOf, type WorkloadIdentityAnnotation } from './cloud-identity.js';
import { lazy } from './lazy.js';
import { legacyTokenLastUsedAnnotation, type ScanContext } from './scan-context.js';
import type { StaticCredentialView, WorkloadDocument } from './workload-document.js';

export interface ProfileWorkload {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly tokenMounted: boolean | null;
  readonly automountDecidedBy: AutomountDecidedBy;
  readonly staticCloudCredentials: readonly StaticCredentialView[];
}

export interface LegacyTokenView {
  readonly name: string;
  readonly lastUsed: string | null;
  readonly daysSinceLastUsed: number | null;
}

export interface ProfileRbac {
  /** False when no RBAC model was built for this scan: the facts below are then empty, not "none". */
  readonly evaluated: boolean;
  /** True when the SA holds nothing beyond what every authenticated identity holds; null when not evaluated. */
  readonly baselineOnly: boolean | null;
  readonly rules: readonly {
    readonly verbs: readonly string[];
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly resourceNames: readonly string[];
    readonly nonResourceURLs: readonly string[];
    readonly namespace: string | null;
    readonly role: string;
    readonly binding: string;
    /** The binding is one of Kubernetes' own default bindings. */
    readonly defaultRbac: boolean;
    /** The role is one of Kubernetes' built-in roles (cluster-admin, view…), whoever binds it. */
    readonly builtInRole: boolean;
  }[];
  readonly facts: readonly {
    readonly id: RiskFactId;
    readonly namespace: string | null;
    readonly detail: string;
    readonly bindings: readonly string[];
    /** The names every grant is limited to (resourceNames); empty when some grant allows any name. */
    readonly resourceNames: readonly string[];
  }[];
  readonly factIds: readonly RiskFactId[];
  /** Facts that hold cluster-wide (through ClusterRoleBindings). */
  readonly clusterFactIds: readonly RiskFactId[];
  /** Facts that hold in one or more namespaces only (through RoleBindings). */
  readonly namespacedFactIds: readonly RiskFactId[];
  /** One readable line per fact id, for messages: "cluster-wide: get, list secrets (ClusterRoleBinding/x)". */
  readonly factSummaries: Readonly<Partial<Record<RiskFactId, string>>>;
  /**
   * Facts this SA can gain by becoming other ServiceAccounts (pod create, token create, impersonation),
   * over any number of hops: what the targets of `escalations` hold that it does not, from the
   * escalation graph (cheap for every SA of a scan). Only through ServiceAccounts known to exist (or that
   * it may create); where others were not read, the scan counts the SA as unknown.
   */
  readonly escalationFactIds: readonly RiskFactId[];
  /** Per fact id: where it holds, in words and as data, what implies it, and which grants name their Secrets. */
  readonly byFact: Readonly<Record<RiskFactId, FactView>>;
  /**
   * Where any of some facts holds, in words: `scopeOf['escalate|bind|impersonate']` is the widest scope of
   * those held ("in every namespace, including kube-system" if one is cluster-wide), for messages of
   * rules about several facts; a single id works too.
   */
  readonly scopeOf: Readonly<Record<string, string>>;
  /** How it can act as other ServiceAccounts (pods, tokens, impersonation), from its own grants; null when it cannot. */
  readonly escalationRoutes: string | null;
  /** `escalationFactIds` for messages: one root cause, so "cluster-admin (every other right follows from it)"; null when none. */
  readonly escalationGains: string | null;
  /** The escalation paths in words, most dangerous first (at most five, then how many more); null when none. Walks them when read. */
  readonly escalationSummary: string | null;
  /** The paths themselves, one per target that adds something: a walk from this SA, made when read. */
  readonly escalations: readonly { readonly target: string; readonly hops: number; readonly targetFacts: readonly RiskFactId[] }[];
}

/** Where a fact holds, as data and in words. */
export interface FactScope {
  /** "in every namespace, including kube-system", "cluster-wide" (cluster-scoped resources), "in namespace a", "in namespaces a and b". */
  readonly scope: string;
  readonly clusterWide: boolean;
  /** Namespaces where it holds through RoleBindings (beyond cluster-wide). */
  readonly namespaces: readonly string[];
}

export interface FactView extends FactScope {
  /** The fact that implies this one wherever it holds (cluster-admin), so findings about it share that root cause; else null. */
  readonly impliedBy: RiskFactId | null;
  /** Where some grant allows any name; null when every grant is limited by resourceNames. */
  readonly unrestricted: FactScope | null;
  /** Where every grant is limited by resourceNames, with the names; null when none is. */
  readonly nameRestricted: (FactScope & { readonly names: readonly string[] }) | null;
  /** The same line as `factSummaries`: scopes, verbs, resources and the bindings that grant them. */
  readonly summary: string;
  /** For a fact that implies others where it holds (cluster-admin): the other facts held there, by id. */
  readonly implies: readonly RiskFactId[];
  /** The same as a sentence for messages ("Everything … follows from it …: can read Secrets; …"); null when none. */
  readonly impliesSummary: string | null;
}

/**
 * The `ServiceAccountProfile` derived document (schema: policies/targets/service-account-profile.schema.json):
 * one ServiceAccount, declared or the implicit `default` of a namespace, with who runs as it, what it
 * can do and which long-lived tokens it has.
 */
export interface ServiceAccountProfileDocument {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'ServiceAccountProfile';
  readonly object: { readonly apiVersion: 'v1'; readonly kind: 'ServiceAccount'; readonly namespace: string; readonly name: string };
  readonly metadata: ObjectMeta;
  /** The ServiceAccount object as read; for an implicit SA, the object the control plane creates. */
  readonly serviceAccount: ServiceAccount;
  /** True when the input declares this ServiceAccount. */
  readonly declared: boolean;
  /** True for a namespace's `default` SA that the input does not declare (the control plane creates it). */
  readonly implicit: boolean;
  /**
   * True when declared or implicit; null for a ServiceAccount that bindings or workloads name in a
   * namespace whose ServiceAccounts are not in the input (installed elsewhere, e.g. with `-n`): its
   * rights are still judged, since whoever holds that name gets them.
   */
  readonly exists: boolean | null;
  readonly isDefault: boolean;
  /**
   * True when every binding that names this ServiceAccount itself (not one of its groups) is one of
   * Kubernetes' own default bindings, unchanged, and there is one: a control-plane identity such as
   * kube-system/deployment-controller, whose rights the API server maintains.
   */
  readonly kubernetesDefault: boolean;
  readonly automountServiceAccountToken: boolean | null;
  /** The same in words: "does not set automountServiceAccountToken (Kubernetes then mounts the token)", "sets … true". */
  readonly automountSetting: string;
  readonly workloadIdentity: readonly WorkloadIdentityAnnotation[];
  readonly workloads: readonly ProfileWorkload[];
  /** The workloads as `Kind/name`, comma-joined; null when none runs as it. */
  readonly workloadList: string | null;
  /** The same as a sentence for explanations ("Running as it: Deployment/cart, CronJob/report."); null when none. */
  readonly runningAs: string | null;
  /** True when a token reaches any of its workloads' pods; null when none is known to and one is unknown. */
  readonly anyWorkloadGetsToken: boolean | null;
  /** For workload identity: what stops it working, in words (no token reaches the pods, static keys beside it); null when nothing. */
  readonly workloadIdentityProblems: string | null;
  /** Long-lived cloud credentials in the env of pods that run as this SA. */
  readonly staticCloudCredentials: readonly { readonly workload: string; readonly container: string; readonly env: string }[];
  readonly legacyTokenSecrets: readonly LegacyTokenView[];
  readonly bindings: readonly {
    readonly kind: string;
    readonly name: string;
    readonly namespace: string | null;
    readonly roleRef: string;
  }[];
  readonly rbac: ProfileRbac;
  /** From the audit log (usage/profile-usage.ts); absent when the scan was given none. */
  readonly usage?: ProfileUsage;
}

export function buildServiceAccountProfile(
  namespace: string,
  name: string,
  entry: InventoryEntry<ServiceAccount> | undefined,
  workloadDocuments: readonly WorkloadDocument[],
  context: ScanContext,
): ServiceAccountProfileDocument {
  const serviceAccount: ServiceAccount = entry?.object ?? { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
  const automount = serviceAccount.automountServiceAccountToken;
  const workloads = workloadDocuments.map((document) => ({
    ...document.object,
    tokenMounted: document.tokenMounted,
    automountDecidedBy: document.automount.decidedBy,
    staticCloudCredentials: document.staticCloudCredentials,
  }));
  const rbac = context.options.rbac?.serviceAccount(namespace, name);
  // In a cluster whose ServiceAccounts of this namespace were not read, `default` exists but what it sets is unknown.
  const implicit = entry === undefined && name === 'default' && context.serviceAccountKnown(namespace, name);
  const exists = entry !== undefined || name === 'default' ? true : context.serviceAccountExists(namespace, name);
  return new ServiceAccountProfile(
    {
      object: { apiVersion: 'v1', kind: 'ServiceAccount', namespace, name },
      metadata: serviceAccount.metadata,
      serviceAccount,
      declared: entry !== undefined,
      implicit,
      exists,
      isDefault: name === 'default',
      automountServiceAccountToken: typeof automount === 'boolean' ? automount : null,
      automountSetting: automountSetting(automount, entry !== undefined, implicit, exists),
      workloadIdentity: workloadIdentityOf(serviceAccount.metadata.annotations),
      workloads,
      workloadList: workloads.length === 0 ? null : workloads.map((workload) => `${workload.kind}/${workload.name}`).join(', '),
      runningAs:
        workloads.length === 0 ? null : `Running as it: ${workloads.map((workload) => `${workload.kind}/${workload.name}`).join(', ')}.`,
      anyWorkloadGetsToken: workloads.some((workload) => workload.tokenMounted === true)
        ? true
        : workloads.some((workload) => workload.tokenMounted === null)
          ? null
          : false,
      workloadIdentityProblems: identityProblems(workloads),
      staticCloudCredentials: workloads.flatMap((workload) =>
        workload.staticCloudCredentials.map((credential) => ({
          workload: `${workload.kind}/${workload.name}`,
          container: credential.container,
          env: credential.env,
        })),
      ),
      legacyTokenSecrets: context
        .legacyTokensOf(namespace, name)
        .map((secret) => legacyTokenView(secret.ref.name, secret.object.metadata, context.options.now)),
      rbac: rbac ? new ProfileRbacView(rbac, context) : notEvaluated,
      ...(context.options.usage ? { usage: context.options.usage(namespace, name) } : {}),
    },
    context,
    rbac,
  );
}

type EagerProfileFields = Omit<ServiceAccountProfileDocument, 'apiVersion' | 'kind' | 'kubernetesDefault' | 'bindings'>;

/**
 * The document, with the parts that need the SA's RBAC answer (kubernetesDefault, bindings and most of
 * `rbac`) computed when a rule or a message first reads them. Classes rather than object literals with
 * getters: V8 builds those slowly, and a 10,000-SA scan builds 10,000 of each. Parts are computed from the
 * fields the instance holds, with no closure per part: findings keep their documents to the end of the scan,
 * and a closure with its context per lazy part cost ~700 bytes a profile. toJSON() gives every part.
 */
class ServiceAccountProfile implements ServiceAccountProfileDocument {
  readonly apiVersion = 'kubectl-sa.dev/v1';
  readonly kind = 'ServiceAccountProfile';
  readonly object: ServiceAccountProfileDocument['object'];
  readonly metadata: ObjectMeta;
  readonly serviceAccount: ServiceAccount;
  readonly declared: boolean;
  readonly implicit: boolean;
  readonly exists: boolean | null;
  readonly isDefault: boolean;
  readonly automountServiceAccountToken: boolean | null;
  readonly automountSetting: string;
  readonly workloadIdentity: readonly WorkloadIdentityAnnotation[];
  readonly workloads: readonly ProfileWorkload[];
  readonly workloadList: string | null;
  readonly runningAs: string | null;
  readonly anyWorkloadGetsToken: boolean | null;
  readonly workloadIdentityProblems: string | null;
  readonly staticCloudCredentials: ServiceAccountProfileDocument['staticCloudCredentials'];
  readonly legacyTokenSecrets: readonly LegacyTokenView[];
  readonly rbac: ProfileRbac;
  // Declared, not defined: a scan without an audit log has no `usage` key at all (rules test its presence).
  declare readonly usage?: ProfileUsage;
  readonly #context: ScanContext;
  readonly #rbac: ServiceAccountRbac | undefined;
  #kubernetesDefault: boolean | undefined;
  #bindings: ServiceAccountProfileDocument['bindings'] | undefined;

  constructor(fields: EagerProfileFields, context: ScanContext, rbac: ServiceAccountRbac | undefined) {
    this.object = fields.object;
    this.metadata = fields.metadata;
    this.serviceAccount = fields.serviceAccount;
    this.declared = fields.declared;
    this.implicit = fields.implicit;
    this.exists = fields.exists;
    this.isDefault = fields.isDefault;
    this.automountServiceAccountToken = fields.automountServiceAccountToken;
    this.automountSetting = fields.automountSetting;
    this.workloadIdentity = fields.workloadIdentity;
    this.workloads = fields.workloads;
    this.workloadList = fields.workloadList;
    this.runningAs = fields.runningAs;
    this.anyWorkloadGetsToken = fields.anyWorkloadGetsToken;
    this.workloadIdentityProblems = fields.workloadIdentityProblems;
    this.staticCloudCredentials = fields.staticCloudCredentials;
    this.legacyTokenSecrets = fields.legacyTokenSecrets;
    this.rbac = fields.rbac;
    if (fields.usage) this.usage = fields.usage;
    this.#context = context;
    this.#rbac = rbac;
  }

  /** From the SA's grants and bindings: RBAC rules match on it; other rules never look. */
  get kubernetesDefault(): boolean {
    this.#kubernetesDefault ??= this.#rbac
      ? sharedViews(this.#rbac, this.#context).kubernetesDefault()
      : onlyKubernetesDefaultBindings(this.object.namespace, this.object.name, undefined, this.#context);
    return this.#kubernetesDefault;
  }

  get bindings(): ServiceAccountProfileDocument['bindings'] {
    this.#bindings ??= this.#rbac
      ? sharedViews(this.#rbac, this.#context).bindings()
      : bindingsOf(this.object.namespace, this.object.name, undefined, this.#context);
    return this.#bindings;
  }

  toJSON(): ServiceAccountProfileDocument {
    return {
      apiVersion: this.apiVersion,
      kind: this.kind,
      object: this.object,
      metadata: this.metadata,
      serviceAccount: this.serviceAccount,
      declared: this.declared,
      implicit: this.implicit,
      exists: this.exists,
      isDefault: this.isDefault,
      kubernetesDefault: this.kubernetesDefault,
      automountServiceAccountToken: this.automountServiceAccountToken,
      automountSetting: this.automountSetting,
      workloadIdentity: this.workloadIdentity,
      workloads: this.workloads,
      workloadList: this.workloadList,
      runningAs: this.runningAs,
      anyWorkloadGetsToken: this.anyWorkloadGetsToken,
      workloadIdentityProblems: this.workloadIdentityProblems,
      staticCloudCredentials: this.staticCloudCredentials,
      legacyTokenSecrets: this.legacyTokenSecrets,
      bindings: this.bindings,
      rbac: this.rbac,
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }
}

/** Gained facts for a message: a fact that implies the others (cluster-admin) stands for them, as in RBAC001. */
function gainsInWords(ids: readonly RiskFactId[], traitsOf: TraitsOf | undefined): string | null {
  if (ids.length === 0) return null;
  const implying = ids.filter((id) => traitsOf?.(id)?.impliesOtherFacts);
  if (implying.length === 0) return ids.join(', ');
  // Facts no resource wildcard grants (non-resource URLs) do not follow from it.
  const apart = ids.filter((id) => !implying.includes(id) && traitsOf?.(id)?.aboutResources === false);
  return `${[...implying, ...apart].join(', ')} (every other right follows from ${implying.length === 1 ? 'it' : 'them'})`;
}

/** automountServiceAccountToken in words; what a ServiceAccount that was not read sets is unknown, not unset. */
function automountSetting(automount: unknown, declared: boolean, implicit: boolean, exists: boolean | null): string {
  if (typeof automount === 'boolean') return `sets automountServiceAccountToken: ${String(automount)}`;
  if (declared) return 'does not set automountServiceAccountToken (Kubernetes then mounts the token)';
  if (implicit) return 'is created by the control plane without automountServiceAccountToken (Kubernetes then mounts the token)';
  if (exists === false) return 'does not exist: no ServiceAccount of this name is in the input';
  return 'was not read, so whether it sets automountServiceAccountToken is unknown';
}

function identityProblems(workloads: readonly ProfileWorkload[]): string | null {
  const problems: string[] = [];
  // Only when every workload is known to get no token: one whose ServiceAccount was not read may get one.
  if (workloads.length > 0 && workloads.every((workload) => workload.tokenMounted === false))
    problems.push(
      `no ServiceAccount token reaches the pods of ${workloads.map((w) => `${w.kind}/${w.name}`).join(', ')}, so the cloud cannot tell who asks`,
    );
  const keys = workloads.flatMap((workload) =>
    workload.staticCloudCredentials.map(
      (credential) => `${workload.kind}/${workload.name} container ${credential.container} env ${credential.env}`,
    ),
  );
  if (keys.length > 0) problems.push(`static cloud credentials sit beside it: ${keys.join(', ')}`);
  return problems.length === 0 ? null : problems.join('; ');
}

export function legacyTokenView(name: string, metadata: ObjectMeta, now: Date): LegacyTokenView {
  // The API server records it as a label (pkg/serviceaccount/legacy.go); older tooling wrote an annotation.
  const lastUsed = metadata.labels?.[legacyTokenLastUsedAnnotation] ?? metadata.annotations?.[legacyTokenLastUsedAnnotation];
  if (typeof lastUsed !== 'string') return { name, lastUsed: null, daysSinceLastUsed: null };
  const when = Date.parse(lastUsed);
  const days = Number.isNaN(when) ? null : Math.floor((now.getTime() - when) / 86_400_000);
  return { name, lastUsed, daysSinceLastUsed: days };
}

function factSummaries(
  rbac: ServiceAccountRbac,
  name: (ref: { kind: string; name: string; namespace?: string }) => string,
): Partial<Record<RiskFactId, string>> {
  const lines = new Map<RiskFactId, string[]>();
  for (const fact of rbac.facts) {
    // The detail already ends with where it holds ("… in every namespace, including kube-system").
    const via = [...new Set(fact.grants.map((grant) => name(grant.binding)))].join(', ');
    const list = lines.get(fact.id) ?? [];
    list.push(`${fact.detail} (via ${via})`);
    lines.set(fact.id, list);
  }
  // Each summary names its fact and ends a sentence, so templates can string several together.
  return Object.fromEntries([...lines].map(([id, list]) => [id, `[${id}] ${list.join('; ')}.`]));
}

function onlyKubernetesDefaultBindings(
  namespace: string,
  name: string,
  rbac: ServiceAccountRbac | undefined,
  context: ScanContext,
): boolean {
  const inputDefault = (entry: InventoryEntry<RoleBinding>) => context.isKubernetesDefaultBinding(entry);
  if (!rbac) {
    const naming = context.bindingsNaming(namespace, name);
    return naming.length > 0 && naming.every(inputDefault);
  }
  const direct = rbac.grants.filter((grant) => grant.via.kind === 'ServiceAccount').map((grant) => grant.binding);
  return (
    direct.length > 0 &&
    direct.every((binding) => {
      const entry = context.inventory.find('rbac.authorization.k8s.io', binding.kind, binding.namespace, binding.name) as
        InventoryEntry<RoleBinding> | undefined;
      // Not in the input: it is from the shipped default RBAC the model added.
      return entry === undefined || inputDefault(entry);
    })
  );
}

function bindingsOf(
  namespace: string,
  name: string,
  rbac: ServiceAccountRbac | undefined,
  context: ScanContext,
): ServiceAccountProfileDocument['bindings'] {
  if (rbac) {
    const grantsByBinding = new Map(rbac.grants.map((grant) => [bindingKey(grant.binding), grant.role]));
    return rbac.bindings.map((binding) => {
      const object = context.inventory.find('rbac.authorization.k8s.io', binding.kind, binding.namespace, binding.name)?.object as
        RoleBinding | undefined;
      const role = grantsByBinding.get(bindingKey(binding));
      const roleRef = object?.roleRef
        ? `${object.roleRef.kind ?? ''}/${object.roleRef.name ?? ''}`
        : role
          ? `${role.kind}/${role.name}`
          : '';
      return { kind: binding.kind, name: binding.name, namespace: binding.namespace ?? null, roleRef };
    });
  }
  return context.bindingsNaming(namespace, name).map((binding) => ({
    kind: binding.ref.kind,
    name: binding.ref.name,
    namespace: binding.ref.namespace ?? null,
    roleRef: `${binding.object.roleRef?.kind ?? ''}/${binding.object.roleRef?.name ?? ''}`,
  }));
}

function bindingKey(binding: { kind: string; name: string; namespace?: string }): string {
  return `${binding.kind}/${binding.namespace ?? ''}/${binding.name}`;
}

const notEvaluated: ProfileRbac = {
  evaluated: false,
  baselineOnly: null,
  rules: [],
  facts: [],
  factIds: [],
  clusterFactIds: [],
  namespacedFactIds: [],
  factSummaries: {},
  escalationFactIds: [],
  byFact: {},
  scopeOf: {},
  escalationRoutes: null,
  escalationGains: null,
  escalationSummary: null,
  escalations: [],
};

/**
 * `rbac` of a profile: each part computed when a rule (or a message) first reads it, so a scan whose rules
 * never look at the rules list or the escalations never pays for them. All but the paths are the identity
 * class's, shared by its SAs.
 */
class ProfileRbacView implements ProfileRbac {
  readonly evaluated = true;
  readonly #rbac: ServiceAccountRbac;
  readonly #context: ScanContext;
  #views: SharedViews | undefined;
  /** Undefined until read; null is an answer (not read completely). */
  #baselineOnly: boolean | null | undefined;
  #escalationFactIds: readonly RiskFactId[] | undefined;
  #escalationGains: { readonly value: string | null } | undefined;
  #escalations: ProfileRbac['escalations'] | undefined;
  #escalationSummary: { readonly value: string | null } | undefined;

  constructor(rbac: ServiceAccountRbac, context: ScanContext) {
    this.#rbac = rbac;
    this.#context = context;
  }

  private get views(): SharedViews {
    this.#views ??= sharedViews(this.#rbac, this.#context);
    return this.#views;
  }

  /** Null where RBAC was not read completely (ScanContext.baselineOnly). */
  get baselineOnly(): boolean | null {
    if (this.#baselineOnly === undefined)
      this.#baselineOnly = this.#context.baselineOnly(this.#rbac.subject.namespace ?? '', this.#rbac.subject.name);
    return this.#baselineOnly;
  }

  get rules(): ProfileRbac['rules'] {
    return this.views.rules();
  }

  get facts(): ProfileRbac['facts'] {
    return this.views.facts();
  }

  get factIds(): readonly RiskFactId[] {
    return this.views.factIds();
  }

  get clusterFactIds(): readonly RiskFactId[] {
    return this.views.clusterFactIds();
  }

  get namespacedFactIds(): readonly RiskFactId[] {
    return this.views.namespacedFactIds();
  }

  get factSummaries(): ProfileRbac['factSummaries'] {
    return this.views.factSummaries();
  }

  get escalationFactIds(): readonly RiskFactId[] {
    // Read by several rules' match and assert and by their messages: looked up once per profile.
    this.#escalationFactIds ??= this.#context.escalationFactIds(this.#rbac.subject.namespace ?? '', this.#rbac.subject.name);
    return this.#escalationFactIds;
  }

  get byFact(): ProfileRbac['byFact'] {
    return this.views.byFact();
  }

  get scopeOf(): ProfileRbac['scopeOf'] {
    return this.views.scopeOf();
  }

  get escalationRoutes(): string | null {
    return this.views.escalationRoutes();
  }

  get escalationGains(): string | null {
    this.#escalationGains ??= { value: gainsInWords(this.escalationFactIds, this.#context.options.rbac?.riskFact) };
    return this.#escalationGains.value;
  }

  /** The paths in words: per SA, like the paths, made only when read; claims only, as `escalations`. */
  get escalationSummary(): string | null {
    this.#escalationSummary ??= { value: escalationSummaryOf(this.#certainPaths()) };
    return this.#escalationSummary.value;
  }

  /**
   * A walk from this SA over every one it can reach: made only when read. Claims only: a path through a
   * ServiceAccount whose existence was not read is left out, and the SA counted as unknown for it.
   */
  get escalations(): ProfileRbac['escalations'] {
    this.#escalations ??= this.#certainPaths().map((path) => ({
      target: `${path.target.kind}/${path.target.namespace ? `${path.target.namespace}/` : ''}${path.target.name}`,
      hops: path.hops.length,
      targetFacts: path.targetFacts,
    }));
    return this.#escalations;
  }

  /** The paths that are claims; one through a ServiceAccount that was not read is not, and makes the SA unknown. */
  #certainPaths(): ServiceAccountRbac['escalations'] {
    const paths = this.#rbac.escalations;
    if (paths.some((path) => !path.certain))
      this.#context.noteUncertainEscalations(this.#rbac.subject.namespace ?? '', this.#rbac.subject.name);
    return paths.filter((path) => path.certain);
  }

  toJSON(): ProfileRbac {
    return {
      evaluated: this.evaluated,
      baselineOnly: this.baselineOnly,
      rules: this.rules,
      facts: this.facts,
      factIds: this.factIds,
      clusterFactIds: this.clusterFactIds,
      namespacedFactIds: this.namespacedFactIds,
      factSummaries: this.factSummaries,
      escalationFactIds: this.escalationFactIds,
      byFact: this.byFact,
      scopeOf: this.scopeOf,
      escalationRoutes: this.escalationRoutes,
      escalationGains: this.escalationGains,
      escalationSummary: this.escalationSummary,
      escalations: this.escalations,
    };
  }
}

/** The parts of a profile that are the same for every SA of an identity class: built once per class and scan. */
interface SharedViews {
  readonly kubernetesDefault: () => boolean;
  readonly bindings: () => ServiceAccountProfileDocument['bindings'];
  readonly rules: () => ProfileRbac['rules'];
  readonly facts: () => ProfileRbac['facts'];
  readonly factIds: () => readonly RiskFactId[];
  readonly clusterFactIds: () => readonly RiskFactId[];
  readonly namespacedFactIds: () => readonly RiskFactId[];
  readonly factSummaries: () => ProfileRbac['factSummaries'];
  readonly byFact: () => ProfileRbac['byFact'];
  readonly scopeOf: () => ProfileRbac['scopeOf'];
  readonly escalationRoutes: () => string | null;
}

const sharedByContext = new WeakMap<ScanContext, WeakMap<readonly Grant[], SharedViews>>();

/** Keyed by the class's grants (one array per identity class, shared by its SAs' answers). */
function sharedViews(rbac: ServiceAccountRbac, context: ScanContext): SharedViews {
  let byGrants = sharedByContext.get(context);
  if (!byGrants) {
    byGrants = new WeakMap();
    sharedByContext.set(context, byGrants);
  }
  let views = byGrants.get(rbac.grants);
  if (!views) {
    const namespace = rbac.subject.namespace ?? '';
    const name = (ref: { kind: string; name: string; namespace?: string }) =>
      `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    const summaries = lazy(() => factSummaries(rbac, name));
    const byFact = lazy(() => factViews(rbac, summaries(), context.options.rbac?.riskFact));
    views = {
      kubernetesDefault: lazy(() => onlyKubernetesDefaultBindings(namespace, rbac.subject.name, rbac, context)),
      bindings: lazy(() => bindingsOf(namespace, rbac.subject.name, rbac, context)),
      rules: lazy(() =>
        rbac.grants.map((grant) => ({
          verbs: grant.rule.verbs ?? [],
          apiGroups: grant.rule.apiGroups ?? [],
          resources: grant.rule.resources ?? [],
          resourceNames: grant.rule.resourceNames ?? [],
          nonResourceURLs: grant.rule.nonResourceURLs ?? [],
          namespace: grant.namespace ?? null,
          role: name(grant.role),
          binding: name(grant.binding),
          defaultRbac: grant.defaultRbac,
          builtInRole: grant.builtInRole,
        })),
      ),
      facts: lazy(() =>
        rbac.facts.map((fact) => ({
          id: fact.id,
          namespace: fact.namespace ?? null,
          detail: fact.detail,
          bindings: [...new Set(fact.grants.map((grant) => name(grant.binding)))],
          resourceNames: fact.resourceNames,
        })),
      ),
      factIds: lazy(() => [...new Set(rbac.facts.map((fact) => fact.id))]),
      clusterFactIds: lazy(() => [...new Set(rbac.facts.filter((fact) => fact.namespace === undefined).map((fact) => fact.id))]),
      namespacedFactIds: lazy(() => [...new Set(rbac.facts.filter((fact) => fact.namespace !== undefined).map((fact) => fact.id))]),
      factSummaries: summaries,
      byFact,
      scopeOf: lazy(() => scopesOf(byFact(), context.options.rbac?.riskFact)),
      escalationRoutes: lazy(() => describeEscalationRoutes(rbac.facts)),
    };
    byGrants.set(rbac.grants, views);
  }
  return views;
}

type TraitsOf = (id: string) => RiskFactTraits | undefined;

/** "in namespace a", "in namespaces a and b", "in namespaces a, b and 3 more". */
function namespacesInWords(namespaces: readonly string[]): string {
  if (namespaces.length === 1) return `in namespace ${namespaces[0] ?? ''}`;
  const shown = namespaces.length > 5 ? [...namespaces.slice(0, 4), `${namespaces.length - 4} more`] : [...namespaces];
  return `in namespaces ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] ?? ''}`;
}

function scopeOf(facts: readonly RiskFact[], clusterScoped: boolean): FactScope {
  const clusterWide = facts.some((fact) => fact.namespace === undefined);
  const namespaces = [...new Set(facts.flatMap((fact) => (fact.namespace === undefined ? [] : [fact.namespace])))].sort();
  // Words match the scope: a cluster-wide grant of a namespaced resource reaches every namespace, kube-system's included.
  const scope = clusterWide
    ? clusterScoped
      ? 'cluster-wide'
      : 'in every namespace, including kube-system'
    : namespacesInWords(namespaces);
  return { scope, clusterWide, namespaces };
}

function factViews(
  rbac: ServiceAccountRbac,
  summaries: Partial<Record<RiskFactId, string>>,
  traitsOf: TraitsOf | undefined,
): Record<RiskFactId, FactView> {
  const byId = new Map<RiskFactId, RiskFact[]>();
  for (const fact of rbac.facts) byId.set(fact.id, [...(byId.get(fact.id) ?? []), fact]);
  // Facts that imply every other resource fact where they hold (a full wildcard): cluster-wide, or per namespace.
  const implying = rbac.facts.filter((fact) => traitsOf?.(fact.id)?.impliesOtherFacts);
  const impliedAt = (namespace: string | undefined) =>
    implying.find((fact) => fact.namespace === undefined || (namespace !== undefined && fact.namespace === namespace))?.id;
  const views: Record<RiskFactId, FactView> = {};
  for (const [id, facts] of byId) {
    const traits = traitsOf?.(id);
    const clusterScoped = traits?.clusterScoped ?? false;
    const implier =
      traits?.impliesOtherFacts || traits?.aboutResources === false ? undefined : facts.map((fact) => impliedAt(fact.namespace));
    const impliedBy = implier && implier.every((found) => found !== undefined) ? (implier[0] ?? null) : null;
    const named = facts.filter((fact) => fact.resourceNames.length > 0);
    const unnamed = facts.filter((fact) => fact.resourceNames.length === 0);
    views[id] = {
      ...scopeOf(facts, clusterScoped),
      impliedBy,
      unrestricted: unnamed.length > 0 ? scopeOf(unnamed, clusterScoped) : null,
      nameRestricted:
        named.length > 0
          ? { ...scopeOf(named, clusterScoped), names: [...new Set(named.flatMap((fact) => fact.resourceNames))].sort() }
          : null,
      summary: summaries[id] ?? '',
      implies: [],
      impliesSummary: null,
    };
  }
  // What each implying fact covers: the facts whose findings it stands for (one finding per root cause).
  for (const [id, view] of Object.entries(views)) {
    const implied = Object.entries(views)
      .filter(([, other]) => other.impliedBy === id)
      .map(([otherId]) => otherId);
    if (implied.length === 0) continue;
    // Short phrases ("read Secrets", "approve CertificateSigningRequests"): the list must fit a message.
    const phrases = implied.map((otherId) =>
      (traitsOf?.(otherId)?.summary ?? otherId)
        .replace(/^can /, '')
        .replace(/ \(.*$/, '')
        .replace(/, (so|which) .*$/, ''),
    );
    const listed = phrases.length > 1 ? `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1] ?? ''}` : (phrases[0] ?? '');
    views[id] = {
      ...view,
      implies: implied,
      impliesSummary: `Everything else the RBAC rules check follows from it and is reported here once: it can also ${listed}.`,
    };
  }
  return views;
}

/** `scopeOf['a|b']`: the widest scope of the listed facts that hold, computed when a template asks. */
function scopesOf(views: Readonly<Record<RiskFactId, FactView>>, traitsOf: TraitsOf | undefined): Readonly<Record<string, string>> {
  const wordsFor = (key: string): string | undefined => {
    const held = key.split('|').filter((id) => views[id] !== undefined);
    if (held.length === 0) return undefined;
    const facts = held.map((id) => views[id] as FactView);
    if (facts.some((fact) => fact.clusterWide)) {
      const allClusterScoped = held.filter((id) => views[id]?.clusterWide).every((id) => traitsOf?.(id)?.clusterScoped);
      return allClusterScoped ? 'cluster-wide' : 'in every namespace, including kube-system';
    }
    return namespacesInWords([...new Set(facts.flatMap((fact) => fact.namespaces))].sort());
  };
  return new Proxy(
    {},
    {
      get: (_target, key) => (typeof key === 'string' ? wordsFor(key) : undefined),
      has: (_target, key) => typeof key === 'string' && wordsFor(key) !== undefined,
      getOwnPropertyDescriptor: (_target, key) => {
        const value = typeof key === 'string' ? wordsFor(key) : undefined;
        return value === undefined ? undefined : { value, enumerable: false, configurable: true, writable: false };
      },
    },
  );
}

const criticalFirst = new Set([
  'cluster-admin',
  'system-masters',
  'escalate',
  'bind',
  'impersonate',
  'nodes-proxy',
  'csr-approve',
  'webhook-write',
]);

function escalationSummaryOf(paths: ServiceAccountRbac['escalations']): string | null {
  if (paths.length === 0) return null;
  const weight = (path: (typeof paths)[number]) => (path.targetFacts.some((id) => criticalFirst.has(id)) ? 0 : 1);
  const ordered = paths.map((path, index) => ({ path, index })).sort((a, b) => weight(a.path) - weight(b.path) || a.index - b.index);
  const shown = ordered.slice(0, 5).map(({ path }) => describeEscalation(path));
  const more = paths.length > 5 ? `; and ${paths.length - 5} more (kubectl sa permissions lists them)` : '';
  return `It ${shown.join('; ')}${more}.`;
}
