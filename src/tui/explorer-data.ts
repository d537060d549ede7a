/**
 * What the TUI lists, from one Exploration: a row per ServiceAccount the scan judged (declared, the implicit
 * `default` of each namespace, and accounts that bindings or workloads name) and a row per namespace, each
 * with the findings that concern it. Pure and built once per load, O(ServiceAccounts + findings + documents):
 * every later keystroke filters and sorts these rows, never the inventory.
 *
 * A finding concerns a ServiceAccount when it is about the account itself, a workload running as it, a
 * legacy token Secret of it, or a binding that names it as a subject. Findings that concern no listed
 * account (a binding to a whole group, to an account that does not exist) are not dropped: each namespace
 * lists them on an "other findings" row, and cluster-scoped ones sit under a "(cluster-scoped)" namespace.
 */
import type { Exploration } from '../app/explore.js';
import type { BindingDocument } from '../policy/derived/binding-document.js';
import type { LegacyTokenSecretDocument } from '../policy/derived/legacy-token-secret.js';
import type { ServiceAccountProfileDocument } from '../policy/derived/service-account-profile.js';
import type { WorkloadDocument } from '../policy/derived/workload-document.js';
import type { Finding } from '../policy/finding.js';
import { severities, type Severity } from '../policy/pack-types.js';
import { oneHopReachCount } from '../rbac/one-hop-reach.js';

export type AutomountSetting = 'on' | 'off' | 'unset';
export type TokenKind = 'none' | 'projected' | 'legacy';

export interface ServiceAccountRow {
  /** `namespace/name`; for an "other findings" row, `namespace/` plus a name no account can have. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** `other`: the findings of a namespace that concern no listed ServiceAccount. */
  readonly kind: 'serviceAccount' | 'other';
  /** The ServiceAccountProfile the scan judged; absent on an "other findings" row. */
  readonly profile: ServiceAccountProfileDocument | undefined;
  /** Most severe first (the scan's order). */
  readonly findings: readonly Finding[];
  /** How many of `findings` are at each severity (the risk order compares these, most severe first). */
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly worst: Severity | undefined;
  /** The account's automountServiceAccountToken: `unset` means pods get a token unless they opt out. */
  readonly automount: AutomountSetting;
  readonly workloads: readonly WorkloadDocument[];
  /** The longest-lived kind of token its pods or Secrets carry: legacy Secrets, projected (incl. automounted), none. */
  readonly tokenKind: TokenKind;
  /** Other ServiceAccounts it can act as in one step (pod create, token create, impersonation). */
  readonly canBecome: number;
}

export interface NamespaceRow {
  /** The namespace, or one of the two pseudo keys below. */
  readonly key: string;
  readonly label: string;
  readonly kind: 'all' | 'namespace' | 'cluster';
  readonly serviceAccounts: number;
  readonly findings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly worst: Severity | undefined;
}

export const allNamespacesKey = '\u0000all';
export const clusterScopedKey = '\u0000cluster';
const otherRowName = '\u0000other findings';

export interface ExplorerData {
  /** "all namespaces" first, then namespaces by name, "(cluster-scoped)" last when it has findings. */
  readonly namespaces: readonly NamespaceRow[];
  /** Rows by namespace key (allNamespacesKey: every row). */
  readonly rowsByNamespace: ReadonlyMap<string, readonly ServiceAccountRow[]>;
  readonly rowsByKey: ReadonlyMap<string, ServiceAccountRow>;
  /** Rule ids of the loaded packs, for the filter (`rule:` and bare ids). */
  readonly ruleIds: readonly string[];
}

export function isOtherRow(row: ServiceAccountRow): boolean {
  return row.kind === 'other';
}

export function rowKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function buildExplorerData(exploration: Exploration): ExplorerData {
  const { evaluation, model, rbac } = exploration;
  const documents = evaluation.documents;
  const profiles = documents.documentsFor('ServiceAccountProfile').map((target) => target.document as ServiceAccountProfileDocument);
  const workloadOwners = new Map<string, string>();
  const workloadsByAccount = new Map<string, WorkloadDocument[]>();
  for (const target of documents.documentsFor('Workload')) {
    const document = target.document as WorkloadDocument;
    const owner = rowKey(document.serviceAccount.namespace, document.serviceAccount.name);
    workloadOwners.set(objectKey(document.object), owner);
    push(workloadsByAccount, owner, document);
  }
  const secretOwners = new Map<string, string>();
  for (const target of documents.documentsFor('LegacyTokenSecret')) {
    const document = target.document as LegacyTokenSecretDocument;
    if (document.serviceAccount.name !== null)
      secretOwners.set(objectKey(document.object), rowKey(document.object.namespace, document.serviceAccount.name));
  }
  const bindingSubjects = new Map<string, string[]>();
  for (const target of documents.documentsFor('Binding')) {
    const document = target.document as BindingDocument;
    const accounts = document.subjects.flatMap((subject) =>
      subject.kind === 'ServiceAccount' && subject.namespace !== null ? [rowKey(subject.namespace, subject.name)] : [],
    );
    bindingSubjects.set(objectKey(target.object), accounts);
  }

  const accountKeys = new Set(profiles.map((profile) => rowKey(profile.object.namespace, profile.object.name)));
  const findingsByAccount = new Map<string, Finding[]>();
  const unattributed = new Map<string, Finding[]>();
  for (const finding of evaluation.findings) {
    const owners = ownersOf(finding, { workloadOwners, secretOwners, bindingSubjects }).filter((key) => accountKeys.has(key));
    for (const owner of new Set(owners)) push(findingsByAccount, owner, finding);
    if (owners.length === 0) push(unattributed, finding.object.namespace ?? clusterScopedKey, finding);
  }

  const rows: ServiceAccountRow[] = profiles.map((profile) => {
    const { namespace, name } = profile.object;
    const key = rowKey(namespace, name);
    const findings = findingsByAccount.get(key) ?? [];
    const workloads = workloadsByAccount.get(key) ?? [];
    const answer = rbac.serviceAccount(namespace, name);
    return {
      key,
      namespace,
      name,
      kind: 'serviceAccount',
      profile,
      findings,
      ...severityOf(findings),
      automount: profile.automountServiceAccountToken === null ? 'unset' : profile.automountServiceAccountToken ? 'on' : 'off',
      workloads,
      tokenKind: tokenKindOf(profile, workloads),
      canBecome: answer ? oneHopReachCount(model, answer.subject, answer.facts) : 0,
    };
  });
  for (const [namespace, findings] of unattributed) {
    rows.push({
      key: rowKey(namespace, otherRowName),
      namespace,
      name: otherRowName,
      kind: 'other',
      profile: undefined,
      findings,
      ...severityOf(findings),
      automount: 'unset',
      workloads: [],
      tokenKind: 'none',
      canBecome: 0,
    });
  }

  const rowsByNamespace = new Map<string, ServiceAccountRow[]>([[allNamespacesKey, rows]]);
  for (const row of rows) push(rowsByNamespace, row.namespace, row);
  const namespaces: NamespaceRow[] = [namespaceRow(allNamespacesKey, '(all)', 'all', rows, evaluation.findings)];
  const names = [...rowsByNamespace.keys()].filter((key) => key !== allNamespacesKey && key !== clusterScopedKey).sort();
  for (const name of names) namespaces.push(namespaceRow(name, name, 'namespace', rowsByNamespace.get(name) ?? []));
  const clusterRows = rowsByNamespace.get(clusterScopedKey);
  if (clusterRows) namespaces.push(namespaceRow(clusterScopedKey, '(cluster-scoped)', 'cluster', clusterRows));

  return {
    namespaces,
    rowsByNamespace,
    rowsByKey: new Map(rows.map((row) => [row.key, row])),
    ruleIds: exploration.packs.flatMap((pack) => pack.rules.map((rule) => rule.id)),
  };
}

/** The display name of a row: the account's name, or what an "other findings" row holds. */
export function rowLabel(row: ServiceAccountRow): string {
  return row.kind === 'other' ? '(findings not about one ServiceAccount)' : row.name;
}

function namespaceRow(
  key: string,
  label: string,
  kind: NamespaceRow['kind'],
  rows: readonly ServiceAccountRow[],
  allFindings?: readonly Finding[],
): NamespaceRow {
  // A finding about a binding that names two accounts of the namespace counts once.
  const findings = allFindings ?? [...new Set(rows.flatMap((row) => row.findings))];
  return {
    key,
    label,
    kind,
    serviceAccounts: rows.filter((row) => row.kind === 'serviceAccount').length,
    findings: findings.length,
    ...severityOf(findings),
  };
}

function severityOf(findings: readonly Finding[]): { bySeverity: Record<Severity, number>; worst: Severity | undefined } {
  const bySeverity = Object.fromEntries(severities.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) bySeverity[finding.severity] += 1;
  return { bySeverity, worst: severities.find((severity) => bySeverity[severity] > 0) };
}

interface Owners {
  readonly workloadOwners: ReadonlyMap<string, string>;
  readonly secretOwners: ReadonlyMap<string, string>;
  readonly bindingSubjects: ReadonlyMap<string, readonly string[]>;
}

function ownersOf(finding: Finding, owners: Owners): string[] {
  const { object } = finding;
  switch (finding.target) {
    case 'ServiceAccountProfile':
    case 'ServiceAccount':
      return [rowKey(object.namespace ?? 'default', object.name)];
    case 'Workload': {
      const owner = owners.workloadOwners.get(objectKey(object));
      return owner ? [owner] : [];
    }
    case 'LegacyTokenSecret': {
      const owner = owners.secretOwners.get(objectKey(object));
      return owner ? [owner] : [];
    }
    case 'Binding':
      return [...(owners.bindingSubjects.get(objectKey(object)) ?? [])];
    default:
      // A rule over a Kubernetes kind: a ServiceAccount is its own owner; anything else belongs to its namespace.
      return object.kind === 'ServiceAccount' && object.namespace !== undefined ? [rowKey(object.namespace, object.name)] : [];
  }
}

function tokenKindOf(profile: ServiceAccountProfileDocument, workloads: readonly WorkloadDocument[]): TokenKind {
  if (profile.legacyTokenSecrets.length > 0 || workloads.some((workload) => workload.legacyTokenReferences.length > 0)) return 'legacy';
  return workloads.some((workload) => workload.tokenMounted) ? 'projected' : 'none';
}

function objectKey(object: { readonly kind: string; readonly namespace?: string | null | undefined; readonly name: string }): string {
  return `${object.kind}/${object.namespace ?? ''}/${object.name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
