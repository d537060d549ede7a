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
  // The explore use case keeps the profiles it judged: the same objects as its findings' documents.
  const accounts = new Map<string, Account>();
  const byProfile = new Map<unknown, Account>();
  for (const target of documents.documentsFor('ServiceAccountProfile')) {
    const profile = target.document as ServiceAccountProfileDocument;
    const key = rowKey(profile.object.namespace, profile.object.name);
    let account = accounts.get(key);
    // A later document of the same ServiceAccount: one row, with the later view (as the RBAC answers take it).
    if (account) account.profile = profile;
    else {
      account = { key, profile, findings: [], workloads: [] };
      accounts.set(key, account);
    }
    byProfile.set(profile, account);
  }
  for (const target of documents.documentsFor('Workload')) {
    const document = target.document as WorkloadDocument;
    accounts.get(rowKey(document.serviceAccount.namespace, document.serviceAccount.name))?.workloads.push(document);
  }

  const byNamespace = new Map<string, Tally>();
  const unattributed = new Map<string, Finding[]>();
  for (const finding of evaluation.findings) {
    const owners = ownersOf(finding, accounts, byProfile);
    if (owners.length === 0) {
      const namespace = finding.object.namespace ?? clusterScopedKey;
      push(unattributed, namespace, finding);
      count(tallyOf(byNamespace, namespace), finding);
      continue;
    }
    for (const owner of owners) owner.findings.push(finding);
    // A finding about a binding that names two accounts of a namespace counts once there.
    const namespace = owners[0]!.profile.object.namespace;
    count(tallyOf(byNamespace, namespace), finding);
    for (const other of new Set(owners.slice(1).map((owner) => owner.profile.object.namespace)))
      if (other !== namespace) count(tallyOf(byNamespace, other), finding);
  }

  const rows: ServiceAccountRow[] = [];
  for (const { key, profile, findings, workloads } of accounts.values()) {
    const { namespace, name } = profile.object;
    const answer = rbac.serviceAccount(namespace, name);
    tallyOf(byNamespace, namespace).serviceAccounts += 1;
    rows.push({
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
    });
  }
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
  const all = severityOf(evaluation.findings);
  const namespaces: NamespaceRow[] = [
    {
      key: allNamespacesKey,
      label: '(all)',
      kind: 'all',
      serviceAccounts: accounts.size,
      findings: evaluation.findings.length,
      ...all,
    },
  ];
  const namespaceRow = (key: string, label: string, kind: NamespaceRow['kind']): NamespaceRow => {
    const tally = byNamespace.get(key) ?? newTally();
    return { key, label, kind, serviceAccounts: tally.serviceAccounts, findings: tally.findings, ...worstOf(tally.bySeverity) };
  };
  const names = [...rowsByNamespace.keys()].filter((key) => key !== allNamespacesKey && key !== clusterScopedKey).sort();
  for (const name of names) namespaces.push(namespaceRow(name, name, 'namespace'));
  if (rowsByNamespace.has(clusterScopedKey)) namespaces.push(namespaceRow(clusterScopedKey, '(cluster-scoped)', 'cluster'));

  return {
    namespaces,
    rowsByNamespace,
    rowsByKey: new Map(rows.map((row) => [row.key, row])),
    ruleIds: exploration.packs.flatMap((pack) => pack.rules.map((rule) => rule.id)),
  };
}

/** A listed ServiceAccount while its row is put together. */
interface Account {
  readonly key: string;
  profile: ServiceAccountProfileDocument;
  readonly findings: Finding[];
  readonly workloads: WorkloadDocument[];
}

/** A namespace's ServiceAccounts and findings, counted as the findings are attributed. */
interface Tally {
  serviceAccounts: number;
  findings: number;
  readonly bySeverity: Record<Severity, number>;
}

const newTally = (): Tally => ({ serviceAccounts: 0, findings: 0, bySeverity: noFindings() });

function tallyOf(tallies: Map<string, Tally>, namespace: string): Tally {
  let tally = tallies.get(namespace);
  if (!tally) {
    tally = newTally();
    tallies.set(namespace, tally);
  }
  return tally;
}

function count(tally: Tally, finding: Finding): void {
  tally.findings += 1;
  tally.bySeverity[finding.severity] += 1;
}

/** The display name of a row: the account's name, or what an "other findings" row holds. */
export function rowLabel(row: ServiceAccountRow): string {
  return row.kind === 'other' ? '(findings not about one ServiceAccount)' : row.name;
}

function noFindings(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

function severityOf(findings: readonly Finding[]): { bySeverity: Record<Severity, number>; worst: Severity | undefined } {
  const bySeverity = noFindings();
  for (const finding of findings) bySeverity[finding.severity] += 1;
  return worstOf(bySeverity);
}

function worstOf(bySeverity: Record<Severity, number>): { bySeverity: Record<Severity, number>; worst: Severity | undefined } {
  return { bySeverity, worst: severities.find((severity) => bySeverity[severity] > 0) };
}

/**
 * The listed ServiceAccounts a finding concerns, from the document it judged: the profile itself, the account a
 * workload runs as or a legacy token Secret belongs to, the accounts a binding names.
 */
function ownersOf(finding: Finding, accounts: ReadonlyMap<string, Account>, byProfile: ReadonlyMap<unknown, Account>): Account[] {
  const { object } = finding;
  const one = (key: string) => {
    const account = accounts.get(key);
    return account ? [account] : [];
  };
  switch (finding.target) {
    case 'ServiceAccountProfile': {
      const account = byProfile.get(finding.document);
      return account ? [account] : one(rowKey(object.namespace ?? 'default', object.name));
    }
    case 'ServiceAccount':
      return one(rowKey(object.namespace ?? 'default', object.name));
    case 'Workload': {
      const { serviceAccount } = finding.document as WorkloadDocument;
      return one(rowKey(serviceAccount.namespace, serviceAccount.name));
    }
    case 'LegacyTokenSecret': {
      const document = finding.document as LegacyTokenSecretDocument;
      return document.serviceAccount.name === null ? [] : one(rowKey(document.object.namespace, document.serviceAccount.name));
    }
    case 'Binding': {
      const named = new Set<Account>();
      for (const subject of (finding.document as BindingDocument).subjects) {
        const account =
          subject.kind === 'ServiceAccount' && subject.namespace !== null
            ? accounts.get(rowKey(subject.namespace, subject.name))
            : undefined;
        if (account) named.add(account);
      }
      return [...named];
    }
    default:
      // A rule over a Kubernetes kind: a ServiceAccount is its own owner; anything else belongs to its namespace.
      return object.kind === 'ServiceAccount' && object.namespace !== undefined ? one(rowKey(object.namespace, object.name)) : [];
  }
}

function tokenKindOf(profile: ServiceAccountProfileDocument, workloads: readonly WorkloadDocument[]): TokenKind {
  if (profile.legacyTokenSecrets.length > 0 || workloads.some((workload) => workload.legacyTokenReferences.length > 0)) return 'legacy';
  return workloads.some((workload) => workload.tokenMounted) ? 'projected' : 'none';
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
