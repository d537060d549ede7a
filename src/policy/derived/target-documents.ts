import type { Inventory, InventoryEntry, ObjectRef, SourceLocation } from '../../inventory/inventory.js';
import type { ObjectMeta, RoleBinding, Secret } from '../../inventory/kube-object.js';
import { groupOf } from '../../inventory/object-scope.js';
import { buildBindingDocument } from './binding-document.js';
import { buildLegacyTokenSecretDocument } from './legacy-token-secret.js';
import { buildRoleProfile } from './role-profile.js';
import { legacyTokenType, ScanContext, type DerivedOptions, type UnknownAnswer } from './scan-context.js';
import { buildServiceAccountProfile } from './service-account-profile.js';
import { derivedTarget } from './target-registry.js';
import { buildWorkloadDocument, type WorkloadDocument } from './workload-document.js';

/** One thing a rule judges: the document, and the object a finding about it should name. */
export interface TargetDocument {
  readonly document: unknown;
  readonly object: ObjectRef;
  readonly source: SourceLocation | undefined;
  /** Annotations of the object the finding names (for exemptions). */
  readonly metadata: ObjectMeta;
  /** Dotted path from the object root to the pod spec, for workloads; readable explanations use it. */
  readonly podSpecPath?: string;
}

/**
 * Every document a scan can judge, built lazily and at most once: a scan whose packs never target
 * `Binding` never builds a binding document, and one that does builds each exactly once however many
 * rules read it. Kubernetes kinds are indexed by `Kind` and `group/Kind`.
 */
export class TargetDocuments {
  private contextBuilt: ScanContext | undefined;
  private readonly cache = new Map<string, readonly TargetDocument[]>();
  private workloadDocuments: { entry: InventoryEntry; document: WorkloadDocument }[] | undefined;

  /**
   * `keepProfiles`: keep the ServiceAccountProfiles a pass builds, for a view that lists them all after the scan
   * (the TUI's rows), so they are not built a second time and findings' documents are the listed profiles.
   */
  constructor(
    private readonly inventory: Inventory,
    private readonly options: DerivedOptions,
    private readonly keepProfiles = false,
  ) {}

  private get context(): ScanContext {
    this.contextBuilt ??= new ScanContext(this.inventory, this.options);
    return this.contextBuilt;
  }

  /** What the documents built so far could not tell (see ScanContext.unknownAnswers). */
  unknownAnswers(): UnknownAnswer[] {
    return this.context.unknownAnswers();
  }

  /**
   * Lets go of every document built and the indexes under them (a scan's derived documents and their
   * context: 100 MB at 100,000 objects), for a caller done with them; asked again, they are built again,
   * and `unknownAnswers` starts afresh.
   */
  forget(): void {
    this.contextBuilt = undefined;
    this.cache.clear();
    this.workloadDocuments = undefined;
  }

  /**
   * The documents of a target for one pass over them: ServiceAccountProfiles (one per ServiceAccount, the
   * most numerous and the largest) are built one at a time as the pass reaches them and not kept, so a scan
   * of 100,000 ServiceAccounts never holds 100,000 profiles at once; other targets come from documentsFor.
   */
  each(target: string): Iterable<TargetDocument> {
    if (target === 'ServiceAccountProfile' && !this.cache.has(target))
      return this.keepProfiles ? this.keptProfileDocuments() : this.profileDocuments();
    return this.documentsFor(target);
  }

  private *keptProfileDocuments(): Generator<TargetDocument> {
    const kept: TargetDocument[] = [];
    for (const document of this.profileDocuments()) {
      kept.push(document);
      yield document;
    }
    this.cache.set('ServiceAccountProfile', kept);
  }

  documentsFor(target: string): readonly TargetDocument[] {
    const cached = this.cache.get(target);
    if (cached) return cached;
    const built = this.build(target);
    this.cache.set(target, built);
    return built;
  }

  /** A derived target (target-registry.ts) by its builder, else the objects of a Kubernetes kind. */
  private build(target: string): readonly TargetDocument[] {
    const derived = derivedTarget(target);
    if (derived) return derived.build(this);
    return this.entriesOfKind(target).map((entry) => ({ ...fromEntry(entry), document: entry.object }));
  }

  workloadTargets(): TargetDocument[] {
    return this.workloads().map(({ entry, document }) => ({ ...fromEntry(entry), document, podSpecPath: document.podSpecPath }));
  }

  bindingTargets(): TargetDocument[] {
    return this.bindingDocuments().map((entry) => ({ ...fromEntry(entry), document: buildBindingDocument(entry, this.context) }));
  }

  legacyTokenSecretTargets(): TargetDocument[] {
    return this.legacyTokenSecrets();
  }

  serviceAccountProfiles(): TargetDocument[] {
    return [...this.profileDocuments()];
  }

  roleProfiles(): TargetDocument[] {
    return [...this.context.inventory.clusterRoles, ...this.context.inventory.roles]
      .filter((entry) => this.context.inScope(entry))
      .map((entry) => ({ ...fromEntry(entry), document: buildRoleProfile(entry, this.context) }));
  }

  /**
   * The objects in scope a Kubernetes-kind target names, in input order: `Kind` (any group) or `group/Kind`.
   * Looked for when a rule targets the kind (once, documentsFor caches the documents): packs target one or
   * two kinds of the dozen an input holds, so no index of every kind is built.
   */
  private entriesOfKind(target: string): InventoryEntry[] {
    const slash = target.indexOf('/');
    const kind = slash === -1 ? target : target.slice(slash + 1);
    const group = slash === -1 ? undefined : target.slice(0, slash);
    if (group === '') return [];
    return this.context.inventory.entries.filter(
      (entry) => entry.ref.kind === kind && (group === undefined || groupOf(entry.ref.apiVersion) === group) && this.context.inScope(entry),
    );
  }

  private workloads(): { entry: InventoryEntry; document: WorkloadDocument }[] {
    // Every document, a later one with the same identity too: each may be the one a user applies.
    this.workloadDocuments ??= this.context.inventory.workloads
      .filter((workload) => this.context.inScope(workload.entry))
      .map((workload) => ({
        entry: workload.entry,
        document: buildWorkloadDocument(workload, this.context),
      }));
    return this.workloadDocuments;
  }

  private *profileDocuments(): Generator<TargetDocument> {
    // Per ServiceAccount, the workloads that run as it: one per workload identity (two documents of one
    // Deployment are one workload, the later document's view), so "shared by several" counts workloads.
    const bySa = new Map<string, Map<string, WorkloadDocument>>();
    const firstUser = new Map<string, InventoryEntry>();
    for (const { entry, document } of this.workloads()) {
      const saKey = `${document.object.namespace}\u0000${document.serviceAccount.name}`;
      const byIdentity = bySa.get(saKey) ?? new Map<string, WorkloadDocument>();
      byIdentity.set(`${groupOf(document.object.apiVersion)}\u0000${document.object.kind}\u0000${document.object.name}`, document);
      bySa.set(saKey, byIdentity);
      if (!firstUser.has(saKey)) firstUser.set(saKey, entry);
    }
    const workloadsOf = (saKey: string) => [...(bySa.get(saKey)?.values() ?? [])];
    const declared = new Set<string>();
    // Every ServiceAccount document is judged, a later one of the same identity too (its RBAC is the identity's).
    for (const entry of this.context.inventory.serviceAccounts) {
      const namespace = entry.ref.namespace ?? 'default';
      if (!this.context.namespaceInScope(namespace)) continue;
      const saKey = `${namespace}\u0000${entry.ref.name}`;
      declared.add(saKey);
      const document = buildServiceAccountProfile(namespace, entry.ref.name, entry, workloadsOf(saKey), this.context);
      yield { ...fromEntry(entry), document };
    }
    // The control plane creates `default` in every namespace; judge it even when the input does not declare it.
    for (const namespace of this.context.inventory.namespaceNames()) {
      const saKey = `${namespace}\u0000default`;
      if (declared.has(saKey) || !this.context.namespaceInScope(namespace)) continue;
      const document = buildServiceAccountProfile(namespace, 'default', undefined, workloadsOf(saKey), this.context);
      // No file declares an implicit SA; point where a user can act: the first workload that runs as it,
      // else the first binding that names it (SARIF consumers need a location for every result).
      const source = firstUser.get(saKey)?.source ?? this.context.bindingsNaming(namespace, 'default')[0]?.source;
      yield {
        document,
        object: { apiVersion: 'v1', kind: 'ServiceAccount', namespace, name: 'default' },
        source,
        metadata: document.metadata,
      };
    }
    // ServiceAccounts that bindings or workloads name in namespaces whose SAs the input does not show
    // (a chart installed with -n): their rights are real for whoever holds the name, so judge them too.
    const referenced = new Map<string, { namespace: string; name: string; source: SourceLocation | undefined }>();
    for (const entry of this.bindingDocuments()) {
      for (const subject of Array.isArray(entry.object.subjects) ? entry.object.subjects : []) {
        if (subject?.kind !== 'ServiceAccount' || typeof subject.name !== 'string') continue;
        const namespace =
          typeof subject.namespace === 'string' && subject.namespace !== ''
            ? subject.namespace
            : entry.ref.kind === 'RoleBinding'
              ? entry.ref.namespace
              : undefined;
        if (namespace === undefined || !this.context.namespaceInScope(namespace)) continue;
        if (this.context.serviceAccountExists(namespace, subject.name) !== null) continue;
        const saKey = `${namespace}\u0000${subject.name}`;
        if (!referenced.has(saKey)) referenced.set(saKey, { namespace, name: subject.name, source: entry.source });
      }
    }
    for (const { entry, document } of this.workloads()) {
      if (document.serviceAccount.exists !== null) continue;
      const saKey = `${document.object.namespace}\u0000${document.serviceAccount.name}`;
      if (!referenced.has(saKey))
        referenced.set(saKey, { namespace: document.object.namespace, name: document.serviceAccount.name, source: entry.source });
    }
    for (const [saKey, { namespace, name, source }] of referenced) {
      const document = buildServiceAccountProfile(namespace, name, undefined, workloadsOf(saKey), this.context);
      yield {
        document,
        object: { apiVersion: 'v1', kind: 'ServiceAccount', namespace, name },
        source,
        metadata: document.metadata,
      };
    }
  }

  /** Every binding document in scope; the RBAC model answers with the later of two that share an identity. */
  private bindingDocuments(): InventoryEntry<RoleBinding>[] {
    return [...this.context.inventory.roleBindings, ...this.context.inventory.clusterRoleBindings].filter((entry) =>
      this.context.inScope(entry),
    );
  }

  private legacyTokenSecrets(): TargetDocument[] {
    const readers = new Map<string, WorkloadDocument[]>();
    for (const { document } of this.workloads()) {
      for (const reference of document.legacyTokenReferences) {
        const secretKey = `${document.object.namespace}\u0000${reference.secretName}`;
        const list = readers.get(secretKey) ?? [];
        if (!list.includes(document)) list.push(document);
        readers.set(secretKey, list);
      }
    }
    return this.context.inventory.secrets
      .filter((entry) => entry.object.type === legacyTokenType && this.context.inScope(entry))
      .map((entry) => ({
        ...fromEntry(entry),
        document: buildLegacyTokenSecretDocument(
          entry as InventoryEntry<Secret>,
          readers.get(`${entry.ref.namespace ?? 'default'}\u0000${entry.ref.name}`) ?? [],
          this.context,
        ),
      }));
  }
}

function fromEntry(entry: InventoryEntry): Omit<TargetDocument, 'document'> {
  return { object: entry.ref, source: entry.source, metadata: entry.object.metadata };
}
