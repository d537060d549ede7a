import { Coverage } from './coverage.js';
import type { ClusterRole, KubeObject, Role, RoleBinding, Secret, ServiceAccount } from './kube-object.js';
import { isRecord } from './kube-object.js';
import { groupOf, isClusterScoped, type CustomResourceScopes } from './object-scope.js';
import { namespaceHints } from './namespace-hints.js';
import { podTemplateOf, serviceAccountNameOf, type PodTemplateView } from './workloads.js';

/** The `file` of what was read from stdin (`-f -`): no file a report could point at. */
export const STDIN_NAME = '<stdin>';

/** Where an object was read from: a file position for manifests, nothing for cluster objects. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  /** `helm template` output: the chart template named in the document's `# Source:` comment. */
  readonly template?: string;
}

/** The identity of an object as kubectl prints it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface InventoryEntry<T extends KubeObject = KubeObject> {
  readonly object: T;
  readonly ref: ObjectRef;
  readonly source?: SourceLocation;
  /** True when the document named no namespace and got `-n` (else `default`), as kubectl apply would give it. */
  readonly namespaceDefaulted?: boolean;
}

/** A document with the same identity as an earlier one: the later wins in the cluster (and in RBAC answers). */
export interface Replacement {
  readonly earlier: InventoryEntry;
  readonly later: InventoryEntry;
}

export interface Workload extends PodTemplateView {
  readonly entry: InventoryEntry;
  readonly namespace: string;
  /** The ServiceAccount the pods run as (serviceAccountName, its deprecated alias, or `default`). */
  readonly serviceAccountName: string;
}

export interface InventoryNote {
  /** `warning`: something was not read or may be wrong; `note`: worth knowing, always shown; `info`: shown when verbose. */
  readonly level: 'warning' | 'note' | 'info';
  readonly message: string;
  readonly source?: SourceLocation;
  /**
   * The kind a "cannot list" note is about: a use case that can say what the gap means for its own answer
   * (the RBAC answers do) puts its own line in place of this one.
   */
  readonly unlisted?: { readonly group: string; readonly kind: string };
}

export type InventoryOrigin = 'files' | 'cluster';

/** What a source hands to the inventory: a decoded document and where it came from. */
export interface RawDocument {
  readonly value: unknown;
  readonly source?: SourceLocation;
}

export interface BuildOptions {
  /** The namespace for namespaced objects that name none: `-n`, else the context's, else `default`. */
  readonly defaultNamespace: string;
  readonly origin: InventoryOrigin;
  /** Notes the source already made (kinds it could not list, say), kept ahead of the builder's own. */
  readonly notes?: readonly InventoryNote[];
  /** What the source read completely; files are the whole input (the default), a cluster says per list. */
  readonly coverage?: Coverage;
  /**
   * The one namespace a cluster read is about (`-n`, or the context's; undefined with -A and for files). It
   * also reads RBAC cluster-wide, to answer right, but judges only this namespace's objects.
   */
  readonly namespaceScope?: string | undefined;
}

const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * The in-memory model every engine reads: all objects in input order, with indexes for the kinds the
 * RBAC and policy engines need. Immutable once built.
 */
export class Inventory {
  readonly entries: readonly InventoryEntry[];
  readonly notes: readonly InventoryNote[];
  readonly origin: InventoryOrigin;
  /** Which kinds, in which namespaces, the input shows completely: where absence proves anything. */
  readonly coverage: Coverage;
  /** See BuildOptions.namespaceScope. */
  readonly namespaceScope: string | undefined;
  readonly serviceAccounts: readonly InventoryEntry<ServiceAccount>[];
  readonly secrets: readonly InventoryEntry<Secret>[];
  readonly workloads: readonly Workload[];
  readonly roles: readonly InventoryEntry<Role>[];
  readonly clusterRoles: readonly InventoryEntry<ClusterRole>[];
  readonly roleBindings: readonly InventoryEntry<RoleBinding>[];
  readonly clusterRoleBindings: readonly InventoryEntry<RoleBinding>[];
  readonly namespaces: readonly InventoryEntry[];
  readonly customResourceDefinitions: readonly InventoryEntry[];
  /**
   * Documents whose identity (group, kind, namespace, name) an earlier document already had, in input
   * order. Every document is judged; lookups (`find`) and RBAC answers use the later, as a later
   * `kubectl apply` would leave it.
   */
  readonly replacements: readonly Replacement[];
  private readonly byIdentity: ReadonlyMap<string, InventoryEntry>;
  #namespaceNames: readonly string[] | undefined;

  constructor(
    entries: readonly InventoryEntry[],
    notes: readonly InventoryNote[],
    origin: InventoryOrigin,
    coverage: Coverage = origin === 'files' ? Coverage.wholeInput : Coverage.ofReads([]),
    namespaceScope?: string,
  ) {
    this.entries = entries;
    this.notes = notes;
    this.origin = origin;
    this.coverage = coverage;
    this.namespaceScope = namespaceScope;
    // One pass: each entry's group is worked out once and the entry put in its kind's list (eight filters
    // over 100,000 entries were a tenth of a who-can).
    const byKind = new Map<string, InventoryEntry[]>();
    const workloads: Workload[] = [];
    const index = new Map<string, InventoryEntry>();
    const replacements: Replacement[] = [];
    for (const entry of entries) {
      const group = groupOf(entry.ref.apiVersion);
      const kindKey = `${group}/${entry.ref.kind}`;
      const list = byKind.get(kindKey);
      if (list) list.push(entry);
      else byKind.set(kindKey, [entry]);
      const view = podTemplateOf(entry.object);
      if (view) {
        const namespace = entry.ref.namespace ?? 'default';
        workloads.push({ ...view, entry, namespace, serviceAccountName: serviceAccountNameOf(view.podSpec) });
      }
      const key = identityKey(group, entry.ref.kind, entry.ref.namespace, entry.ref.name);
      // A later document with the same identity replaces an earlier one, as a later `kubectl apply` would.
      const earlier = index.get(key);
      if (earlier) replacements.push({ earlier, later: entry });
      index.set(key, entry);
    }
    const ofCore = (kind: string, group: string) => byKind.get(`${group}/${kind}`) ?? [];
    this.serviceAccounts = ofCore('ServiceAccount', '') as InventoryEntry<ServiceAccount>[];
    this.secrets = ofCore('Secret', '') as InventoryEntry<Secret>[];
    this.roles = ofCore('Role', rbacGroup) as InventoryEntry<Role>[];
    this.clusterRoles = ofCore('ClusterRole', rbacGroup) as InventoryEntry<ClusterRole>[];
    this.roleBindings = ofCore('RoleBinding', rbacGroup) as InventoryEntry<RoleBinding>[];
    this.clusterRoleBindings = ofCore('ClusterRoleBinding', rbacGroup) as InventoryEntry<RoleBinding>[];
    this.namespaces = ofCore('Namespace', '');
    this.customResourceDefinitions = ofCore('CustomResourceDefinition', 'apiextensions.k8s.io');
    this.workloads = workloads;
    this.byIdentity = index;
    this.replacements = replacements;
  }

  /** Looks an object up by group, kind, namespace (undefined for cluster-scoped) and name. */
  find(group: string, kind: string, namespace: string | undefined, name: string): InventoryEntry | undefined {
    return this.byIdentity.get(identityKey(group, kind, namespace, name));
  }

  findServiceAccount(namespace: string, name: string): InventoryEntry<ServiceAccount> | undefined {
    return this.find('', 'ServiceAccount', namespace, name) as InventoryEntry<ServiceAccount> | undefined;
  }

  /** Every namespace the input mentions: declared Namespace objects and namespaces objects live in. */
  namespaceNames(): string[] {
    if (!this.#namespaceNames) {
      const names = new Set<string>();
      for (const entry of this.namespaces) names.add(entry.ref.name);
      for (const entry of this.entries) if (entry.ref.namespace !== undefined) names.add(entry.ref.namespace);
      this.#namespaceNames = [...names].sort();
    }
    // Several passes ask (the RBAC model, implicit default ServiceAccounts): one walk over the entries.
    return [...this.#namespaceNames];
  }

  countsByKind(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries) counts[entry.ref.kind] = (counts[entry.ref.kind] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

function identityKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${group}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/**
 * Turns decoded documents into an Inventory. Documents that are not Kubernetes objects are skipped with a
 * note naming file:line, never silently: the user sees what was not read.
 */
export function buildInventory(documents: readonly RawDocument[], options: BuildOptions): Inventory {
  const notes: InventoryNote[] = [...(options.notes ?? [])];
  const candidates: { object: KubeObject; source?: SourceLocation }[] = [];

  for (const document of documents) {
    const problem = whyNotAnObject(document.value);
    if (problem) {
      notes.push({ level: problem.level, message: problem.message, ...(document.source ? { source: document.source } : {}) });
      continue;
    }
    candidates.push({ object: document.value as KubeObject, ...(document.source ? { source: document.source } : {}) });
  }

  const customScopes = customResourceScopes(candidates.map((candidate) => candidate.object));
  const entries: InventoryEntry[] = candidates.map(({ object, source }) => {
    const clusterScoped = isClusterScoped(object.apiVersion, object.kind, customScopes);
    const name = object.metadata.name ?? object.metadata.generateName ?? '';
    const declared = object.metadata.namespace;
    const namespace = clusterScoped ? undefined : typeof declared === 'string' && declared !== '' ? declared : options.defaultNamespace;
    const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name, ...(namespace === undefined ? {} : { namespace }) };
    const namespaceDefaulted = namespace !== undefined && namespace !== declared;
    return {
      object: withNamespace(object, namespace),
      ref,
      ...(source ? { source } : {}),
      ...(namespaceDefaulted ? { namespaceDefaulted } : {}),
    };
  });
  const inventory = new Inventory(entries, notes, options.origin, options.coverage, options.namespaceScope);
  notes.push(...replacementNotes(inventory.replacements));
  if (options.origin === 'files') notes.push(...namespaceHints(inventory));
  return inventory;
}

const shownReplacements = 10;

/** One note for every document that replaces an earlier one: how many, and which (file:line → file:line). */
function replacementNotes(replacements: readonly Replacement[]): InventoryNote[] {
  if (replacements.length === 0) return [];
  const where = (entry: InventoryEntry) => (entry.source ? `${entry.source.file}:${entry.source.line}` : 'the cluster');
  const pairs = replacements.slice(0, shownReplacements).map(({ earlier, later }) => {
    const { kind, namespace, name } = later.ref;
    return `${where(earlier)} → ${where(later)} (${kind} ${namespace ? `${namespace}/` : ''}${name})`;
  });
  const more =
    replacements.length > shownReplacements ? `; and ${replacements.length - shownReplacements} more (-o json lists them all)` : '';
  return [
    {
      level: 'note',
      message:
        `${replacements.length} document(s) have the same kind, namespace and name as an earlier one; every document is judged, ` +
        `and RBAC answers use the later one, as kubectl apply would leave it: ${pairs.join('; ')}${more}`,
    },
  ];
}

/** Fills in the namespace the object will get, so engines never have to repeat kubectl's defaulting. */
function withNamespace(object: KubeObject, namespace: string | undefined): KubeObject {
  if (namespace === undefined || object.metadata.namespace === namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** kubectl-sa's own documents, found among manifests (a pack in an examples folder): what each is, and how to pass it. */
const ownDocuments: Readonly<Record<string, string>> = {
  PolicyPack: 'a kubectl-sa policy pack, not a cluster object; pass it with --policy',
  PolicyPackTest: 'kubectl-sa pack fixture cases, not a cluster object; run them with kubectl sa policy test',
  Exemptions: 'a kubectl-sa exemptions file, not a cluster object; pass it with --exemptions',
};

function whyNotAnObject(value: unknown): { level: InventoryNote['level']; message: string } | undefined {
  if (!isRecord(value)) {
    const shape = Array.isArray(value) ? 'a YAML sequence' : `a ${typeof value} value`;
    return { level: 'info', message: `skipped a document that is not a Kubernetes object (${shape})` };
  }
  if (typeof value.apiVersion === 'string' && value.apiVersion.startsWith('kubectl-sa.dev/') && typeof value.kind === 'string') {
    const name = isRecord(value.metadata) && typeof value.metadata.name === 'string' ? ` ${value.metadata.name}` : '';
    return {
      level: 'note',
      message: `skipped ${value.kind}${name}: ${ownDocuments[value.kind] ?? 'a kubectl-sa document, not a cluster object'}`,
    };
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    return { level: 'warning', message: 'skipped a document without `kind`: not a Kubernetes object' };
  }
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    return { level: 'warning', message: `skipped ${value.kind} without \`apiVersion\`` };
  }
  const metadata = value.metadata;
  if (!isRecord(metadata)) return { level: 'warning', message: `skipped ${value.kind} without \`metadata\`` };
  const name = metadata.name ?? metadata.generateName;
  if (typeof name !== 'string' || name === '') {
    return { level: 'warning', message: `skipped ${value.kind} without \`metadata.name\`` };
  }
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    return { level: 'warning', message: `skipped ${value.kind}/${name}: \`metadata.namespace\` is not a string` };
  }
  return undefined;
}

function customResourceScopes(objects: readonly KubeObject[]): CustomResourceScopes {
  const clusterScoped = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = object.spec;
    if (!isRecord(spec) || spec.scope !== 'Cluster' || typeof spec.group !== 'string') continue;
    const names = spec.names;
    if (isRecord(names) && typeof names.kind === 'string') clusterScoped.add(`${spec.group}/${names.kind}`);
  }
  return { clusterScoped };
}
